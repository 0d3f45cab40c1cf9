"""Replenishment arithmetic without the database: service-level classes, safety stock, reorder
point and order-up-to level, the suggested quantity, autonomy guardrails, fair-share allocation of
scarce depot stock, and the near-expiry action list. Quantities are whole base units; demand
figures are Decimal.

Policy: periodic review (one look a week, ``REVIEW_DAYS``) with an order-up-to level.
- demand over d days: the forecast's weekly numbers spread evenly over their days, summed;
- safety stock = z(service level) × σ_week × √(L / 7), σ_week the weekly forecast error (backtest);
- reorder point = demand over the lead time L + safety stock;
- order-up-to = demand over L + review period + z × σ_week × √((L + R) / 7);
- when the inventory position (available + in transit + on order) is at or below the reorder
  point, order up to the order-up-to level, at least the minimum order quantity, rounded up to
  whole cases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from statistics import NormalDist

REVIEW_DAYS = 7
DEFAULT_SERVICE_LEVELS = {"A": Decimal("0.98"), "B": Decimal("0.95"), "C": Decimal("0.90")}
ABC_SPLIT = (Decimal("0.80"), Decimal("0.95"))  # cumulative value shares that end class A and class B
ZERO = Decimal("0")


def z_for(service_level: Decimal) -> Decimal:
    """The standard normal quantile of the cycle service level (0.95 → 1.645)."""
    level = min(max(float(service_level), 0.5), 0.9999)
    return Decimal(str(NormalDist().inv_cdf(level))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def abc_classes(values: Mapping[object, Decimal]) -> dict[object, str]:
    """Pareto classes by value: the items making the first 80 % of the total are A, the next 15 %
    B, the rest (and anything without value) C. Ties broken by key, so the result is stable."""
    total = sum((v for v in values.values() if v > 0), ZERO)
    classes, running = {}, ZERO
    for key, value in sorted(values.items(), key=lambda item: (-item[1], str(item[0]))):
        if total <= 0 or value <= 0:
            classes[key] = "C"
            continue
        share_before = running / total
        running += value
        classes[key] = "A" if share_before < ABC_SPLIT[0] else "B" if share_before < ABC_SPLIT[1] else "C"
    return classes


def demand_over(weekly: Sequence[Decimal], days: int) -> Decimal:
    """Forecast demand over the next ``days`` days (each week's number spread over its 7 days;
    past the last week, the last week's rate)."""
    if days <= 0 or not weekly:
        return ZERO
    full, rest = divmod(days, 7)
    values = list(weekly) + [weekly[-1]] * max(0, full + 1 - len(weekly))
    return sum(values[:full], ZERO) + values[full] * rest / 7


def _units_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING)) if value > 0 else 0


