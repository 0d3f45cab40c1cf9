"""The arithmetic of an outlet's suggested order, without the database (docs/suggestions.md).

For each SKU the outlet buys: a demand rate (units per day) from the best basis there is, the
demand over the days until the outlet's next expected order (one order cycle), less the shelf
stock (counted by the rep, else estimated from the last purchase), rounded up to whole cases
where the outlet buys in cases (else whole units). And whether a suggested line was accepted.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

ZERO = Decimal("0")
RATE = Decimal("0.0001")
ONE_DECIMAL = Decimal("0.1")
DEFAULT_CYCLE_DAYS = 7  # a weekly beat, when the history cannot tell
MIN_CYCLE_DAYS, MAX_CYCLE_DAYS = 1, 56
LOOKBACK_DAYS = 182  # the purchase history a suggestion reads: 26 weeks
CASE_BUYER_SHARE = Decimal("0.8")  # an outlet "buys in cases" when this share of its lines were whole cases
SMALLEST_NEED = Decimal("0.5")  # a need under half a unit suggests nothing


@dataclass(frozen=True)
class Purchase:
    """One line the outlet bought: the day its order was placed, the SKU, units."""

    day: date
    sku_id: int
    quantity: int


@dataclass(frozen=True)
class Cycle:
    days: int
    orders: int
    derived: bool  # False: the default (fewer than two order days in the window)


def order_cycle(order_days: Sequence[date]) -> Cycle:
    """The outlet's order cycle: the median gap in days between its distinct order days, clamped
    to 1..56; with fewer than two order days, the default of 7 (a weekly beat)."""
    days = sorted(set(order_days))
    if len(days) < 2:
        return Cycle(DEFAULT_CYCLE_DAYS, len(days), derived=False)
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    median = Decimal(str(statistics.median(gaps))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return Cycle(min(MAX_CYCLE_DAYS, max(MIN_CYCLE_DAYS, int(median))), len(days), derived=True)


def buys_in_cases(quantities: Sequence[int], units_per_case: int) -> bool:
    """Whether the outlet buys this SKU in whole cases: at least 80 % of its lines were."""
    if units_per_case <= 1 or not quantities:
        return False
    whole = sum(1 for q in quantities if q % units_per_case == 0)
    return Decimal(whole) >= CASE_BUYER_SHARE * len(quantities)


def history_rate(purchases: Sequence[Purchase], *, today: date, cycle_days: int) -> Decimal:
    """Units per day over the window the outlet has been buying this SKU: its units since its
    first purchase in the window, over the days from that purchase to today (at least one cycle,
    so that a first order yesterday does not read as a flood)."""
    if not purchases:
        return ZERO
    first = min(p.day for p in purchases)
    span = max((today - first).days, cycle_days, 1)
    return (Decimal(sum(p.quantity for p in purchases)) / span).quantize(RATE, rounding=ROUND_HALF_UP)


def weekly_to_daily(weekly: Sequence[Decimal], cover_days: int) -> Decimal:
    """Units per day of a weekly forecast over the weeks the cover period touches."""
    weeks = max(1, math.ceil(cover_days / 7))
    values = list(weekly[:weeks])
    if not values:
        return ZERO
    return (sum(values, ZERO) / (7 * len(values))).quantize(RATE, rounding=ROUND_HALF_UP)


def estimated_shelf(last: Purchase | None, *, rate: Decimal, today: date) -> Decimal:
    """Shelf stock when nobody counted it: the last purchase less what sold since at ``rate``,
    never below zero (earlier leftovers are not known, so this errs low: the suggestion errs high)."""
    if last is None:
        return ZERO
    left = Decimal(last.quantity) - rate * max(0, (today - last.day).days)
    return max(ZERO, left).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round_need(need: Decimal, *, units_per_case: int, in_cases: bool) -> int:
    """Units to suggest for ``need``: nothing under half a unit; else rounded up to whole cases
    (an outlet that buys in cases) or whole units, so the shelf lasts until the next order."""
    if need < SMALLEST_NEED:
        return 0
    if in_cases and units_per_case > 1:
        cases = (need / units_per_case).to_integral_value(rounding=ROUND_CEILING)
        return int(cases) * units_per_case
    return int(need.to_integral_value(rounding=ROUND_CEILING))


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros ("40", "13.71", "96")."""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Rate:
    """A demand rate with where it came from and the figures behind it."""

    per_day: Decimal
    basis: str
    figures: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LineResult:
    sku_id: int
    quantity: int
    in_cases: bool
    basis: str
    reason: str
    figures: dict


