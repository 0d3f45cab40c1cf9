from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


# A job is claimed once (queued → running) and ends once. "Succeeded" means the import ran to its
# report, which may still say that nothing was written (a row problem in all-or-nothing mode).
# queued → failed: the job was never run (the worker was gone for a day, see import_jobs_prune).
IMPORT_JOB_TRANSITIONS = {
    ImportJobStatus.QUEUED: {ImportJobStatus.RUNNING, ImportJobStatus.FAILED},
    ImportJobStatus.RUNNING: {ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED},
    ImportJobStatus.SUCCEEDED: set(),
    ImportJobStatus.FAILED: set(),
}
FINISHED = (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
