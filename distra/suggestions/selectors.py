"""Reads of outlet suggestions, always through the user's data scope: today's suggestion for an
outlet (``suggestion_for``, computed, not stored), must-sell lists, the suggestions given, and
the acceptance KPI. The rules are in docs/suggestions.md and their arithmetic in domain.py."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from distra.catalog.models import SKU
from distra.core.errors import DomainError, FieldProblem, NotFound, ValidationFailed
from distra.orders.choices import OrderStatus
from distra.orders.models import OrderLine
from distra.partners import selectors as partners
from distra.partners.choices import SELLING_WAREHOUSE_KINDS
from distra.partners.models import Outlet
from distra.suggestions import domain
from distra.suggestions.choices import Basis
from distra.suggestions.models import MustSellItem, MustSellList, Suggestion

NOT_PLACED = (OrderStatus.DRAFT, OrderStatus.CANCELLED, OrderStatus.REJECTED)
NEAR_MISS_CODES = ("below_minimum", "below_slab", "combo_incomplete")
BEST_SELLERS = 5
BEST_SELLER_DAYS = 91
MAX_COUNTS = 200


def valid_days() -> int:
    """How long a suggestion holds for acceptance: settings.DISTRA_SUGGESTION_VALID_DAYS (3)."""
    from django.conf import settings

    return int(getattr(settings, "DISTRA_SUGGESTION_VALID_DAYS", 3))


# Inputs -----------------------------------------------------------------------------------------

def outlet_get(*, user, outlet_id: int) -> Outlet:
    outlet = partners.outlet_list(user=user).filter(pk=outlet_id).first()
    if outlet is None:
        raise NotFound(f"No outlet with id {outlet_id}.")
    return outlet


def checked_counts(counts: Sequence[dict] | None) -> dict[int, int] | None:
    """Shelf counts ``[{"sku_id", "quantity"}]`` checked field by field: known, active SKUs,
    once each; whole, non-negative quantities in base units. None: nothing was counted."""
    if counts is None:
        return None
    problems: dict[str, list[FieldProblem]] = {}
    if len(counts) > MAX_COUNTS:
        problems["shelf_counts"] = [FieldProblem("too_many", f"At most {MAX_COUNTS} counts.")]
        raise ValidationFailed(problems)
    known = {s.pk: s for s in SKU.objects.filter(pk__in=[c["sku_id"] for c in counts]).only("pk", "code", "is_active")}
    found: dict[int, int] = {}
    for i, count in enumerate(counts):
        sku, qty = known.get(count["sku_id"]), Decimal(str(count["quantity"]))
        if sku is None:
            problems.setdefault(f"shelf_counts[{i}].sku_id", []).append(FieldProblem("not_found", f"No SKU with id {count['sku_id']}."))
        elif not sku.is_active:
            problems.setdefault(f"shelf_counts[{i}].sku_id", []).append(FieldProblem("sku_inactive", f"{sku.code} is not sold any more."))
        elif sku.pk in found:
            problems.setdefault(f"shelf_counts[{i}].sku_id", []).append(FieldProblem("duplicate_sku", f"{sku.code} is counted twice."))
        if qty < 0:
            problems.setdefault(f"shelf_counts[{i}].quantity", []).append(FieldProblem("negative", "A shelf count cannot be negative."))
        elif qty != qty.to_integral_value() or qty > 10**9:
            problems.setdefault(f"shelf_counts[{i}].quantity", []).append(
                FieldProblem("not_whole", "A shelf count is a whole number of units."))
        if sku is not None:
            found[sku.pk] = int(qty) if qty == qty.to_integral_value() else 0
    if problems:
        raise ValidationFailed(problems, "Some shelf counts are not valid.")
    return found


def _placed():
    return Coalesce(F("order__submitted_at"), F("order__created_at"))


def _demand_lines(qs: QuerySet[OrderLine], since: datetime, until: datetime) -> QuerySet[OrderLine]:
    """Secondary demand as forecasting counts it: placed orders, no back-orders."""
    return (qs.filter(order__backorder_of__isnull=True).exclude(order__status__in=NOT_PLACED)
            .annotate(placed=_placed()).filter(placed__gte=since, placed__lt=until))


def outlet_purchases(*, user, outlet: Outlet, now: datetime) -> list[domain.Purchase]:
    since = now - timedelta(days=domain.LOOKBACK_DAYS)
    rows = _demand_lines(OrderLine.objects.for_user(user).filter(order__outlet_id=outlet.pk), since, now)
    return [domain.Purchase(timezone.localdate(placed), sku_id, qty) for placed, sku_id, qty in rows.values_list("placed", "sku_id", "quantity")]


# What the suggestion is made of -------------------------------------------------------------------

@dataclass
class ProposedLine:
    sku: SKU
    quantity: int
    in_cases: bool
    basis: str
    reason: str
    figures: dict
    available: int | None = None

    @property
    def cases(self) -> int:
        return self.quantity // self.sku.units_per_case if self.in_cases else 0

    @property
    def units(self) -> int:
        return self.quantity % self.sku.units_per_case if self.in_cases else self.quantity

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)


@dataclass
class MustSellStatus:
    list_code: str
    sku: SKU
    bought: bool


@dataclass
class Schemes:
    applied: list[dict] = field(default_factory=list)
    near_misses: list[dict] = field(default_factory=list)
    total: Decimal | None = None
    error: str = ""


@dataclass
class Proposal:
    outlet: Outlet
    today: date
    cycle: domain.Cycle
    cover_days: int
    next_order_on: date
    last_order_on: date | None
    orders_in_window: int
    lines: list[ProposedLine]
    must_sell: list[MustSellStatus]
    schemes: Schemes
    fallback: str = ""
    shelf_counted: bool = False

    @property
    def suggested(self) -> list[ProposedLine]:
        return [line for line in self.lines if line.quantity > 0]

    @property
    def gaps(self) -> list[MustSellStatus]:
        return [m for m in self.must_sell if not m.bought]


# Rates ------------------------------------------------------------------------------------------

def _outlet_forecasts(user, outlet: Outlet, sku_ids: set[int], today: date) -> dict[int, list[Decimal]]:
    """Weekly forecasts from this week of the outlet's current outlet × SKU series."""
    from distra.forecasting import selectors as forecasting
    from distra.forecasting.choices import ForecastLevel

    week = forecasting.current_week(today)
    found: dict[int, list[Decimal]] = {}
    series = (forecasting.series_list(user=user, kind=ForecastLevel.OUTLET_SKU).filter(outlet_id=outlet.pk, sku_id__in=sku_ids)
              .order_by("-run__finished_at", "-id"))
    for s in series:
        if s.sku_id not in found:
            found[s.sku_id] = [p.yhat for p in s.points.filter(period_start__gte=week).order_by("period_start")]
    return {sku_id: weekly for sku_id, weekly in found.items() if weekly}


