"""Stock calculations without the database: count variances and ledger verification."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# A stock position: (warehouse_id, sku_id, batch_id).
Position = tuple[int, int, int]


@dataclass(frozen=True)
class VarianceLine:
    """One batch of a physical count: what the books say, what was counted, and the difference
    an adjustment must post (counted - book)."""

    batch_id: int
    book: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.book


def count_variance(*, book: Mapping[int, int], counted: Mapping[int, int]) -> list[VarianceLine]:
    """The variance report of a count: one line per counted batch, in batch order. A batch on the
    books but not counted is not part of the count (partial counts are allowed)."""
    return [VarianceLine(batch_id=b, book=book.get(b, 0), counted=counted[b]) for b in sorted(counted)]


@dataclass(frozen=True)
class BalanceDifference:
    """A position whose cached balance differs from what the ledger and reservations say."""

    position: Position
    cached_on_hand: int
    ledger_on_hand: int
    cached_reserved: int
    open_reserved: int

    def describe(self) -> str:
        w, s, b = self.position
        return (
            f"warehouse {w} sku {s} batch {b}: on hand cached {self.cached_on_hand} vs ledger {self.ledger_on_hand}; "
            f"reserved cached {self.cached_reserved} vs open reservations {self.open_reserved}"
        )


def balance_differences(
    *,
    cached: Mapping[Position, tuple[int, int]],
    ledger: Mapping[Position, int],
    reservations: Mapping[Position, int],
) -> list[BalanceDifference]:
    """Every position where the cache (on_hand, reserved) disagrees with the ledger's sum and the
    open reservations' sum, or where the rebuilt figures break 0 <= reserved <= on_hand."""
    found = []
    for position in sorted(set(cached) | set(ledger) | set(reservations)):
        on_hand, reserved = cached.get(position, (0, 0))
        expected_on_hand, expected_reserved = ledger.get(position, 0), reservations.get(position, 0)
        broken = expected_on_hand < 0 or not 0 <= expected_reserved <= expected_on_hand
        if broken or (on_hand, reserved) != (expected_on_hand, expected_reserved):
            found.append(BalanceDifference(position, on_hand, expected_on_hand, reserved, expected_reserved))
    return found


@dataclass(frozen=True)
class BatchStock:
    """What one batch has free at one warehouse, for allocation."""

    batch_id: int
    expires_on: date
    available: int


def fefo_pick(candidates: Iterable[BatchStock], quantity: int, *, earliest_expiry: date) -> list[tuple[int, int]]:
    """First expiry, first out: take ``quantity`` from the batches expiring soonest, skipping any
    batch that expires before ``earliest_expiry`` (the day after allocation plus the minimum
    remaining shelf life), splitting across batches where one is not enough. Returns (batch_id,
    quantity) pairs; their sum is less than ``quantity`` when the stock cannot cover it. Ties in
    expiry go to the lower batch id, so the result does not depend on the candidates' order."""
    picked, left = [], quantity
    for stock in sorted(candidates, key=lambda s: (s.expires_on, s.batch_id)):
        if left <= 0:
            break
        if stock.expires_on < earliest_expiry or stock.available <= 0:
            continue
        take = min(left, stock.available)
        picked.append((stock.batch_id, take))
        left -= take
    return picked
