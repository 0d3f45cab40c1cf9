"""Imports: read an uploaded file and write its rows through the services of their context,
either at once (``data_import``, the CLI) or as a job run in the background (``import_job_*``)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from distra.core.errors import Conflict, DomainError, FieldProblem
from distra.integrations import progress as job_progress
from distra.integrations.choices import IMPORT_JOB_TRANSITIONS, ImportJobStatus
from distra.integrations.importers import IMPORTERS, ImportReport, Problem, check_header, run_import
from distra.integrations.importers.base import Progress
from distra.integrations.models import ImportJob
from distra.integrations.permissions import require_import
from distra.integrations.tabular import Table, UnreadableFile, read_table

logger = logging.getLogger("distra.integrations")

INLINE_MAX_ROWS = 2000  # default of settings.DISTRA_IMPORT_INLINE_ROWS
KEEP_JOBS_FOR = timedelta(days=30)
STALE_AFTER = timedelta(days=1)  # a job still queued or running after this was lost (worker killed)


class ImportRejected(DomainError):
    """The file cannot be imported at all (unreadable, or its header is wrong); ``report`` lists
    why, before any row was looked at."""

    def __init__(self, report: ImportReport, code: str, message: str):
        fields: dict[str, list[FieldProblem]] = {}
        for problem in report.problems:
            fields.setdefault(problem.column or "file", []).append(FieldProblem(problem.code, problem.message))
        super().__init__(message=message, code=code, status=422, fields=fields)
        self.report = report

    def as_dict(self) -> dict:
        return {**super().as_dict(), "report": self.report.as_dict()}


def _readable_table(*, kind: str, data: bytes, filename: str, dry_run: bool, partial: bool) -> Table:
    """The file's table, its header checked against ``kind``; ImportRejected otherwise."""
    report = ImportReport(kind=kind, dry_run=dry_run, partial=partial)
    try:
        table = read_table(data, filename)
    except UnreadableFile as exc:
        report.problems.append(Problem(None, None, "unreadable_file", str(exc)))
        raise ImportRejected(report, "unreadable_file", str(exc)) from exc
    report.problems = check_header(IMPORTERS[kind], table.header)
    if report.problems:
        raise ImportRejected(report, "invalid_columns", "The file's columns are not the ones this import expects.")
    return table