def _distributor_units(outlet: Outlet, sku_ids: set[int], since: datetime, until: datetime) -> dict[int, int]:
    """The whole distributor's demand of each SKU in the window: the denominator of the outlet's
    share (no rows reach the user; the distributor is the outlet's, already in scope)."""
    rows = (_demand_lines(OrderLine.objects.filter(order__distributor_id=outlet.distributor_id, sku_id__in=sku_ids), since, until)
            .order_by().values("sku_id").annotate(total=Sum("quantity")))
    return {row["sku_id"]: row["total"] for row in rows}


def _rates(user, outlet: Outlet, bought: dict[int, list[domain.Purchase]], *, cycle: domain.Cycle, now: datetime,
           today: date, use_forecast: bool) -> dict[int, domain.Rate]:
    """The best rate per SKU: outlet × SKU forecast, else the outlet's share of its distributor's
    forecast, else its own history."""
    from distra.forecasting import selectors as forecasting

    sku_ids = set(bought)
    rates = {sku_id: domain.Rate(domain.history_rate(p, today=today, cycle_days=cycle.days), Basis.HISTORY,
                                 {"units_in_window": sum(x.quantity for x in p), "since": str(min(x.day for x in p))})
             for sku_id, p in bought.items()}
    if not use_forecast or not sku_ids:
        return rates
    weeks = max(1, math.ceil(cycle.days / 7))
    outlook = forecasting.demand_outlook(user=user, distributor_ids=[outlet.distributor_id], sku_ids=sku_ids, weeks=weeks, today=today)
    totals = _distributor_units(outlet, sku_ids, now - timedelta(days=domain.LOOKBACK_DAYS), now) if outlook else {}
    for (_distributor, sku_id), o in outlook.items():
        own, total = sum(p.quantity for p in bought[sku_id]), totals.get(sku_id, 0)
        if total > 0:
            share = Decimal(own) / total
            per_day = (share * o.per_day()).quantize(domain.RATE)
            rates[sku_id] = domain.Rate(per_day, Basis.DISTRIBUTOR_SHARE, {
                "share": str(share.quantize(domain.RATE)), "distributor_per_day": str(o.per_day()), "model": o.model, "run_id": o.run_id})
    for sku_id, weekly in _outlet_forecasts(user, outlet, sku_ids, today).items():
        rates[sku_id] = domain.Rate(domain.weekly_to_daily(weekly, cycle.days), Basis.OUTLET_FORECAST,
                                    {"weekly": [str(w) for w in weekly[:weeks]]})
    return rates


