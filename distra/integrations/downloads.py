"""Export and template files as HTTP downloads (for the API and the pages)."""

from django.http import HttpResponse, StreamingHttpResponse

from distra.integrations import selectors
from distra.integrations.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_lines, xlsx_bytes


def export_response(user, kind: str, file_format: str) -> HttpResponse:
    """The ``kind`` rows ``user`` may see, as a CSV (streamed) or XLSX download."""
    header, rows = selectors.export_table(user=user, kind=kind)
    return table_response(kind, file_format, header, rows)


def table_response(name: str, file_format: str, header: list[str], rows) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(header, rows, title=name), content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def template_response(kind: str, file_format: str) -> HttpResponse:
    """An empty file of ``kind`` with its header row, to fill in and import."""
    return table_response(f"{kind}-template", file_format, selectors.template_header(kind), [])