def round_to_cases(quantity: int, units_per_case: int) -> int:
    """Up to a whole number of cases."""
    case = max(units_per_case, 1)
    return -(-quantity // case) * case if quantity > 0 else 0


@dataclass(frozen=True)
class Parameters:
    """Replenishment figures of one distributor × SKU, in base units."""

    demand_lead_time: Decimal
    safety_stock: int
    reorder_point: int
    order_up_to: int


def parameters(*, weekly: Sequence[Decimal], error_sd_weekly: Decimal, lead_time_days: int, service_level: Decimal,
               review_days: int = REVIEW_DAYS) -> Parameters:
    """Safety stock, reorder point and order-up-to level (see the module's policy)."""
    z = z_for(service_level)
    sd = max(error_sd_weekly, ZERO)
    lead = demand_over(weekly, lead_time_days)
    safety = z * sd * Decimal(str(math.sqrt(lead_time_days / 7)))
    cycle = demand_over(weekly, lead_time_days + review_days)
    cycle_safety = z * sd * Decimal(str(math.sqrt((lead_time_days + review_days) / 7)))
    reorder = _units_up(lead + safety)
    return Parameters(lead.quantize(Decimal("0.01")), _units_up(safety), reorder, max(_units_up(cycle + cycle_safety), reorder))


@dataclass(frozen=True)
class Suggestion:
    quantity: int
    reason: str


def suggest(*, position: int, params: Parameters, min_order_quantity: int, units_per_case: int) -> Suggestion:
    """What to order for one SKU: nothing while the inventory position is above the reorder point;
    else up to the order-up-to level, at least the MOQ, rounded up to whole cases."""
    if position > params.reorder_point:
        return Suggestion(0, f"position {position} above reorder point {params.reorder_point}")
    need = params.order_up_to - position
    quantity = round_to_cases(max(need, min_order_quantity), units_per_case)
    reason = (f"position {position} ≤ reorder point {params.reorder_point} (lead-time demand {params.demand_lead_time} "
              f"+ safety {params.safety_stock}); up to {params.order_up_to}")
    if need < min_order_quantity:
        reason += f"; raised to the MOQ {min_order_quantity}"
    if quantity != max(need, min_order_quantity):
        reason += f"; rounded to {quantity // max(units_per_case, 1)} cases"
    return Suggestion(quantity, reason)


# Autonomy guardrails ----------------------------------------------------------------------------------

def guardrail_breaches(*, value: Decimal, value_cap: Decimal | None, quantities: Mapping[int, int], last_quantities: Mapping[int, int],
                       max_change_pct: Decimal | None) -> list[str]:
    """Why an order may not be submitted without a person: its value above the cap, or a line
    changed more than ``max_change_pct`` % against the same SKU on the last order (a SKU not on
    the last order is a change of 100 %). Empty: within the guardrails."""
    breaches = []
    if value_cap is not None and value > value_cap:
        breaches.append(f"value {value} above the cap {value_cap}")
    if max_change_pct is not None:
        for sku_id, quantity in sorted(quantities.items()):
            last = last_quantities.get(sku_id, 0)
            change = Decimal(100) if last <= 0 else (Decimal(abs(quantity - last)) * 100 / last).quantize(Decimal("0.1"))
            if change > max_change_pct:
                breaches.append(f"SKU {sku_id}: {quantity} vs {last} last time ({change} % > {max_change_pct} %)")
    return breaches


# Fair share ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """One distributor's order for a scarce SKU: what it asked, what it has, how fast it sells."""

    claimant: object
    requested: int
    available: int
    daily_rate: Decimal


@dataclass(frozen=True)
class Share:
    claimant: object
    requested: int
    allocated: int
    cover_before: Decimal | None
    cover_after: Decimal | None
    explanation: str


def _cover(units: int, rate: Decimal) -> Decimal | None:
    return (Decimal(units) / rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if rate > 0 else None


def _fill_to(claim: Claim, level: Decimal) -> Decimal:
    """Units that bring ``claim`` to ``level`` days of cover, within what it asked."""
    want = level * claim.daily_rate - claim.available
    return min(max(want, ZERO), Decimal(claim.requested))


def fair_share(stock: int, claims: Sequence[Claim]) -> list[Share]:
    """Share ``stock`` among ``claims`` in proportion to need: raise everyone's days of cover to
    one common level (water-filling), never giving anyone more than it asked nor, in total, more
    than ``stock``. Claims without a sales rate share what is left in proportion to their asks.
    Units are whole; the remainder of rounding goes to the largest fractions, then the lowest cover."""
    stock = max(stock, 0)
    if sum(c.requested for c in claims) <= stock:
        exact = {i: Decimal(c.requested) for i, c in enumerate(claims)}
        return _shares(claims, exact, stock, None)
    selling = [i for i, c in enumerate(claims) if c.daily_rate > 0]
    low, high = ZERO, Decimal(10**6)
    for _ in range(80):  # bisection on the common cover level
        mid = (low + high) / 2
        if sum(_fill_to(claims[i], mid) for i in selling) > stock:
            high = mid
        else:
            low = mid
    exact = {i: _fill_to(claims[i], low) for i in selling}
    left = Decimal(stock) - sum(exact.values(), ZERO)
    others = [i for i, c in enumerate(claims) if c.daily_rate <= 0]
    asked = sum((Decimal(claims[i].requested) for i in others), ZERO)
    for i in others:
        exact[i] = min(Decimal(claims[i].requested), left * claims[i].requested / asked) if asked > 0 else ZERO
    return _shares(claims, exact, stock, low if selling else None)


def _shares(claims: Sequence[Claim], exact: dict[int, Decimal], stock: int, level: Decimal | None) -> list[Share]:
    whole = {i: int(v) for i, v in exact.items()}
    spare = min(stock, sum(c.requested for c in claims)) - sum(whole.values())
    order = sorted(exact, key=lambda i: (-(exact[i] - whole[i]), _cover(claims[i].available, claims[i].daily_rate) or Decimal(10**9), i))
    for i in order:
        if spare <= 0:
            break
        if whole[i] < claims[i].requested:
            whole[i] += 1
            spare -= 1
    result = []
    for i, c in enumerate(claims):
        given = whole.get(i, 0)
        before, after = _cover(c.available, c.daily_rate), _cover(c.available + given, c.daily_rate)
        if given >= c.requested:
            why = f"asked {c.requested}, got all of it"
        elif c.daily_rate > 0:
            why = (f"asked {c.requested}, got {given}: cover {before} → {after} days "
                   f"(every distributor raised to about {level.quantize(Decimal('0.1')) if level is not None else '?'} days)")
        else:
            why = f"asked {c.requested}, got {given}: no forecast sales, shares what is left in proportion to its order"
        result.append(Share(c.claimant, c.requested, given, before, after, why))
    return result


# Near expiry ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchAtRisk:
    holder: object
    batch_id: int
    expires_on: date
    on_hand: int


@dataclass(frozen=True)
class Receiver:
    """A distributor that could take stock of the SKU: its sales rate and the units it already
    holds that it will sell first (``ahead``)."""

    holder: object
    daily_rate: Decimal
    ahead: int


@dataclass(frozen=True)
class ExpiryAction:
    holder: object
    batch_id: int
    expires_on: date
    on_hand: int
    will_sell: int
    at_risk: int
    transfers: tuple[tuple[object, int], ...]
    unplaced: int


def sellable_before(*, expires_on: date, today: date, rate: Decimal, ahead: int) -> int:
    """Units of a batch a holder sells before ``expires_on`` at ``rate`` per day, after the
    ``ahead`` units it sells first (first expiry, first out)."""
    days = max((expires_on - today).days, 0)
    return max(int((rate * days).to_integral_value(rounding=ROUND_HALF_UP)) - ahead, 0)


def near_expiry_actions(*, batches: Sequence[BatchAtRisk], rates: Mapping[object, Decimal], ahead: Mapping[tuple[object, int], int],
                        receivers: Sequence[Receiver], today: date) -> list[ExpiryAction]:
    """For each batch (of one SKU), what its holder will not sell before expiry at the forecast
    rate (``ahead``: units of earlier-expiring batches the holder sells first), and transfers of
    that excess to receivers that will sell it in time, the one with most spare capacity first.
    A receiver's capacity is used up as it is given stock, across batches (earliest expiry first)."""
    spare = {r.holder: r for r in receivers}
    taken: dict[object, int] = {}
    actions = []
    for b in sorted(batches, key=lambda b: (b.expires_on, b.batch_id)):
        will_sell = min(b.on_hand, sellable_before(expires_on=b.expires_on, today=today, rate=rates.get(b.holder, ZERO),
                                                   ahead=ahead.get((b.holder, b.batch_id), 0)))
        risk = b.on_hand - will_sell
        if risk <= 0:
            continue
        capacity = {h: sellable_before(expires_on=b.expires_on, today=today, rate=r.daily_rate, ahead=r.ahead + taken.get(h, 0))
                    for h, r in spare.items() if h != b.holder}
        moves, left = [], risk
        for holder, room in sorted(capacity.items(), key=lambda item: (-item[1], str(item[0]))):
            if left <= 0 or room <= 0:
                continue
            give = min(room, left)
            moves.append((holder, give))
            taken[holder] = taken.get(holder, 0) + give
            left -= give
        actions.append(ExpiryAction(b.holder, b.batch_id, b.expires_on, b.on_hand, will_sell, risk, tuple(moves), left))
    return actions