def _basis_words(rate: domain.Rate) -> str:
    if rate.basis == Basis.OUTLET_FORECAST:
        return _("Outlet forecast")
    if rate.basis == Basis.DISTRIBUTOR_SHARE:
        return _("%(share)s %% of the distributor's forecast") % {
            "share": (Decimal(rate.figures["share"]) * 100).quantize(domain.ONE_DECIMAL)}
    return _("Bought %(units)s since %(since)s") % {"units": rate.figures["units_in_window"], "since": rate.figures["since"]}


# Must-sell and best-sellers -----------------------------------------------------------------------

def must_sell_items(outlet: Outlet) -> list[MustSellItem]:
    """The active SKUs of the active must-sell lists that apply to the outlet's channel and class."""
    lists = MustSellList.objects.filter(is_active=True).filter(Q(channel="") | Q(channel=outlet.channel)).filter(
        Q(outlet_class="") | Q(outlet_class=outlet.outlet_class))
    return list(MustSellItem.objects.filter(must_sell_list__in=lists, sku__is_active=True)
                .select_related("must_sell_list", "sku").order_by("must_sell_list__code", "sku__code"))


def channel_best_sellers(*, user, outlet: Outlet, now: datetime, exclude: set[int]) -> list[tuple[SKU, list[int]]]:
    """The SKUs most bought (units) by outlets of the same channel in the last 91 days, among the
    orders ``user`` may see, with their line quantities."""
    since = now - timedelta(days=BEST_SELLER_DAYS)
    qs = _demand_lines(OrderLine.objects.for_user(user).filter(order__outlet__channel=outlet.channel, sku__is_active=True), since, now)
    top = list(qs.exclude(sku_id__in=exclude).order_by().values("sku_id").annotate(total=Sum("quantity"))
               .order_by("-total", "sku_id").values_list("sku_id", flat=True)[:BEST_SELLERS])
    quantities: dict[int, list[int]] = defaultdict(list)
    for sku_id, qty in qs.filter(sku_id__in=top).values_list("sku_id", "quantity")[:5000]:
        quantities[sku_id].append(qty)
    skus = SKU.objects.in_bulk(top)
    return [(skus[sku_id], quantities[sku_id]) for sku_id in top]


