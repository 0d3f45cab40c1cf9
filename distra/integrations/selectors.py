"""Exports: the rows of one kind the user may see, in the columns its import reads back."""

from __future__ import annotations

from collections.abc import Iterator

from distra.integrations.importers import IMPORTERS
from distra.integrations.permissions import require_export

EXPORT_CHUNK = 2000


def export_table(*, user, kind: str) -> tuple[list[str], Iterator[list]]:
    """(header, rows) of the ``kind`` rows in ``user``'s scope (through the context's selectors),
    read lazily in chunks so that a large export streams."""
    require_export(user, kind)
    importer = IMPORTERS[kind]
    queryset = importer.export_queryset(user)
    rows = (importer.export_row(obj) for obj in queryset.iterator(chunk_size=EXPORT_CHUNK))
    return importer.column_names(), rows


def template_header(kind: str) -> list[str]:
    return IMPORTERS[kind].column_names()


def import_job_list(*, user):
    """The import jobs ``user`` may see (its own; every job for an administrator), newest first."""
    from distra.integrations.models import ImportJob

    return ImportJob.objects.for_user(user).order_by("-created_at", "-pk")


def import_job_get(*, user, pk: int):
    """Job ``pk`` if ``user`` may see it (else NotFound), its ``rows_done`` as far as the import
    has got right now (see progress.py)."""
    from distra.core.errors import NotFound
    from distra.integrations import progress

    job = import_job_list(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound(f"No import job with id {pk}.")
    job.rows_done = progress.read(job)
    return job
