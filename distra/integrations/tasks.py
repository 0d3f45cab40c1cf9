from django_tasks import task

from distra.integrations import services


@task()
def run_import_job(job_id: int) -> None:
    services.import_job_run(job_id=job_id)


@task()
def prune_import_jobs() -> int:
    return services.import_jobs_prune()
