"""Lean writes for the hot paths (taking an order): a multi-row INSERT of model instances that
Django's ``bulk_create`` would also write, without its query compiler.

``bulk_create`` costs about 1 ms of Python per call before the database sees anything (building
and compiling an InsertQuery); an order takes five of them. ``insert`` prepares each value with
the field's own ``get_db_prep_save`` (so Decimals, aware datetimes and JSON are stored exactly as
the ORM stores them), fills ``auto_now``/``auto_now_add`` fields and defaults as ``save()`` would,
caches the statement per table, column list and row count, and sets the primary keys it gets
back (``RETURNING``, on PostgreSQL and on SQLite 3.35+). It runs no signals: use it only for
models with no ``post_save`` receivers (simple-history models are not among its callers).
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.db import connections, router
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin


def execute(sql: str, params: Sequence = (), *, using: str = "default", fetch: bool = True):
    """Run one statement of a hot path and return its rows (``fetch``), else how many rows it
    changed.

    On PostgreSQL the statement goes through a server-side binding cursor (psycopg's RawCursor,
    its ``%s`` numbered once: ``_numbered``) and is prepared (parsed and planned once per
    connection, then only bound and run), where Django's cursors send every
    statement as text with its values spliced in, to be parsed and planned anew. Errors are
    Django's (``wrap_database_errors``: a deadlock is an OperationalError that
    ``retry_on_conflict`` knows), and the statement is logged where Django logs queries
    (``connection.queries``, CaptureQueriesContext). Prepared statements need a session of
    their own: behind a pooler in transaction mode (PgBouncer before 1.21), set
    DISTRA_PREPARED_STATEMENTS=0 (docs/deploy.md)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not getattr(settings, "DISTRA_PREPARED_STATEMENTS", True):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if fetch else cursor.rowcount
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cursor:
        cursor.execute(_numbered(sql), params, prepare=True)
        result = cursor.fetchall() if fetch else cursor.rowcount
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {list(params)!r}", "time": f"{time.monotonic() - started:.3f}"})
    return result