def _must_sell_lines(items, bought: set[int], counts: dict[int, int] | None, taken: set[int]) -> tuple[list, list[ProposedLine]]:
    statuses, lines = [], []
    for item in items:
        statuses.append(MustSellStatus(item.must_sell_list.code, item.sku, item.sku_id in bought))
        if item.sku_id in bought or item.sku_id in taken:
            continue
        taken.add(item.sku_id)
        qty = domain.starter_quantity(units_per_case=item.sku.units_per_case, quantity=item.quantity)
        on_shelf = (counts or {}).get(item.sku_id, 0)
        reason = _("Must-sell (%(list)s) and not bought in 26 weeks: a starter quantity") % {"list": item.must_sell_list.code}
        if on_shelf:
            qty, reason = 0, _("Must-sell (%(list)s): %(n)s counted on the shelf") % {"list": item.must_sell_list.code, "n": on_shelf}
        in_cases = qty % item.sku.units_per_case == 0 and item.sku.units_per_case > 1
        lines.append(ProposedLine(item.sku, qty, in_cases, Basis.MUST_SELL, reason, {"list": item.must_sell_list.code, "starter": qty}))
    return statuses, lines


def _best_seller_lines(user, outlet, now, counts, taken: set[int]) -> list[ProposedLine]:
    lines = []
    for sku, quantities in channel_best_sellers(user=user, outlet=outlet, now=now, exclude=taken):
        taken.add(sku.pk)
        median = Decimal(str(statistics.median(quantities))) - (counts or {}).get(sku.pk, 0)
        in_cases = domain.buys_in_cases(quantities, sku.units_per_case)
        qty = domain.round_need(median, units_per_case=sku.units_per_case, in_cases=in_cases)
        reason = _("No purchases in 26 weeks: a best-seller of the channel; its typical line is %(median)s units") % {
            "median": statistics.median(quantities)}
        lines.append(ProposedLine(sku, qty, in_cases, Basis.BEST_SELLER, reason, {"channel_median_line": str(statistics.median(quantities))}))
    return lines


# The suggestion ---------------------------------------------------------------------------------

def _available(user, outlet: Outlet, sku_ids: set[int]) -> dict[int, int]:
    from distra.inventory import selectors as inventory

    rows = (inventory.stock_list(user=user, distributor_id=outlet.distributor_id).filter(
        sku_id__in=sku_ids, warehouse__kind__in=SELLING_WAREHOUSE_KINDS, warehouse__is_active=True)
        .order_by().values("sku_id").annotate(total=Sum(F("on_hand") - F("reserved"))))
    return {row["sku_id"]: row["total"] for row in rows}


def _schemes(user, outlet: Outlet, lines: list[ProposedLine], today: date) -> Schemes:
    """The schemes the pricing quote applies to the suggested basket, and its near misses."""
    from distra.pricing.services.quoting import quote

    basket = [{"sku_id": line.sku.pk, "quantity": line.quantity} for line in lines if line.quantity > 0]
    if not basket:
        return Schemes()
    try:
        _outlet, priced = quote(by=user, outlet_id=outlet.pk, lines=basket, on=today)
    except DomainError as exc:
        return Schemes(error=exc.message)
    applied: dict[int, dict] = {}
    for line in priced.lines:
        for a in line.applied:
            row = applied.setdefault(a.scheme_id, {"scheme_id": a.scheme_id, "code": a.code, "name": a.name, "kind": a.kind,
                                                   "benefit": Decimal("0"), "reason": a.reason, "hint": a.hint})
            row["benefit"] += a.benefit
    near = [{"scheme_id": n.scheme_id, "code": n.code, "name": n.name, "reason_code": n.reason_code, "message": n.message,
             "shortfall": n.shortfall} for n in priced.not_applied if n.reason_code in NEAR_MISS_CODES]
    return Schemes(list(applied.values()), near, priced.total)


