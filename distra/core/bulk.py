"""Bulk loading: rows written with multi-row INSERT statements, no model instances.

For loads of data that is already validated (the demo's history, imports of history): no save(),
no signals, no auto_now (timestamps are written as given). Each value is prepared as Django
prepares it for its field on this database (``get_db_prep_save``), so dates, money and JSON land
exactly as the ORM would write them. Callers own the invariants the services would otherwise keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection

# Field types whose Python values need Django's preparation; every other value goes as it is.
_PREPARED_TYPES = {"DateTimeField", "DateField", "DecimalField", "JSONField", "UUIDField", "TimeField"}


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            return min(30_000, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except AttributeError:  # Python < 3.11
            return 999
    return 30_000  # PostgreSQL allows 65,535 per statement


def _preparer(field):
    """``field.get_db_prep_save`` for one load, remembering each value's answer: a history repeats
    the same timestamps, dates and prices many times (every line and move of an order shares its
    times), and preparing a value is the costly part of a row. Unhashable values (JSON) are not
    remembered."""
    memo: dict = {}

    def prepare(value):
        try:
            return memo[value]
        except KeyError:
            memo[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:
            return field.get_db_prep_save(value, connection)

    return prepare


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], *, progress=None) -> int:
    """INSERT ``rows`` (tuples of Python values in the order of ``fields``, attnames such as
    ``order_id`` for foreign keys) into ``model``'s table; returns how many. Concrete fields not
    named get their model default (so a column added later does not break a loader written
    before it). ``progress`` (a tqdm-like bar) is advanced per statement."""
    opts = model._meta
    named = [opts.get_field(name) for name in fields]  # get_field knows attnames too
    rest = [f for f in opts.concrete_fields if f not in named and not (f.primary_key and f.get_internal_type().endswith("AutoField"))]
    defaults = tuple(f.get_default() for f in rest)
    if rest:
        rows = (tuple(row) + defaults for row in rows)
    columns = named + rest
    prepare = [_preparer(field) if field.get_internal_type() in _PREPARED_TYPES else None for field in columns]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, _max_params() // len(columns))
    iterator, written = iter(rows), 0
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, size)):
            params = [value if prep is None or value is None else prep(value)
                      for row in chunk for value, prep in zip(row, prepare, strict=True)]
            cursor.execute(head + ", ".join([one] * len(chunk)), params)
            written += len(chunk)
            if progress is not None:
                progress.update(len(chunk))
    return written


def reset_sequences(*models) -> None:
    """After rows were inserted with explicit ids: move PostgreSQL's id sequences past them
    (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
