"""Imports: read an uploaded file and write its rows through the services of their context."""

from __future__ import annotations

from distra.core.errors import DomainError, FieldProblem
from distra.integrations.importers import IMPORTERS, ImportReport, Problem, check_header, run_import
from distra.integrations.importers.base import Progress
from distra.integrations.permissions import require_import
from distra.integrations.tabular import UnreadableFile, read_table


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
    importer_class = IMPORTERS[kind]
    report = ImportReport(kind=kind, dry_run=dry_run, partial=partial)
    try:
        table = read_table(data, filename)
    except UnreadableFile as exc:
        report.problems.append(Problem(None, None, "unreadable_file", str(exc)))
        raise ImportRejected(report, "unreadable_file", str(exc)) from exc
    report.problems = check_header(importer_class, table.header)
    if report.problems:
        raise ImportRejected(report, "invalid_columns", "The file's columns are not the ones this import expects.")
    return run_import(importer_class(by), table.header, table.rows, dry_run=dry_run, partial=partial, progress=progress)
