from enum import StrEnum

from ninja import Schema

from distra.core.api import ErrorOut


class Kind(StrEnum):
    distributors = "distributors"
    outlets = "outlets"
    skus = "skus"


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
