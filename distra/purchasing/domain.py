"""Primary-order calculations without the database: line amounts, the status an order's progress
implies, FEFO batch choice for a shipment and the arithmetic of a goods receipt line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from distra.core.money import round_money
from distra.purchasing.choices import POStatus


def line_amount(price: Decimal, quantity: int) -> Decimal:
    """A line's amount: price × quantity, rounded half-up to the minor unit (the one rule)."""
    return round_money(price * quantity)


def order_total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of the rounded line amounts (never rounded again)."""
    return sum(amounts, Decimal("0.00"))


def status_after_progress(*, confirmed: int, shipped: int, shipments: int, received: int) -> str:
    """The status of a confirmed order given the total confirmed and shipped quantities and how
    many of its shipments were received: nothing sent yet → confirmed; sent, nothing received →
    (partially) shipped; every shipment received and everything confirmed sent → received;
    otherwise partially received."""
    if shipments == 0:
        return POStatus.CONFIRMED
    if received == 0:
        return POStatus.SHIPPED if shipped >= confirmed else POStatus.PARTIALLY_SHIPPED
    if received == shipments and shipped >= confirmed:
        return POStatus.RECEIVED
    return POStatus.PARTIALLY_RECEIVED


@dataclass(frozen=True)
class BatchStock:
    """What a depot holds of one batch: its id, expiry and available (on hand - reserved) units."""

    batch_id: int
    expires_on: date
    available: int


def fefo_pick(*, stock: Sequence[BatchStock], quantity: int, today: date) -> tuple[list[tuple[int, int]], int]:
    """Choose batches for ``quantity`` units, first expired first out: the earliest expiry first
    (batch id breaking ties), never a batch expiring today or earlier, splitting across batches.
    Returns the picks [(batch_id, units)] and the shortfall (0 when all was found)."""
    picks, left = [], quantity
    for batch in sorted(stock, key=lambda b: (b.expires_on, b.batch_id)):
        if left == 0:
            break
        if batch.expires_on <= today or batch.available <= 0:
            continue
        take = min(left, batch.available)
        picks.append((batch.batch_id, take))
        left -= take
    return picks, left


class GrnLineError(ValueError):
    """A goods receipt line that does not add up; ``code`` is stable for the API."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class GrnQuantities:
    shipped: int
    good: int
    damaged: int
    short: int
    excess: int

    @property
    def is_discrepant(self) -> bool:
        return bool(self.damaged or self.short or self.excess)


def grn_line(*, shipped: int, good: int, damaged: int = 0, short: int | None = None, excess: int = 0) -> GrnQuantities:
    """Check one line of a goods receipt. ``short`` defaults to shipped - good - damaged; when
    given it must equal that. Units beyond what was shipped are ``excess``, never ``good``:
    good + damaged above shipped is ``more_than_shipped``."""
    for name, value in (("good", good), ("damaged", damaged), ("short", short), ("excess", excess)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise GrnLineError("invalid_quantity", f"{name} must be a whole number of units, zero or more.")
    if good + damaged > shipped:
        raise GrnLineError("more_than_shipped", f"{good + damaged} good and damaged units, but {shipped} were shipped; record the rest as excess.")
    expected_short = shipped - good - damaged
    if short is not None and short != expected_short:
        raise GrnLineError("short_does_not_add_up", f"Short must be {expected_short} (shipped - good - damaged).")
    return GrnQuantities(shipped=shipped, good=good, damaged=damaged, short=expected_short, excess=excess)
