"""The data page: upload a file to import (or only check it), follow the import job, download
exports and templates."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from distra.core.errors import Forbidden
from distra.integrations import selectors, services
from distra.integrations.downloads import export_response, template_response
from distra.integrations.forms import KIND_LABELS, ImportForm
from distra.integrations.importers import KINDS
from distra.integrations.permissions import may_export, may_import
from distra.integrations.tabular import FORMATS
from distra.web.pages import signed_in

RECENT_JOBS = 10


def _check_kind_and_format(kind: str, file_format: str) -> None:
    if kind not in KINDS or file_format not in FORMATS:
        raise Http404("No such kind or format.")


@signed_in
@require_http_methods(["GET", "POST"])
def data_import(request):
    user = request.user
    importable = [kind for kind in KINDS if may_import(user, kind)]
    exportable = [kind for kind in KINDS if may_export(user, kind)]
    if not importable and not exportable:
        raise PermissionDenied("Your role may not import or export data.")
    form = ImportForm(request.POST or None, request.FILES or None, kinds=importable)
    report = rejected = None
    status = 200
    if request.method == "POST" and not importable:
        raise PermissionDenied("Your role may not import data.")
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_submit(
                by=user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                dry_run="dry_run" in request.POST, partial=form.cleaned_data["partial"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except services.ImportRejected as exc:
            report, rejected, status = exc.report, exc.message, 422
        else:
            return redirect("data-import-job", pk=job.pk)
    elif request.method == "POST":
        status = 422
    context = {
        "form": form, "report": report, "rejected": rejected, "importable": bool(importable),
        "jobs": selectors.import_job_list(user=user).filter(user=user)[:RECENT_JOBS],
        "exports": [(kind, KIND_LABELS[kind]) for kind in exportable],
        "templates": [(kind, KIND_LABELS[kind]) for kind in importable], "formats": FORMATS,
    }
    return render(request, "integrations/data_import.html", context, status=status)


@signed_in
@require_GET
def data_import_job(request, pk: int):
    """One import job: its status and a progress bar that follows it (a small script polls the
    job's API address), then its report. Another user's job is a 404."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    context = {"job": job, "report": job.report, "kind_label": KIND_LABELS.get(job.kind, job.kind)}
    return render(request, "integrations/import_job.html", context)


@signed_in
@require_GET
def data_export(request, kind: str, format: str):  # noqa: A002 (the URL's parameter)
    _check_kind_and_format(kind, format)
    try:
        return export_response(request.user, kind, format)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc


@signed_in
@require_GET
def data_template(request, kind: str, format: str):  # noqa: A002 (the URL's parameter)
    _check_kind_and_format(kind, format)
    return template_response(kind, format)
