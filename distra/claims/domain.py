"""Claim calculations without the database: periods, the brand-funded amounts of scheme lines and
their reversals, the outcome of a review, and settlement-time statistics.

The one rounding rule (distra.core.money): each line's amount is computed exactly and rounded
half-up to the paisa once; a claim's totals are sums of rounded lines."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from distra.claims.choices import ClaimPeriod, ClaimStatus, LineDecision
from distra.core.money import round_money

HUNDRED = Decimal(100)


def period_bounds(on: date, period: str) -> tuple[date, date]:
    """The first and last day of the claim period that contains ``on``."""
    if period == ClaimPeriod.WEEK:
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6)
    if period == ClaimPeriod.FORTNIGHT:
        last = calendar.monthrange(on.year, on.month)[1]
        return (on.replace(day=1), on.replace(day=15)) if on.day <= 15 else (on.replace(day=16), on.replace(day=last))
    if period == ClaimPeriod.QUARTER:
        first_month = 3 * ((on.month - 1) // 3) + 1
        start = date(on.year, first_month, 1)
        end_month = first_month + 2
        return start, date(on.year, end_month, calendar.monthrange(on.year, end_month)[1])
    if period == ClaimPeriod.MONTH:
        return on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])
    raise ValueError(f"unknown claim period {period!r}")


def previous_period(on: date, period: str) -> tuple[date, date]:
    """The last period that ended before the one containing ``on``."""
    start, _ = period_bounds(on, period)
    return period_bounds(start - timedelta(days=1), period)


def brand_share(cost: Decimal, funding_share_pct: Decimal) -> Decimal:
    return round_money(cost * funding_share_pct / HUNDRED)


def free_goods_cost(*, landing_price: Decimal, free_units: int) -> Decimal:
    """What the distributor gave away: free units delivered at its landing price."""
    return round_money(landing_price * free_units)


def discount_cost(*, discount: Decimal, delivered: int, ordered: int) -> Decimal:
    """The part of a line's discount that was delivered: discount × delivered / ordered."""
    if ordered <= 0 or delivered <= 0:
        return Decimal("0.00")
    return round_money(discount * delivered / ordered)


def delivered_free_units(*, free_quantity: int, delivered: int, ordered: int) -> int:
    """Free units earned by the delivered part of a line when the free goods have no line of their
    own: in proportion, rounded down (never a fractional free unit)."""
    if ordered <= 0:
        return 0
    return free_quantity * min(delivered, ordered) // ordered


def reversal_amount(*, claimed: Decimal, claimed_units: int, returned_units: int) -> Decimal:
    """The negative share of a claimed amount that ``returned_units`` of ``claimed_units`` take
    back (never more than was claimed)."""
    if claimed_units <= 0 or returned_units <= 0:
        return Decimal("0.00")
    return -round_money(claimed * min(returned_units, claimed_units) / claimed_units)


@dataclass(frozen=True)
class Decided:
    amount: Decimal
    decision: str
    approved_amount: Decimal | None


def outcome(lines: list[Decided]) -> tuple[str, Decimal]:
    """The status a finished review leads to, and the approved total: approved when every line
    was approved in full, rejected when nothing positive was approved, else partially approved."""
    approved = sum((line.approved_amount or Decimal(0) for line in lines), Decimal("0.00"))
    positive = [line for line in lines if line.amount > 0]
    if all(line.decision == LineDecision.APPROVED for line in lines):
        return ClaimStatus.APPROVED, approved
    if not any(line.decision in (LineDecision.APPROVED, LineDecision.CUT) for line in positive) or approved <= 0:
        return ClaimStatus.REJECTED, approved
    return ClaimStatus.PARTIALLY_APPROVED, approved


@dataclass(frozen=True)
class SettlementStats:
    settled: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None
    max_days: float | None


def settlement_stats(days: list[float]) -> SettlementStats:
    """Count, mean, median, 90th percentile (nearest rank) and maximum of settlement times in days."""
    if not days:
        return SettlementStats(0, None, None, None, None)
    ordered = sorted(days)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
    return SettlementStats(n, round(sum(ordered) / n, 2), round(median, 2), round(p90, 2), round(ordered[-1], 2))