def data_import(
    *, by, kind: str, data: bytes, filename: str = "", dry_run: bool = False, partial: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import a CSV or XLSX file of ``kind`` rows as user ``by``.

    Each row is created or updated (matched on its code) through the same services as the API, so
    their permission, scope and validation rules hold row by row. All or nothing unless
    ``partial`` (then every valid row is written, each complete); a ``dry_run`` writes nothing.
    Raises Forbidden when the role may not import ``kind``, ImportRejected (422) when the file is
    unreadable or its columns are wrong.
    """
    require_import(by, kind)
    table = _readable_table(kind=kind, data=data, filename=filename, dry_run=dry_run, partial=partial)
    return run_import(IMPORTERS[kind](by), table.header, table.rows, dry_run=dry_run, partial=partial, progress=progress)


# Import jobs ------------------------------------------------------------------------------------

def inline_max_rows() -> int:
    return int(getattr(settings, "DISTRA_IMPORT_INLINE_ROWS", INLINE_MAX_ROWS))


def import_job_submit(*, by, kind: str, upload, dry_run: bool = False, partial: bool = False) -> ImportJob:
    """Accept a file for import as user ``by`` and return its job.

    Checked at once, as ``data_import`` does: the role may import ``kind`` (else Forbidden) and
    the file is readable with the right columns (else ImportRejected, 422); nothing is stored
    then. The file is stored under MEDIA_ROOT/imports/. A file of at most
    ``DISTRA_IMPORT_INLINE_ROWS`` rows is imported before this returns (the job has finished);
    a larger one is queued for the worker once the job row is committed.
    """
    require_import(by, kind)
    data = upload.read()
    filename = PurePath(upload.name or "").name
    table = _readable_table(kind=kind, data=data, filename=filename, dry_run=dry_run, partial=partial)
    inline = len(table.rows) <= inline_max_rows()
    with transaction.atomic():
        job = ImportJob(user=by, kind=kind, dry_run=dry_run, partial=partial, filename=filename[:255], rows_total=len(table.rows))
        # Stored under a random name: the original may collide, carry odd characters or be guessed.
        job.file.save(f"{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}", ContentFile(data), save=False)
        job.save()
        if not inline:
            from distra.integrations.tasks import run_import_job

            transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    if inline:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run queued job ``job_id`` through the import engine, as its user (whose role and scope are
    checked again now), and record the outcome. Does nothing unless the job is queued, so a task
    delivered twice runs the import once.

    Ends ``succeeded`` with the report whenever the engine reports, also when the report says
    nothing was written (a row problem in all-or-nothing mode, a dry run). Ends ``failed`` with a
    code and message when the import could not run (the role lost the permission, the file is
    gone or unreadable) or raised unexpectedly; the import's transaction has then rolled back.
    """
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status != ImportJobStatus.QUEUED or not _change_status(job, ImportJobStatus.RUNNING, started_at=timezone.now()):
        logger.info("import job not queued; not run again", extra={"job_id": job_id})
        return None
    try:
        _run(job)
    finally:
        job_progress.discard(job.pk)  # after the row has its final status and count
    return job


def _run(job: ImportJob) -> None:
    """The import of a running job, and its end: succeeded with the report, or failed."""
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
    except OSError as exc:
        logger.warning("import job file unreadable", extra={"job_id": job.pk, "error": str(exc)})
        _fail(job, "file_missing", "The uploaded file could not be read back; upload it again.")
        return
    try:
        with job_progress.ProgressWriter(job.pk) as progress:
            report = data_import(
                by=job.user, kind=job.kind, data=data, filename=job.filename, dry_run=job.dry_run, partial=job.partial, progress=progress
            )
    except ImportRejected as exc:
        _fail(job, exc.code, exc.message, report=exc.report.as_dict())
    except DomainError as exc:
        _fail(job, exc.code, exc.message)
    except Exception:
        logger.exception("import job failed", extra={"job_id": job.pk})
        _fail(job, "unexpected_error", "The import stopped on an unexpected error (it has been logged). Nothing was written.")
    else:
        _change_status(job, ImportJobStatus.SUCCEEDED, report=report.as_dict(), rows_done=report.rows, finished_at=timezone.now())


def _fail(job: ImportJob, code: str, message: str, report: dict | None = None) -> None:
    _change_status(job, ImportJobStatus.FAILED, error_code=code, error_message=message, report=report, finished_at=timezone.now())


def _change_status(job: ImportJob, to: ImportJobStatus, **fields) -> bool:
    """Move ``job`` to ``to`` if IMPORT_JOB_TRANSITIONS allow it from the status it has in the
    database (a guarded UPDATE, so two workers cannot both claim a job); False if it has moved on."""
    if to not in IMPORT_JOB_TRANSITIONS[ImportJobStatus(job.status)]:
        raise Conflict(f"An import job cannot go from {job.status} to {to}.", code="invalid_transition")
    changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=to, updated_at=timezone.now(), **fields)
    if changed:
        job.status = to
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(changed)


def import_jobs_prune(*, now: datetime | None = None) -> int:
    """Daily housekeeping: a job still queued or running after STALE_AFTER was lost with its
    worker and is marked failed; jobs older than KEEP_JOBS_FOR are deleted with their stored
    files. Returns the number of jobs deleted."""
    now = now or timezone.now()
    for job in ImportJob.objects.filter(status__in=[ImportJobStatus.QUEUED, ImportJobStatus.RUNNING], created_at__lt=now - STALE_AFTER):
        _fail(job, "interrupted", "The import did not finish (its worker stopped). Nothing was written; import the file again.")
    deleted = 0
    for job in ImportJob.objects.filter(created_at__lt=now - KEEP_JOBS_FOR).iterator():
        job.file.delete(save=False)
        job_progress.discard(job.pk)
        job.delete()
        deleted += 1
    return deleted