def suggestion_for(*, user, outlet_id: int, shelf_counts: Sequence[dict] | None = None, now: datetime | None = None,
                   use_forecast: bool = True) -> Proposal:
    """Today's suggested order for an outlet in ``user``'s scope (404 otherwise): per SKU it
    buys, the quantity for one order cycle less the shelf; must-sell SKUs it does not buy; with no
    history, must-sell and channel best-sellers; the schemes that apply and the near misses.
    Writes nothing (``services.suggestion_give`` records one)."""
    outlet = outlet_get(user=user, outlet_id=outlet_id)
    counts = checked_counts(shelf_counts)
    now = now or timezone.now()
    today = timezone.localdate(now)
    purchases = outlet_purchases(user=user, outlet=outlet, now=now)
    cycle = domain.order_cycle([p.day for p in purchases])
    bought: dict[int, list[domain.Purchase]] = defaultdict(list)
    for p in purchases:
        bought[p.sku_id].append(p)
    skus = SKU.objects.filter(pk__in=list(bought), is_active=True).in_bulk()
    rates = _rates(user, outlet, {k: v for k, v in bought.items() if k in skus}, cycle=cycle, now=now, today=today, use_forecast=use_forecast)
    lines = []
    for sku_id, sku in skus.items():
        history = bought[sku_id]
        rate = rates[sku_id]
        last = max(history, key=lambda p: p.day)
        result = domain.suggest_line(sku_id=sku_id, units_per_case=sku.units_per_case, rate=rate, cover_days=cycle.days,
                                     shelf=(counts or {}).get(sku_id) if counts is not None else None, last=last,
                                     in_cases=domain.buys_in_cases([p.quantity for p in history], sku.units_per_case),
                                     today=today, basis_words=_basis_words(rate))
        lines.append(ProposedLine(sku, result.quantity, result.in_cases, result.basis, result.reason, result.figures))
    taken = set(skus)
    must_sell, gap_lines = _must_sell_lines(must_sell_items(outlet), set(bought), counts, taken)
    lines += gap_lines
    fallback = ""
    if not purchases:
        fallback = "no_history"
        lines += _best_seller_lines(user, outlet, now, counts, taken)
    available = _available(user, outlet, {line.sku.pk for line in lines})
    for line in lines:
        line.available = available.get(line.sku.pk, 0)
    lines.sort(key=lambda line: (line.quantity == 0, line.sku.code))
    return Proposal(outlet, today, cycle, cycle.days, today + timedelta(days=cycle.days),
                    max((p.day for p in purchases), default=None), cycle.orders, lines, must_sell,
                    _schemes(user, outlet, lines, today), fallback, counts is not None)


# Must-sell lists and suggestions given --------------------------------------------------------------

def must_sell_list_list(*, user, channel: str | None = None, outlet_class: str | None = None,
                        is_active: bool | None = None) -> QuerySet[MustSellList]:
    qs = MustSellList.objects.for_user(user).prefetch_related("items__sku")
    filters = {"channel": channel, "outlet_class": outlet_class, "is_active": is_active}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def must_sell_list_get(*, user, list_id: int) -> MustSellList:
    found = must_sell_list_list(user=user).filter(pk=list_id).first()
    if found is None:
        raise NotFound(f"No must-sell list with id {list_id}.")
    return found


def suggestion_list(*, user, outlet_id: int | None = None, given_by_id: int | None = None, distributor_id: int | None = None,
                    current: bool = True) -> QuerySet[Suggestion]:
    """Suggestions given, in ``user``'s scope, newest first (``current``: not superseded)."""
    qs = Suggestion.objects.for_user(user).select_related("outlet", "given_by", "distributor")
    filters = {"outlet_id": outlet_id, "given_by_id": given_by_id, "distributor_id": distributor_id}
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    return qs.filter(superseded_at__isnull=True) if current else qs


def suggestion_get(*, user, suggestion_id: int) -> Suggestion:
    """A suggestion given, with its lines, if ``user`` may see its outlet (404 otherwise)."""
    found = (suggestion_list(user=user, current=False).prefetch_related("lines__sku").filter(pk=suggestion_id).first())
    if found is None:
        raise NotFound(f"No suggestion with id {suggestion_id}.")
    return found
