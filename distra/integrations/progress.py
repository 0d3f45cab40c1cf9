"""How far a running import job has got, readable by other processes while the import runs.

The import is one all-or-nothing transaction, so progress cannot be written inside it: nobody
else would see it before the commit, and a rollback would erase it. Where it goes instead depends
on what the database allows while that transaction is open:

- PostgreSQL takes concurrent writers: ``rows_done`` is updated on the job's own row through a
  second connection in autocommit mode. Every web process, on any machine, reads it like any
  other column, and the import transaction never touches that row, so nothing waits.
- SQLite has one writer at a time, and the import transaction holds the write lock from its
  first statement (``transaction_mode=IMMEDIATE``) to its end: any other write would wait for
  the whole import. There the count goes to a small file beside the database file. SQLite is the
  single-machine profile (the database itself is a local file), so whoever can read the
  database can read that file. The job's row gets the final count when the job ends.

Writes are throttled (at most every INTERVAL seconds or EVERY rows), so the cost is a few small
writes per second whatever the file's size.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("distra.integrations")

INTERVAL = 0.5  # seconds
EVERY = 500  # rows


def _separate_writer_possible() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor != "sqlite"


def _progress_dir() -> Path:
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if name.startswith("file:") or ":memory:" in name or "mode=memory" in name:
        # An in-memory database exists only in this process: so may its progress files.
        return Path(tempfile.gettempdir()) / f"distra-import-progress-{os.getpid()}"
    return Path(name).with_name(Path(name).name + "-import-progress")


def _progress_file(job_id: int) -> Path:
    return _progress_dir() / f"{job_id}"


def read(job) -> int:
    """Rows done of ``job`` as far as other processes can tell (the row's value, or the
    SQLite-side file's while the job runs)."""
    if _separate_writer_possible() or job.finished:
        return job.rows_done
    try:
        return max(job.rows_done, min(int(_progress_file(job.pk).read_text()), job.rows_total))
    except (OSError, ValueError):
        return job.rows_done


def discard(job_id: int) -> None:
    """Forget the side record of a job's progress, once its row holds the final count."""
    _progress_file(job_id).unlink(missing_ok=True)


class ProgressWriter:
    """The import engine's progress callback for one job: throttled writes that are visible to
    other connections at once and survive the import's rollback. Use as a context manager."""

    def __init__(self, job_id: int, *, interval: float | None = None, every: int | None = None):
        self.job_id = job_id
        self.interval = INTERVAL if interval is None else interval
        self.every = EVERY if every is None else every
        self.last_rows, self.last_time = 0, time.monotonic()
        self.writes = 0
        self._connection = None
        # Inside an outer transaction (a test, a caller's atomic block) the job row is not
        # committed: another connection could neither see nor update it, and would wait on its lock.
        self.enabled = not connections[DEFAULT_DB_ALIAS].in_atomic_block

    def __enter__(self) -> ProgressWriter:
        return self

    def __exit__(self, *exc) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and done - self.last_rows < self.every and now - self.last_time < self.interval:
            return
        self.last_rows, self.last_time = done, now
        if self.enabled:
            self.write(done)

    def write(self, done: int) -> None:
        try:
            if _separate_writer_possible():
                self._write_row(done)
            else:
                self._write_file(done)
            self.writes += 1
        except (DatabaseError, OSError):
            # Progress is a courtesy: never let it stop the import itself.
            logger.warning("could not record import progress", exc_info=True, extra={"job_id": self.job_id})

    def _write_row(self, done: int) -> None:
        from distra.integrations.choices import ImportJobStatus
        from distra.integrations.models import ImportJob

        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
            if self._connection.vendor == "postgresql":
                with self._connection.cursor() as cursor:  # never wait long on a lock for a courtesy
                    cursor.execute("SET lock_timeout = '2s'")
        table = self._connection.ops.quote_name(ImportJob._meta.db_table)
        with self._connection.cursor() as cursor:  # autocommit: visible as soon as it returns
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s WHERE id = %s AND status = %s",  # noqa: S608 (our table name)
                [done, self.job_id, ImportJobStatus.RUNNING.value],
            )

    def _write_file(self, done: int) -> None:
        path = _progress_file(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(str(done))
        os.replace(temporary, path)  # atomic: a reader sees the old count or the new one
