"""The import engine: header check, per-row parse → resolve → service call, and the report.

A kind (distributors, outlets, SKUs) is a ``KindImporter`` subclass: its columns, how to resolve
the codes a row names (in bulk, within the user's scope, before the first row) and which services
create or update a row. The rules stay in those services; the engine only turns their errors into
problems at the column of the file the user must fix.

Transactions: the whole import is one transaction and each row runs in its own savepoint, so a
failing row never leaves half of itself behind and later rows can still be checked (PostgreSQL
aborts a transaction on the first database error otherwise). At the end the transaction is rolled
back for a dry run, or when a row failed and the mode is not partial.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from distra.core.errors import DomainError, NotFound, ValidationFailed

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
OMIT = object()  # a parsed cell that leaves the field as it is (or at its default when creating)
CHUNK = 500  # codes per IN (...) lookup: well below SQLite's limit on query parameters

Progress = Callable[[int, int], None]


# Report -----------------------------------------------------------------------------------------

@dataclass
class Problem:
    row: int | None  # the row number the user sees in the file (the header is row 1)
    column: str | None
    code: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    partial: bool
    committed: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return asdict(self)


# Cells ------------------------------------------------------------------------------------------

class CellError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def text(value: str) -> str:
    return value


def text_or_omit(value: str):
    return value if value else OMIT


def decimal_or_none(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
    except InvalidOperation as exc:
        raise CellError("invalid_number", f"{value} is not a number.") from exc
    if not number.is_finite():
        raise CellError("invalid_number", f"{value} is not a number.")
    return number


def integer_or_none(value: str) -> int | None:
    try:
        number = decimal_or_none(value)
    except CellError as exc:
        raise CellError("invalid_integer", f"{value} is not a whole number.") from exc
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError("invalid_integer", f"{value} is not a whole number.")
    return int(number)


TRUE, FALSE = {"true", "yes", "y", "1", "t"}, {"false", "no", "n", "0", "f"}


def boolean_or_omit(value: str):
    if not value:
        return OMIT
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise CellError("invalid_boolean", f"{value} is not true or false.")


@dataclass(frozen=True)
class Column:
    """One column of a kind's file. ``field`` is the model field the parsed cell goes to (None when
    the kind handles the column itself, e.g. a code naming another row)."""

    name: str
    field: str | None = None
    parse: Callable[[str], Any] = text
    required: bool = False


# Row problems -----------------------------------------------------------------------------------

class RowFailed(Exception):
    def __init__(self, problems: list[tuple[str | None, str, str]]):
        super().__init__("row failed")
        self.problems = problems


class _Unchanged(Exception):
    """Raised inside a row's savepoint when the services left the row as it was: rolls back the
    save (and its history record) that changed nothing."""


class RowProblems:
    """The problems of one row, at most one source per column: a cell that could not be parsed or
    resolved is not reported again by the service that then missed it."""

    def __init__(self) -> None:
        self.items: list[tuple[str | None, str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, column: str | None, code: str, message: str) -> None:
        self.items.append((column, code, message))

    def columns(self) -> set[str | None]:
        return {column for column, _, _ in self.items}

    def add_error(self, exc: Exception, field_columns: dict[str, str], code_column: str = "code") -> None:
        """Record a service's error at the columns its fields came from."""
        if isinstance(exc, ValidationError):
            exc = ValidationFailed.from_django(exc)
        if isinstance(exc, DatabaseError):
            self.add(None, "database_error", str(exc))
            return
        assert isinstance(exc, DomainError)
        if not exc.fields:
            column = code_column if isinstance(exc, NotFound) else None
            message = "No row with this code in your scope." if isinstance(exc, NotFound) else exc.message
            self.add(column, exc.code, message)
            return
        already = self.columns()
        for name, problems in exc.fields.items():
            column = None if name == "__all__" else field_columns.get(name, name)
            if column is not None and column in already:
                continue
            for problem in problems:
                self.add(column, problem.code, problem.message)


SERVICE_ERRORS = (DomainError, ValidationError, DatabaseError)


# Kinds ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """A cell that names another row by its code: resolved in bulk, within the user's scope."""

    column: str
    model: type[models.Model]
    label: str


