import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from distra.config.schedule import PERIODIC_TASKS

logger = logging.getLogger("distra.scheduler")


def enqueue_periodic(task_path: str) -> None:
    """What the scheduler does on each tick: enqueue the task; a worker runs it."""
    task = import_string(task_path)
    result = task.enqueue()
    logger.info("enqueued periodic task", extra={"task": task_path, "task_id": str(result.id)})


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
    for entry in PERIODIC_TASKS:
        scheduler.add_job(
            enqueue_periodic, "cron", args=[entry.task], id=entry.task, coalesce=True, misfire_grace_time=3600, **entry.cron
        )
    return scheduler


class Command(BaseCommand):
    help = "Enqueue periodic tasks on their schedule (run exactly one scheduler per installation)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print the schedule and stop.")

    def handle(self, *args, list, **options):
        if list:
            for entry in PERIODIC_TASKS:
                self.stdout.write(f"{entry.task}: {entry.cron} ({entry.description})")
            return
        scheduler = build_scheduler()
        logger.info("scheduler started", extra={"jobs": len(PERIODIC_TASKS)})
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
