"""Retrying a write that lost a race in the database.

PostgreSQL aborts one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) or
that cannot be serialised (40001). Neither says anything about the request: run it again. The
retry only happens at the outermost transaction (inside another one the whole transaction is
already doomed, so it is a 409 at once), and when the attempts run out the client gets a 409
``concurrent_update`` to retry, never a 500.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from distra.core.errors import Conflict

logger = logging.getLogger("distra.db")
T = TypeVar("T")
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


class ConcurrentUpdate(Conflict):
    def __init__(self):
        super().__init__("Other changes to the same stock collided with this one; send the request again.", code="concurrent_update")


def is_retryable(exc: BaseException) -> bool:
    """True for a deadlock or serialisation failure reported by the database driver."""
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(fn: Callable[[], T], *, attempts: int = 3, using: str = DEFAULT_DB_ALIAS) -> T:
    """``fn()``, run again (up to ``attempts`` times in all, after a short random pause) when the
    database aborted it as a deadlock victim or a serialisation failure. ``fn`` must be one
    transaction of its own (a service decorated with ``transaction.atomic``)."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OperationalError as exc:
            if not is_retryable(exc):
                raise
            if attempt == attempts or connections[using].in_atomic_block:
                logger.warning("giving up after %d attempts: %s", attempts, exc)
                raise ConcurrentUpdate() from exc
            logger.info("retrying after %s (attempt %d)", type(exc.__cause__ or exc).__name__, attempt)
            time.sleep(random.uniform(0.005, 0.02) * attempt)  # noqa: S311  (jitter, not a secret)
    raise AssertionError("unreachable")


def cache_related(instance, name: str, objects: list) -> None:
    """Make ``instance.<name>.all()`` answer ``objects`` without a query, as prefetch_related
    would have: for a service that has just written those rows and hands the instance on.
    ``name`` is a reverse foreign-key accessor, whose prefetch cache key is the accessor name."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(name, None)
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache[name] = queryset
