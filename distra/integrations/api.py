"""Imports and exports over HTTP: upload a file to import, download one to export."""

from ninja import File, Router, Status
from ninja.files import UploadedFile

from distra.core.api import ERROR_RESPONSES
from distra.integrations import services
from distra.integrations.downloads import export_response
from distra.integrations.schemas import ExportFormat, ImportErrorOut, ImportReportOut, Kind
from distra.integrations.tabular import XLSX_CONTENT_TYPE

imports_router = Router(tags=["imports"])
exports_router = Router(tags=["exports"])

BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_OPENAPI = {
    "responses": {
        200: {"description": "The file, with a Content-Disposition filename.", "content": {"text/csv": BINARY, XLSX_CONTENT_TYPE: BINARY}}
    }
}


@imports_router.post("/{kind}", response={200: ImportReportOut, **ERROR_RESPONSES, 422: ImportErrorOut})
def data_import(request, kind: Kind, file: File[UploadedFile], dry_run: bool = False, partial: bool = False):
    """Import a CSV (UTF-8, comma or semicolon) or XLSX file of ``kind`` rows, matched on their
    code: existing rows are updated, new ones created, through the same rules as the other
    endpoints. All or nothing unless ``partial``; ``dry_run`` writes nothing. The report lists every
    problem by row and column. 422 when the file is unreadable or its columns are wrong."""
    try:
        report = services.data_import(
            by=request.auth, kind=kind.value, data=file.read(), filename=file.name or "", dry_run=dry_run, partial=partial
        )
    except services.ImportRejected as exc:
        return Status(422, exc.as_dict())
    return report.as_dict()


@exports_router.get("/{kind}", response={200: None, **ERROR_RESPONSES}, openapi_extra=EXPORT_OPENAPI)
def data_export(request, kind: Kind, format: ExportFormat = ExportFormat.csv):  # noqa: A002 (the query parameter's name)
    """The ``kind`` rows you may see, in the columns the import reads (CSV streamed, or XLSX)."""
    return export_response(request.auth, kind.value, format.value)
