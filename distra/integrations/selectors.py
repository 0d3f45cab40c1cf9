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