class KindImporter:
    """What one kind of row needs: subclasses set ``kind``, ``model``, ``columns`` and
    ``references`` (model field → Reference), and implement ``create`` and ``update`` through the
    context's services; a kind with more to it (distributors) overrides ``prepare`` and ``apply``."""

    kind: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]]
    references: ClassVar[dict[str, Reference]] = {}

    def __init__(self, user) -> None:
        self.user = user
        self.existing: dict[str, models.Model] = {}
        self.visible: set[int] = set()

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    @classmethod
    def field_columns(cls) -> dict[str, str]:
        return {c.field: c.name for c in cls.columns if c.field}

    def prepare(self, rows: list[dict[str, str]]) -> None:
        """Load, in a few queries, what the rows refer to. The base loads the rows that already
        exist with the file's codes (whatever their scope: updating one outside the scope is then
        refused by the update service) and which of them the user sees."""
        codes = {row["code"] for row in rows if row.get("code")}
        self.existing = bulk_by_code(self.existing_queryset(), codes)
        visible_qs = self.model.objects.for_user(self.user)
        self.visible = {pk for chunk in chunks(codes) for pk in visible_qs.filter(code__in=chunk).values_list("pk", flat=True)}
        self.referenced = {
            name: bulk_by_code(ref.model.objects.for_user(self.user), {row.get(ref.column) for row in rows} - {"", None})
            for name, ref in self.references.items()
        }

    def existing_queryset(self):
        return self.model.objects.all()

    def create(self, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(self, existing: models.Model, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def apply(self, row: dict[str, str]) -> str:
        """One row: parse, resolve its references, then create or update through the services
        (or count it unchanged when it equals what is stored)."""
        problems = RowProblems()
        values = self.parse(row, problems)
        for name, ref in self.references.items():
            if ref.column in row:
                values[name] = self.lookup(self.referenced[name], row, ref.column, ref.label, problems)
        current = self.updatable(row["code"])
        if current is not None and not problems and same_values(current, values):
            return UNCHANGED
        existing = self.existing.get(row["code"])
        before = after = None
        try:
            if existing is None:
                outcome = CREATED
                self.create(values)
            else:
                outcome, before = UPDATED, snapshot(existing)
                after = snapshot(self.update(existing, values))
        except SERVICE_ERRORS as exc:
            problems.add_error(exc, {**self.field_columns(), **{name: ref.column for name, ref in self.references.items()}})
        return finish(problems, outcome, before, after)

    # Helpers for subclasses

    def parse(self, row: dict[str, str], problems: RowProblems) -> dict[str, Any]:
        """The cells of the present columns that map to model fields, parsed."""
        values: dict[str, Any] = {}
        for column in self.columns:
            if column.field is None or column.name not in row:
                continue
            try:
                value = column.parse(row[column.name])
            except CellError as exc:
                problems.add(column.name, exc.code, exc.message)
                continue
            if value is not OMIT:
                values[column.field] = value
        return values

    def lookup(self, mapping: dict[str, Any], row: dict[str, str], column: str, label: str, problems: RowProblems):
        """The row a code cell names, from a map built in ``prepare``; a problem if unknown."""
        code = row.get(column, "")
        if not code:
            return None
        found = mapping.get(code)
        if found is None:
            problems.add(column, "not_found", f"No {label} with code {code} in your scope.")
        return found

    def updatable(self, code: str):
        """The existing row with ``code`` that the user may see (else None)."""
        existing = self.existing.get(code)
        return existing if existing is not None and existing.pk in self.visible else None


def same_values(instance: models.Model, values: dict[str, Any]) -> bool:
    """Whether setting ``values`` on ``instance`` would change nothing (the test apply_changes makes)."""
    for name, value in values.items():
        model_field = instance._meta.get_field(name)
        if model_field.is_relation:
            if getattr(instance, model_field.attname) != getattr(value, "pk", value):
                return False
        elif getattr(instance, name) != value:
            return False
    return True


def snapshot(instance: models.Model) -> tuple:
    """The stored values of a row, bar its id and timestamps: equal snapshots mean no change."""
    skip = {"id", "created_at", "updated_at"}
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name not in skip)


def chunks(values: Iterable, size: int = CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def bulk_by_code(queryset, codes: Iterable[str]) -> dict[str, Any]:
    """``{code: row}`` for the ``codes`` found in ``queryset``, in chunks of CHUNK codes."""
    found: dict[str, Any] = {}
    for chunk in chunks(set(codes)):
        found.update((row.code, row) for row in queryset.filter(code__in=chunk))
    return found


# The engine -------------------------------------------------------------------------------------

def check_header(importer_class: type[KindImporter], header: list[str]) -> list[Problem]:
    """Unknown, repeated and missing required columns: problems reported before any row."""
    known = set(importer_class.column_names())
    problems = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(1, None, "blank_column", "A column has no name in the header row."))
        elif name not in known:
            problems.append(Problem(1, name, "unknown_column", f"Unknown column {name}; expected some of: {', '.join(importer_class.column_names())}."))
        elif name in seen:
            problems.append(Problem(1, name, "duplicate_column", f"The column {name} appears twice."))
        seen.add(name)
    for column in importer_class.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(1, column.name, "missing_column", f"The required column {column.name} is missing."))
    return problems


def run_import(importer: KindImporter, header: list[str], rows: list[tuple[int, list[str]]], *, dry_run: bool, partial: bool, progress: Progress | None = None) -> ImportReport:
    """Import ``rows`` (whose header has been checked) and report what happened to each."""
    report = ImportReport(kind=importer.kind, dry_run=dry_run, partial=partial, rows=len(rows))
    records = [(number, _record(header, cells)) for number, cells in rows]
    first_row_of: dict[str, int] = {}
    with transaction.atomic():
        importer.prepare([record for _, record in records])
        for done, (number, record) in enumerate(records, start=1):
            _import_row(importer, number, record, first_row_of, report)
            if progress is not None:
                progress(done, len(records))
        report.committed = not dry_run and (partial or report.ok)
        if not report.committed:
            transaction.set_rollback(True)
    return report


def _record(header: list[str], cells: list[str]) -> dict[str, str]:
    cells = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
    return dict(zip(header, cells, strict=False))


def _import_row(importer: KindImporter, number: int, record: dict[str, str], first_row_of: dict[str, int], report: ImportReport) -> None:
    code = record.get("code", "")
    if code and code in first_row_of:
        problems = [("code", "duplicate_code", f"The code {code} already appears on row {first_row_of[code]}.")]
    else:
        if code:
            first_row_of[code] = number
        problems = []
        try:
            with transaction.atomic():
                outcome = importer.apply(record)
        except _Unchanged:
            outcome = UNCHANGED
        except RowFailed as exc:
            problems = exc.problems
    if problems:
        report.failed += 1
        report.problems.extend(Problem(number, column, code_, message) for column, code_, message in problems)
        return
    setattr(report, outcome, getattr(report, outcome) + 1)


def finish(problems: RowProblems, outcome: str, before: tuple | None = None, after: tuple | None = None) -> str:
    """End a row inside its savepoint: fail it, roll back a save that changed nothing, or count it."""
    if problems:
        raise RowFailed(problems.items)
    if outcome == UPDATED and before == after:
        raise _Unchanged()
    return outcome
