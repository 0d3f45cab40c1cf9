"""Posting stock history in bulk: the one exception to "only inventory/services.py writes moves".

``history_post`` writes moves that happened in the past (the demo's 27 months, an import of a
distributor's ledger) together with the balances they add up to, in a few multi-row INSERTs
instead of one locked service call per move, which would take hours. It is for history only:

- the moves are already validated by their producer (whole non-zero quantities, batches of their
  SKU, a reason on adjustments and only there); this module re-checks what would break the
  ledger's invariants: each source key is new and unique, a kind and reason are valid, and at
  every position (warehouse, SKU, batch) the running balance in time order never goes negative;
- every position it posts to must have no balance row yet (history comes before live stock), so
  the balances it creates are exactly the sums of its moves; no reservation is touched;
- each move keeps its own ``created_at`` (when it happened), so demand windows and the stock card
  see the history at its dates;
- ``history_reservations_post`` writes the reservations such history held (an order's allocations,
  opened at allocation and closed at delivery): closed ones only, so reserved (the sum of the open
  reservations) stays what the balances say;
- nothing is locked: the caller is the only writer (the seed, a maintenance import) and runs it
  inside its transaction; afterwards the caller runs ``selectors.stock_verify`` (what ``distra
  stock verify`` runs) and refuses to commit on any difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from distra.core.bulk import insert_rows, reset_sequences
from distra.inventory.choices import AdjustmentReason, MoveKind
from distra.inventory.models import StockBalance, StockMove, StockReservation

MOVE_FIELDS = ("warehouse_id", "sku_id", "batch_id", "quantity", "kind", "reason", "note", "source_type", "source_id",
               "source_line", "source_key", "user_id", "created_at", "updated_at")


class HistoryRejected(Exception):
    """The history would break a ledger invariant; nothing was written."""


@dataclass(frozen=True, slots=True)
class HistoricMove:
    warehouse_id: int
    sku_id: int
    batch_id: int
    quantity: int
    kind: str
    at: datetime
    source_key: str
    source_type: str = ""
    source_id: str = ""
    source_line: int = 0
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class HistoryPosted:
    moves: int
    balances: int


def history_post(*, moves: Sequence[HistoricMove], user_id: int | None = None, progress=None) -> HistoryPosted:
    """Check, then insert ``moves`` and one balance row per position they touch (on hand = the
    position's sum, nothing reserved). Raises ``HistoryRejected`` before writing anything if a
    check fails. ``progress(total, desc)`` may return a tqdm-like bar for the insert."""
    totals = _check(moves)
    taken = _positions_with_balances(list(totals))
    if taken:
        raise HistoryRejected(f"{len(taken)} position(s) already hold stock, e.g. {taken[0]}: history comes first.")
    bar = progress(total=len(moves), desc="Writing stock moves") if progress else None
    insert_rows(StockMove, MOVE_FIELDS, (
        (m.warehouse_id, m.sku_id, m.batch_id, m.quantity, m.kind, m.reason, m.note, m.source_type, m.source_id,
         m.source_line, m.source_key, user_id, m.at, m.at) for m in moves
    ), progress=bar)
    if bar is not None:
        bar.close()
    last = {}
    for m in moves:
        position = (m.warehouse_id, m.sku_id, m.batch_id)
        last[position] = max(last.get(position, m.at), m.at)
    insert_rows(StockBalance, ("warehouse_id", "sku_id", "batch_id", "on_hand", "reserved", "created_at", "updated_at"),
                ((*position, total, 0, last[position], last[position]) for position, total in sorted(totals.items())))
    return HistoryPosted(moves=len(moves), balances=len(totals))


@dataclass(frozen=True, slots=True)
class HistoricReservation:
    """A reservation that was opened at ``opened_at`` and closed at ``closed_at`` (issued)."""

    warehouse_id: int
    sku_id: int
    batch_id: int
    quantity: int
    source_key: str
    opened_at: datetime
    closed_at: datetime
    user_id: int | None = None


def history_reservations_post(*, reservations: Sequence[HistoricReservation]) -> list[int]:
    """Insert ``reservations``, all closed, and return their ids in the same order (for the rows
    that hold them, such as order allocations). Raises ``HistoryRejected`` before writing anything
    if a quantity is not a whole number above zero, one closes before it opens, or a source key is
    repeated or taken. Reserved quantities do not change: only open reservations count."""
    keys = {r.source_key for r in reservations}
    if len(keys) != len(reservations):
        raise HistoryRejected("Two reservations share a source key.")
    for r in reservations:
        if isinstance(r.quantity, bool) or not isinstance(r.quantity, int) or r.quantity <= 0 or r.closed_at < r.opened_at:
            raise HistoryRejected(f"{r.source_key}: a whole quantity above zero, closed after it opened.")
    if StockReservation.objects.exists() and _any_key_taken(keys, StockReservation):
        raise HistoryRejected("A reservation source key was used before.")
    first = (StockReservation.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    insert_rows(StockReservation, ("id", "warehouse_id", "sku_id", "batch_id", "quantity", "source_key", "is_open", "closed_at",
                                   "user_id", "created_at", "updated_at"), (
        (first + i, r.warehouse_id, r.sku_id, r.batch_id, r.quantity, r.source_key, False, r.closed_at, r.user_id, r.opened_at,
         r.closed_at) for i, r in enumerate(reservations)
    ))
    reset_sequences(StockReservation)
    return list(range(first, first + len(reservations)))


def _check(moves: Sequence[HistoricMove]) -> dict[tuple[int, int, int], int]:
    """The final on hand per position, after checking kinds, reasons, quantities, unique keys and
    that no running balance goes negative (at equal times, receipts count first)."""
    keys = set()
    for m in moves:
        if m.kind not in MoveKind.values or m.kind in (MoveKind.TRANSFER_OUT, MoveKind.TRANSFER_IN):
            raise HistoryRejected(f"{m.source_key}: {m.kind!r} cannot be posted as history.")
        if (m.kind == MoveKind.ADJUSTMENT) != (m.reason in AdjustmentReason.values) or (m.kind != MoveKind.ADJUSTMENT and m.reason):
            raise HistoryRejected(f"{m.source_key}: adjustments, and only they, carry a reason.")
        if isinstance(m.quantity, bool) or not isinstance(m.quantity, int) or m.quantity == 0:
            raise HistoryRejected(f"{m.source_key}: the quantity must be a whole number other than zero.")
        keys.add(m.source_key)
    if len(keys) != len(moves):
        raise HistoryRejected("Two moves share a source key.")
    if StockMove.objects.exists() and _any_key_taken(keys):
        raise HistoryRejected("A source key was posted before.")
    running: dict[tuple[int, int, int], int] = {}
    for m in sorted(moves, key=lambda m: (m.at, -m.quantity)):
        position = (m.warehouse_id, m.sku_id, m.batch_id)
        running[position] = running.get(position, 0) + m.quantity
        if running[position] < 0:
            raise HistoryRejected(f"{m.source_key}: the balance of {position} would go below zero on {m.at:%Y-%m-%d}.")
    return running


def _any_key_taken(keys: set[str], model=StockMove) -> bool:
    """Whether any key is in ``model``'s rows already, asked in chunks (a few queries per 100,000 keys)."""
    ordered = sorted(keys)
    return any(model.objects.filter(source_key__in=ordered[i:i + 900]).exists() for i in range(0, len(ordered), 900))


def _positions_with_balances(positions: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    warehouses = {w for w, _, _ in positions}
    existing = set(StockBalance.objects.filter(warehouse_id__in=warehouses).values_list("warehouse_id", "sku_id", "batch_id"))
    return sorted(existing.intersection(positions))
