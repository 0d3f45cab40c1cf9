from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from distra.core.api import ErrorOut


class Kind(StrEnum):
    distributors = "distributors"
    outlets = "outlets"
    skus = "skus"
    price_lists = "price_lists"
    schemes = "schemes"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class ProblemOut(Schema):
    row: int | None = None  # the row number the user sees in the file; the header is row 1
    column: str | None = None
    code: str
    message: str


class ImportReportOut(Schema):
    kind: str
    dry_run: bool
    partial: bool
    committed: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: int
    problems: list[ProblemOut]


class ImportErrorOut(ErrorOut):
    """A 422: the error shape, plus the import report when the file itself was the problem."""

    report: ImportReportOut | None = None


class ImportJobError(Schema):
    code: str
    message: str


class ImportJobOut(Schema):
    """An import job. ``status`` is queued, running, succeeded (the report says what was written,
    possibly nothing) or failed (``error`` says why; nothing was written)."""

    id: int
    kind: str
    status: str
    dry_run: bool
    partial: bool
    filename: str
    rows_total: int
    rows_done: int
    report: ImportReportOut | None = None
    error: ImportJobError | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    url: str = Field("", description="Where to read this job (as the Location header says).")

    @staticmethod
    def resolve_rows_done(job) -> int:
        from distra.integrations import progress

        return progress.read(job)

    @staticmethod
    def resolve_error(job) -> dict | None:
        return {"code": job.error_code, "message": job.error_message} if job.error_code else None

    @staticmethod
    def resolve_url(job) -> str:
        from django.urls import reverse

        return reverse("api:import_job_get", kwargs={"job_id": job.pk})
