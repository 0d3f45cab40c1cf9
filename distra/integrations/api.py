"""Imports and exports over HTTP: upload a file to import (a job), download one to export."""

from django.http import HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from distra.core.api import ERROR_RESPONSES, Id, Pagination
from distra.integrations import selectors, services
from distra.integrations.downloads import export_response
from distra.integrations.schemas import ExportFormat, ImportErrorOut, ImportJobOut, Kind
from distra.integrations.tabular import XLSX_CONTENT_TYPE

imports_router = Router(tags=["imports"])
exports_router = Router(tags=["exports"])

BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_OPENAPI = {
    "responses": {
        200: {"description": "The file, with a Content-Disposition filename.", "content": {"text/csv": BINARY, XLSX_CONTENT_TYPE: BINARY}}
    }
}


@imports_router.get("/jobs", response={200: list[ImportJobOut], **ERROR_RESPONSES})
@paginate(Pagination)
def import_job_list(request):
    """Your import jobs, newest first (an administrator sees everyone's)."""
    return selectors.import_job_list(user=request.auth)


@imports_router.get("/jobs/{int:job_id}", response={200: ImportJobOut, **ERROR_RESPONSES})
def import_job_get(request, job_id: Id):
    """One import job: poll it until ``status`` is succeeded or failed; ``rows_done`` of
    ``rows_total`` shows how far it has got. 404 for another user's job."""
    return selectors.import_job_get(user=request.auth, pk=job_id)


@imports_router.post("/{kind}", response={201: ImportJobOut, 202: ImportJobOut, **ERROR_RESPONSES, 422: ImportErrorOut})
def data_import(request, kind: Kind, file: File[UploadedFile], response: HttpResponse, dry_run: bool = False, partial: bool = False):
    """Import a CSV (UTF-8, comma or semicolon) or XLSX file of ``kind`` rows, matched on their
    code: existing rows are updated, new ones created, through the same rules as the other
    endpoints. All or nothing unless ``partial``; ``dry_run`` writes nothing.

    Answers with the import job and its address in ``Location``: 201 when the file was small
    enough to import at once (the job has finished and holds the report), 202 when it was queued
    (poll ``GET /imports/jobs/{id}``). The report lists every problem by row and column. 403 when
    your role may not import ``kind``; 422 at once when the file is unreadable or its columns are
    wrong (nothing is stored)."""
    try:
        job = services.import_job_submit(by=request.auth, kind=kind.value, upload=file, dry_run=dry_run, partial=partial)
    except services.ImportRejected as exc:
        return Status(422, exc.as_dict())
    job = selectors.import_job_get(user=request.auth, pk=job.pk)
    response["Location"] = ImportJobOut.resolve_url(job)
    return Status(201 if job.finished else 202, job)


@exports_router.get("/{kind}", response={200: None, **ERROR_RESPONSES}, openapi_extra=EXPORT_OPENAPI)
def data_export(request, kind: Kind, format: ExportFormat = ExportFormat.csv):  # noqa: A002 (the query parameter's name)
    """The ``kind`` rows you may see, in the columns the import reads (CSV streamed, or XLSX)."""
    return export_response(request.auth, kind.value, format.value)
