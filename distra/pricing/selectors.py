"""Reads of price lists, schemes and their performance, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from distra.core.money import round_money
from distra.pricing.models import (
    PriceList,
    PriceListItem,
    PricingEvent,
    Scheme,
    SchemeBenefit,
    SchemeBudget,
    SchemeTarget,
)

COUNTED = Q(order__status__in=("cancelled", "rejected"))  # orders whose benefits no longer count


def price_list_list(*, user, status: str | None = None, search: str = "") -> QuerySet[PriceList]:
    qs = PriceList.objects.for_user(user).select_related("geography", "distributor", "outlet")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs


def price_list_detail(*, user) -> QuerySet[PriceList]:
    return price_list_list(user=user).prefetch_related(
        Prefetch("items", PriceListItem.objects.select_related("sku").order_by("sku__code")),
        Prefetch("events", PricingEvent.objects.select_related("user").order_by("id")),
    )


def scheme_list(*, user, status: str | None = None, kind: str | None = None, search: str = "") -> QuerySet[Scheme]:
    qs = Scheme.objects.for_user(user).select_related("free_sku")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs


def scheme_detail(*, user) -> QuerySet[Scheme]:
    return scheme_list(user=user).prefetch_related(
        Prefetch("targets", SchemeTarget.objects.select_related("geography", "distributor", "outlet", "sku", "category", "brand")),
        Prefetch("budgets", SchemeBudget.objects.select_related("distributor").annotate(left=Sum("slots__remaining")).order_by("id")),
        Prefetch("events", PricingEvent.objects.select_related("user").order_by("id")),
    )


@dataclass(frozen=True)
class SpendPoint:
    day: date
    spend: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class TouchedOrder:
    order_id: int
    number: str
    outlet_code: str
    status: str
    benefit: Decimal
    created_at: object


@dataclass(frozen=True)
class Performance:
    spend_to_date: Decimal
    brand_funded: Decimal
    budget: Decimal | None
    budget_left: Decimal | None
    orders_touched: int
    series: list[SpendPoint]
    orders: list[TouchedOrder]


def scheme_performance(*, user, scheme: Scheme, recent: int = 50) -> Performance:
    """Spend to date (benefits on orders not cancelled or rejected; the whole brand's for a
    brand-wide user, else the orders in the user's scope), the overall budget and what is left of
    it, the spend per day (cumulative) and the most recent orders it touched."""
    benefits = SchemeBenefit.objects.for_user(user).filter(scheme=scheme).exclude(COUNTED)
    totals = benefits.aggregate(spend=Sum("benefit"), funded=Sum("brand_funded"))
    per_day = benefits.annotate(day=TruncDate("created_at")).values("day").annotate(spend=Sum("benefit")).order_by("day")
    running, series = Decimal(0), []
    for row in per_day:
        spend = round_money(row["spend"])  # SQLite sums decimals as floats
        running += spend
        series.append(SpendPoint(row["day"], spend, running))
    overall = scheme.budgets.filter(distributor__isnull=True).annotate(left=Sum("slots__remaining")).first()
    touched = (benefits.values("order_id", "order__outlet__code", "order__status").annotate(benefit=Sum("benefit"))
               .values_list("order_id", "order__outlet__code", "order__status", "benefit", "order__created_at").order_by("-order_id"))
    orders = [TouchedOrder(pk, f"SO-{pk:07d}", code, status, round_money(benefit), at) for pk, code, status, benefit, at in touched[:recent]]
    return Performance(round_money(totals["spend"] or 0), round_money(totals["funded"] or 0), overall.limit if overall else None,
                       round_money(overall.left) if overall else None, benefits.values("order_id").distinct().count(), series, orders)


def landing_price(*, distributor_id: int | None, sku, on: date | None = None) -> Decimal:
    """What one unit of ``sku`` costs the distributor: the landing price of the most specific
    active brand-wide or distributor price list valid on ``on`` (outlet, channel and class lists
    are for selling prices), else the SKU's base price. For inventory valuation and purchasing."""
    from django.utils import timezone

    from distra.pricing.live import live_facts

    on = on or timezone.localdate()
    lists = [pl for pl in live_facts().price_lists
             if sku.pk in pl.items and pl.outlet_id is None and not pl.channel and not pl.outlet_class and not pl.geo_path
             and pl.distributor_id in (None, distributor_id) and pl.valid_from <= on and (pl.valid_to is None or on <= pl.valid_to)]
    if not lists:
        return sku.base_price
    from distra.pricing.domain import price_rank

    return min(lists, key=price_rank).items[sku.pk][1]