def suggest_line(
    *, sku_id: int, units_per_case: int, rate: Rate, cover_days: int, shelf: int | None, last: Purchase | None,
    in_cases: bool, today: date, basis_words: str,
) -> LineResult:
    """One SKU's suggestion: demand over ``cover_days`` at ``rate`` less the shelf (``shelf`` as
    counted, else estimated from ``last``), rounded by ``round_need``."""
    demand = (rate.per_day * cover_days).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    counted = shelf is not None
    stock = Decimal(shelf) if counted else estimated_shelf(last, rate=rate.per_day, today=today)
    need = demand - stock
    quantity = round_need(need, units_per_case=units_per_case, in_cases=in_cases)
    figures = {**rate.figures, "per_day": str(rate.per_day), "cover_days": cover_days, "demand": str(demand),
               "shelf": str(stock), "shelf_counted": counted, "need": str(max(ZERO, need)), "units_per_case": units_per_case}
    values = {"basis": basis_words, "rate": plain(rate.per_day.quantize(Decimal("0.01"))), "days": cover_days, "demand": plain(demand),
              "shelf": plain(stock), "need": plain(max(ZERO, need).quantize(ONE_DECIMAL))}
    shelf_words = _("%(shelf)s counted on the shelf") if counted else _("about %(shelf)s left on the shelf (estimated)")
    text = _("%(basis)s: %(rate)s a day × %(days)s days = %(demand)s") % values + "; " + shelf_words % values
    if quantity == 0:
        text += "; " + _("the shelf covers the period")
    elif in_cases:
        text += "; " + _("needs %(need)s, rounded up to %(cases)s case(s) of %(size)s") % {
            **values, "cases": quantity // units_per_case, "size": units_per_case}
    else:
        text += "; " + _("needs %(need)s, rounded up to %(units)s unit(s)") % {**values, "units": quantity}
    return LineResult(sku_id, quantity, in_cases, rate.basis, text[:500], figures)


def starter_quantity(*, units_per_case: int, quantity: int | None) -> int:
    """What to suggest of a SKU the outlet has never bought: the list's quantity, else one case."""
    return quantity if quantity else max(1, units_per_case)


# Acceptance ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlacedOrder:
    outlet_id: int
    placed_at: datetime
    sku_ids: frozenset[int]


@dataclass(frozen=True)
class Given:
    """A suggestion as acceptance sees it: its outlet, when it was given, until when it holds,
    and the SKUs it suggested (lines with a quantity)."""

    suggestion_id: int
    outlet_id: int
    given_at: datetime
    valid_until: datetime
    sku_ids: frozenset[int]


@dataclass(frozen=True)
class Outcome:
    suggestion_id: int
    status: str  # "decided" (an order came, or the validity ended) or "pending"
    lines: int
    accepted: int
    accepted_sku_ids: frozenset[int] = frozenset()


def acceptance(given: Given, orders: Sequence[PlacedOrder], *, now: datetime) -> Outcome:
    """A suggested line is accepted when the outlet's next order placed within the suggestion's
    validity (from ``given_at`` to ``valid_until``) contains its SKU. With no such order, its lines
    are not accepted once the validity has ended, and pending (outside the KPI) before that."""
    placed = sorted((o for o in orders if o.outlet_id == given.outlet_id and given.given_at <= o.placed_at <= given.valid_until),
                    key=lambda o: o.placed_at)
    lines = len(given.sku_ids)
    if placed:
        hit = given.sku_ids & placed[0].sku_ids
        return Outcome(given.suggestion_id, "decided", lines, len(hit), frozenset(hit))
    if now > given.valid_until:
        return Outcome(given.suggestion_id, "decided", lines, 0)
    return Outcome(given.suggestion_id, "pending", lines, 0)


def share(accepted: int, lines: int) -> Decimal | None:
    """Accepted lines / decided lines, to 0.0001 (None when nothing is decided)."""
    if not lines:
        return None
    return (Decimal(accepted) / lines).quantize(RATE, rounding=ROUND_HALF_UP)
