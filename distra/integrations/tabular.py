"""Reading and writing tables: CSV (UTF-8 with or without BOM, comma or semicolon) and XLSX (first
sheet, header row first). Every cell is read as a stripped string, so the column specs decide how
to parse it, whatever the file format."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX table Distra can read."""


@dataclass
class Table:
    """A header and its data rows; ``rows`` holds (row number as the user sees it, cells)."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_table(data: bytes, filename: str = "") -> Table:
    """Read an uploaded file: XLSX when it is a zip archive (whatever its name says), else CSV."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"The file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8 or XLSX.") from exc
    if "\x00" in text:
        raise UnreadableFile("The file is not a CSV text file.")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as exc:
        raise UnreadableFile(f"The CSV file is malformed: {exc}") from exc
    return _table(enumerate(records, start=1))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableFile(f"The file is not a readable XLSX workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        records = ((number, [cell_text(v) for v in values]) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        return _table(records)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise UnreadableFile(f"The XLSX workbook could not be read: {exc}") from exc
    finally:
        workbook.close()


def _table(records: Iterable[tuple[int, list[str]]]) -> Table:
    """The first non-blank record is the header; blank records are skipped (numbers kept)."""
    table = None
    for number, cells in records:
        if not any(cells):
            continue
        if table is None:
            table = Table(header=[c.strip().lower() for c in _trim(cells)])
            continue
        table.rows.append((number, cells))
    if table is None:
        raise UnreadableFile("The file is empty: it needs a header row and data rows.")
    return table


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def cell_text(value) -> str:
    """A spreadsheet cell as text: numbers without float noise ("12" for 12.0), booleans as
    true/false, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# Writing ---------------------------------------------------------------------------------------

class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The table as CSV text, line by line (for a streamed response); a BOM first so that
    spreadsheet programs read the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def xlsx_bytes(header: list[str], rows: Iterable[list], title: str = "Sheet") -> bytes:
    """The table as an XLSX workbook. Numbers (Decimal, int) stay numbers; everything else is text,
    so that codes such as GTINs keep their digits."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return value
    return str(value)