_PLACEHOLDER = re.compile(r"%%|%s|%")


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """``sql`` with PostgreSQL's own placeholders ($1, $2…) for its ``%s`` (``%%`` is a percent
    sign), for psycopg's RawCursor: psycopg then sends the statement as it is. With ``%s``
    placeholders it splits the statement with a regular expression on every call above 50
    parameters (it caches the split only for shorter statements), and a 5-line order's lines or
    scheme benefits have over 100: that splitting was about a fifth of an order's Python time."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        if match.group() == "%":
            raise ValueError(f"Only %s placeholders and %% are allowed in a hot-path statement: {sql[:200]!r}")
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


@lru_cache(maxsize=256)
def _statement(vendor: str, table: str, columns: tuple[str, ...], pk_column: str, rows: int, skip_conflicts: bool) -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES {', '.join([one] * rows)}"
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    return sql + f" RETURNING {quote(pk_column)}"


# Field types whose Python values psycopg sends as they are (ints, text, booleans, Decimals, dates,
# aware datetimes): get_db_prep_save would hand them back unchanged on PostgreSQL, at about 10 µs
# a value. Elsewhere (SQLite stores dates and decimals as text) every value is prepared.
_AS_IS_ON_POSTGRESQL = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "CharField", "TextField", "SlugField",
    "BooleanField", "DecimalField", "DateField", "DateTimeField", "ForeignKey", "OneToOneField",
}


def _insert_plan(model: type[Model], vendor: str) -> tuple:
    """How ``model``'s rows are written: (columns: (field, prepare, stamps) per column but the
    auto key; the foreign keys; ``getter``: the values of the columns taken as they are, from an
    instance's ``__dict__`` in one C call, or None; ``rest``: the other columns; the column order
    of INSERT: ``getter``'s first, then ``rest``'s)."""
    key = f"_distra_insert_plan_{vendor}"
    cached = model.__dict__.get(key)
    if cached is None:
        columns = []
        for field in model._meta.concrete_fields:
            if isinstance(field, AutoFieldMixin):
                continue
            as_is = vendor == "postgresql" and field.get_internal_type() in _AS_IS_ON_POSTGRESQL
            stamps = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
            columns.append((field, not as_is, stamps))
        relations = tuple(f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one)
        plain = [field for field, prepare, stamps in columns if not prepare and not stamps]
        rest = tuple(column for column in columns if column[1] or column[2])
        getter = operator.itemgetter(*[f.attname for f in plain]) if plain else None
        if len(plain) == 1:  # itemgetter of one name answers the value, not a tuple of it
            one = getter
            getter = lambda values: (one(values),)  # noqa: E731
        order = tuple(f.column for f in plain) + tuple(f.column for f, _, _ in rest)
        cached = (tuple(columns), relations, getter, rest, order)
        setattr(model, key, cached)
    return cached


def _db_value(obj: Model, field, prepare: bool, stamps: bool, connection, *, add: bool):
    """What ``field`` of ``obj`` is written as (a column of ``_insert_plan``): stamped first when it is
    ``auto_now``/``auto_now_add``, prepared by the field unless psycopg takes it as it is."""
    value = field.pre_save(obj, add=add) if stamps else getattr(obj, field.attname)
    return field.get_db_prep_save(value, connection) if prepare else value


def insert(objs: Sequence[Model], *, skip_conflicts: bool = False) -> bool:
    """INSERT ``objs`` (instances of one model, primary keys unset) in one statement and set their
    primary keys. With ``skip_conflicts`` (one object only: ``ON CONFLICT DO NOTHING``), a row that
    would break a unique constraint is not written and False is returned; otherwise True."""
    if not objs:
        return True
    model = type(objs[0])
    if skip_conflicts and len(objs) != 1:
        raise ValueError("skip_conflicts inserts one row at a time: the keys returned could not be matched to the rows.")
    alias = router.db_for_write(model)
    connection = connections[alias]
    _, relations, getter, rest, order = _insert_plan(model, connection.vendor)
    params = []
    for obj in objs:
        values = obj.__dict__  # a new instance holds every concrete field's value there
        for field in relations:  # x_id from an x assigned before it was saved, as save() does
            if values[field.attname] is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name}: the related object is not saved.")
                    setattr(obj, field.name, related)  # sets x_id and keeps x cached (setting x_id would drop it)
        if getter is not None:
            params.extend(getter(values))
        for field, prepare, stamps in rest:
            params.append(_db_value(obj, field, prepare, stamps, connection, add=True))
    sql = _statement(connection.vendor, model._meta.db_table, order, model._meta.pk.column, len(objs), skip_conflicts)
    ids = [row[0] for row in execute(sql, params, using=alias)]
    if not ids and skip_conflicts:
        return False
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return True


@lru_cache(maxsize=256)
def _update_statement(table: str, columns: tuple[str, ...], pk_column: str) -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    return f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk_column)} = %s"  # noqa: S608 (no user text)


def update(obj: Model, fields: Sequence[str]) -> None:
    """``obj.save(update_fields=fields)`` as one prepared UPDATE, without the ORM's query compiler
    (its ``auto_now`` fields are stamped as ``save()`` stamps them and always written). Like
    ``insert`` it runs no signals: only for models with no ``pre_save``/``post_save`` receivers."""
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    columns = _insert_plan(model, connection.vendor)[0]
    wanted = set(fields)
    chosen, params = [], []
    for field, prepare, stamps in columns:
        if field.name in wanted or field.attname in wanted or (stamps and getattr(field, "auto_now", False)):
            chosen.append(field.column)
            params.append(_db_value(obj, field, prepare, stamps, connection, add=False))
    sql = _update_statement(model._meta.db_table, tuple(chosen), model._meta.pk.column)
    if execute(sql, [*params, obj.pk], using=alias, fetch=False) != 1:
        raise model.DoesNotExist(f"{model.__name__} {obj.pk} was not updated.")


def load(model: type[Model], ids, *, user) -> dict[int, Model]:
    """The rows of ``model`` with these primary keys, by key, every concrete field loaded: what
    ``model.objects.for_user(user).in_bulk(ids)`` answers, for a model whose data scope is
    everything for every user (the catalog), without the ORM's query compiler. Refuses a model
    whose scope would filter this user's rows (use ``for_user`` there). ``user=None`` (a service
    reading on behalf of no one in particular): only for a model shown to everyone whatever the
    scope (its ``scope_q`` is empty for any scope)."""
    from distra.core.scoping import NO_SCOPE, scope_for

    if user is None:
        if model.scope_q(NO_SCOPE):  # it filters rows for some scope
            raise ValueError(f"{model.__name__} is scoped: read it through for_user().")
    else:
        scope = scope_for(user)
        if scope.nothing or (not scope.everything and model.scope_q(scope)):
            raise ValueError(f"{model.__name__} is scoped for this user: read it through for_user().")
    ids = sorted(set(ids))
    if not ids:
        return {}
    alias = router.db_for_read(model)
    connection = connections[alias]
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    sql = (f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(model._meta.db_table)} "  # noqa: S608 (no user text)
           f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})")
    rows = execute(sql, ids, using=alias)
    found = {}
    for row in rows:
        obj = from_row(model, names, row)
        found[obj.pk] = obj
    return found


@lru_cache(maxsize=512)
def _plan(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple:
    """For raw values in ``names`` order: the converters to apply (position, column, functions),
    the attribute names in the model's field order and where each one is in ``names``
    (``Model.from_db`` takes the values in field order)."""
    from django.db import connection

    fields = [model._meta.get_field(n) for n in names]  # get_field knows attnames ("x_id") too
    converters = []
    for i, field in enumerate(fields):
        funcs = connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)
        if funcs:
            converters.append((i, field.cached_col, tuple(funcs)))
    position = {field.attname: i for i, field in enumerate(fields)}
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in position]
    return tuple(converters), ordered, tuple(position[name] for name in ordered)


def from_row(model: type[Model], names, row) -> Model:
    """An instance of ``model`` from raw column values (``names``: attribute names, ``x_id`` for a
    foreign key), converted as the ORM converts what it reads (SQLite's text dates and decimals,
    its 0/1 booleans); the fields not named are deferred (read on first access)."""
    from django.db import connection

    converters, ordered, order = _plan(model, tuple(names), connection.vendor)
    row = list(row)
    for i, col, funcs in converters:
        for func in funcs:
            row[i] = func(row[i], col, connection)
    return model.from_db(router.db_for_read(model), ordered, [row[i] for i in order])
