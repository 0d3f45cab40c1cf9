from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the background task worker for the configured backend (database by default, RQ on Redis to scale)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default")
        parser.add_argument("--batch", action="store_true", help="Run the tasks waiting now, then stop.")

    def handle(self, *args, queue, batch, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_db.DatabaseBackend":
            call_command("db_worker", queue_name=queue, batch=batch, interval=1)
        elif backend == "django_tasks_rq.RQBackend":
            # The RQ worker must run django-tasks-rq's Job class. In batch mode jobs run in-process.
            extra = {"worker_class": "rq.worker.SimpleWorker"} if batch else {}
            call_command("rqworker", queue, burst=batch, job_class="django_tasks_rq.Job", **extra)
        else:
            raise CommandError(f"The {backend} backend runs tasks without a worker.")
