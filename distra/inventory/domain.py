"""Stock calculations without the database: count variances, ledger verification, thresholds,
days of cover and alert conditions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

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


# Thresholds ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Thresholds:
    reorder_level: int
    overstock_days: int
    near_expiry_days: int


@dataclass(frozen=True)
class ThresholdRow:
    """A configured threshold row: its target (sku, category, distributor; None = any) and the
    figures it sets (None = not set here)."""

    sku_id: int | None
    category_id: int | None
    distributor_id: int | None
    reorder_level: int | None = None
    overstock_days: int | None = None
    near_expiry_days: int | None = None


def threshold_rank(row: ThresholdRow, *, sku_id: int, category_ids: Sequence[int], distributor_id: int | None) -> int | None:
    """How specific ``row`` is for a SKU (whose category and ancestors, nearest first, are
    ``category_ids``) at a distributor: lower is more specific; None when it does not match.
    sku + distributor > sku > category + distributor > category (each over the SKU's category and
    its ancestors, the nearest first) > distributor alone."""
    if row.distributor_id is not None and row.distributor_id != distributor_id:
        return None
    for_all = row.distributor_id is None
    if row.sku_id is not None:
        return int(for_all) if row.sku_id == sku_id else None
    if row.category_id is not None:
        if row.category_id not in category_ids:
            return None
        return 2 + list(category_ids).index(row.category_id) + len(category_ids) * int(for_all)
    return 2 + 2 * len(category_ids)


def resolve_thresholds(
    rows: Sequence[ThresholdRow], *, sku_id: int, category_ids: Sequence[int], distributor_id: int | None, defaults: Thresholds
) -> Thresholds:
    """The thresholds for one SKU at one distributor: per figure, the most specific matching row
    that sets it (see ``threshold_rank``), else the default."""
    ranked = sorted((rank, row) for row in rows
                    if (rank := threshold_rank(row, sku_id=sku_id, category_ids=category_ids, distributor_id=distributor_id)) is not None)
    ordered = [row for _, row in ranked]

    def pick(name: str) -> int:
        return next((getattr(r, name) for r in ordered if getattr(r, name) is not None), getattr(defaults, name))

    return Thresholds(pick("reorder_level"), pick("overstock_days"), pick("near_expiry_days"))


# Days of cover and alert conditions ---------------------------------------------------------------

DEMAND_WINDOW_DAYS = 28


def days_of_cover(*, available: int, sold_in_window: int, window_days: int = DEMAND_WINDOW_DAYS) -> Decimal | None:
    """Available stock ÷ average daily sales over the window, to one decimal; None (infinite
    cover) when nothing was sold in the window."""
    if sold_in_window <= 0:
        return None
    return (Decimal(max(available, 0)) * window_days / sold_in_window).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BatchFigures:
    batch_id: int
    on_hand: int
    expires_on: date


@dataclass(frozen=True)
class SkuPosition:
    """A SKU at a warehouse: available over all its batches, what was sold in the demand window,
    whether it ever had stock (a balance row), and its batches."""

    available: int
    sold_in_window: int
    had_stock: bool
    batches: tuple[BatchFigures, ...] = ()


@dataclass(frozen=True)
class Condition:
    """An alert condition that holds: its kind, the batch for batch-level kinds, and the figures."""

    kind: str
    batch_id: int | None
    detail: str


def alert_conditions(position: SkuPosition, thresholds: Thresholds, *, today: date) -> list[Condition]:
    """Which alert conditions hold for a SKU at a warehouse today:
    - out_of_stock: nothing available, and it had stock or sales;
    - below_reorder_level: available above 0 but below the reorder level (at 0 it is out of stock);
    - overstock: days of cover above the overstock threshold (never without sales: no demand to
      cover, so no judgement);
    - near_expiry: a batch on hand expiring within near_expiry_days (and not yet expired);
    - expired: a batch on hand on or after its expiry date."""
    found = []
    available = position.available
    if available <= 0 and (position.had_stock or position.sold_in_window > 0):
        found.append(Condition("out_of_stock", None, f"available 0; sold {position.sold_in_window} in {DEMAND_WINDOW_DAYS} days"))
    elif 0 < available < thresholds.reorder_level:
        found.append(Condition("below_reorder_level", None, f"available {available} < reorder level {thresholds.reorder_level}"))
    cover = days_of_cover(available=available, sold_in_window=position.sold_in_window)
    if cover is not None and cover > thresholds.overstock_days:
        found.append(Condition("overstock", None, f"{cover} days of cover > {thresholds.overstock_days}"))
    for batch in position.batches:
        if batch.on_hand <= 0:
            continue
        left = (batch.expires_on - today).days
        if left <= 0:
            found.append(Condition("expired", batch.batch_id, f"{batch.on_hand} on hand, expired on {batch.expires_on}"))
        elif left <= thresholds.near_expiry_days:
            found.append(Condition("near_expiry", batch.batch_id, f"{batch.on_hand} on hand, expires on {batch.expires_on} ({left} days)"))
    return found
