from django.core.management import call_command
from django_tasks import task


@task()
def prune_task_results() -> None:
    call_command("prune_db_task_results", min_age_days=30, verbosity=0)
