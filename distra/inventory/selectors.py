"""Reads of stock, always through the user's data scope; and the ledger check behind
``distra stock verify``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from distra.catalog.models import SKU
from distra.inventory.choices import MoveKind
from distra.inventory.domain import (
    DEMAND_WINDOW_DAYS,
    BalanceDifference,
    ThresholdRow,
    Thresholds,
    balance_differences,
    resolve_thresholds,
)
from distra.inventory.models import (
    StockAlert,
    StockBalance,
    StockMove,
    StockReservation,
    StockThreshold,
    SupplyTerm,
)


def stock_list(
    *, user, warehouse_id: int | None = None, distributor_id: int | None = None, sku_id: int | None = None,
    batch_id: int | None = None, expiring_before: date | None = None,
) -> QuerySet[StockBalance]:
    """Balances in ``user``'s scope, with ``available`` and ``expires_on`` annotated, and for
    days of cover the SKU's available at the warehouse (``sku_available``, over all its batches)
    and its sales in the demand window (``sold_in_window``)."""
    qs = StockBalance.objects.for_user(user).select_related("warehouse", "sku", "batch")
    qs = qs.annotate(available=F("on_hand") - F("reserved"), expires_on=F("batch__expires_on"))
    sku_available = (
        StockBalance.objects.filter(warehouse_id=OuterRef("warehouse_id"), sku_id=OuterRef("sku_id")).order_by()
        .values("warehouse_id").annotate(total=Sum(F("on_hand") - F("reserved"))).values("total")
    )
    qs = qs.annotate(sku_available=Subquery(sku_available), sold_in_window=Coalesce(
        Subquery(_sales_in_window().filter(warehouse_id=OuterRef("warehouse_id"), sku_id=OuterRef("sku_id"))
                 .values("warehouse_id").annotate(total=Sum("quantity")).values("total")),
        Value(0), output_field=IntegerField()))
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    if distributor_id is not None:
        qs = qs.filter(warehouse__distributor_id=distributor_id)
    if sku_id is not None:
        qs = qs.filter(sku_id=sku_id)
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    if expiring_before is not None:
        qs = qs.filter(batch__expires_on__lt=expiring_before)
    return qs


def stock_move_list(
    *, user, warehouse_id: int | None = None, distributor_id: int | None = None, sku_id: int | None = None,
    batch_id: int | None = None, kind: str | None = None,
) -> QuerySet[StockMove]:
    """Ledger rows in ``user``'s scope. Each carries ``balance_after``: the warehouse × SKU on hand
    after the move (its stock card's running balance), computed over the whole ledger, so filters
    never change it."""
    running = (
        StockMove.objects.filter(warehouse_id=OuterRef("warehouse_id"), sku_id=OuterRef("sku_id"), id__lte=OuterRef("id"))
        .order_by().values("warehouse_id").annotate(total=Sum("quantity")).values("total")
    )
    qs = StockMove.objects.for_user(user).select_related("warehouse", "sku", "batch").annotate(balance_after=Subquery(running))
    filters = {"warehouse_id": warehouse_id, "warehouse__distributor_id": distributor_id, "sku_id": sku_id,
               "batch_id": batch_id, "kind": kind}
    return qs.filter(**{name: value for name, value in filters.items() if value is not None})


def stock_verify() -> list[BalanceDifference]:
    """Rebuild on hand from the ledger and reserved from the open reservations; return every
    position whose cached balance differs (none, if the services kept their promise)."""
    cached = {(r["warehouse_id"], r["sku_id"], r["batch_id"]): (r["on_hand"], r["reserved"])
              for r in StockBalance.objects.values("warehouse_id", "sku_id", "batch_id", "on_hand", "reserved")}
    keys = ("warehouse_id", "sku_id", "batch_id")
    ledger = {(r["warehouse_id"], r["sku_id"], r["batch_id"]): r["total"]
              for r in StockMove.objects.order_by().values(*keys).annotate(total=Sum("quantity"))}
    reserved = {(r["warehouse_id"], r["sku_id"], r["batch_id"]): r["total"]
                for r in StockReservation.objects.filter(is_open=True).order_by().values(*keys).annotate(total=Sum("quantity"))}
    return balance_differences(cached=cached, ledger=ledger, reservations=reserved)


# Demand, cover, prices ----------------------------------------------------------------------------

def _sales_in_window(today: date | None = None) -> QuerySet[StockMove]:
    """Sale issues (and their reversals) of the last ``DEMAND_WINDOW_DAYS`` days; the sum of
    their quantities is minus what was sold."""
    start = timezone.now() - timedelta(days=DEMAND_WINDOW_DAYS)
    if today is not None:
        start = timezone.make_aware(timezone.datetime.combine(today - timedelta(days=DEMAND_WINDOW_DAYS), timezone.datetime.min.time()))
    return StockMove.objects.filter(kind=MoveKind.SALE_ISSUE, created_at__gte=start).order_by()


def sold_in_window(*, warehouse_id: int, sku_ids: list[int], today: date | None = None) -> dict[int, int]:
    """Units of each SKU sold from the warehouse in the demand window (sale issues net of their
    reversals); one query. Days of cover = available ÷ (this ÷ 28)."""
    rows = (_sales_in_window(today).filter(warehouse_id=warehouse_id, sku_id__in=sku_ids)
            .values("sku_id").annotate(total=Sum("quantity")))
    return {r["sku_id"]: -r["total"] for r in rows}


def landing_price(distributor, sku: SKU) -> Decimal:
    """What one unit of ``sku`` costs ``distributor`` (a Distributor, its id, or None for a brand
    depot) landed: the SKU's base price until price lists exist (the pricing issue replaces this
    with the distributor's price list)."""
    return sku.base_price


# Master data: supply terms and thresholds ----------------------------------------------------------

@dataclass(frozen=True)
class SupplyTerms:
    lead_time_days: int
    min_order_quantity: int
    configured: bool  # False: the defaults


def supply_terms_for(distributor, sku: SKU) -> SupplyTerms:
    """Lead time and minimum order quantity of ``sku`` for ``distributor``: its SupplyTerm row, or
    the defaults (settings.DISTRA_DEFAULT_LEAD_TIME_DAYS days, one case)."""
    row = SupplyTerm.objects.filter(distributor=distributor, sku=sku).first()
    if row is None:
        return SupplyTerms(settings.DISTRA_DEFAULT_LEAD_TIME_DAYS, sku.units_per_case, False)
    return SupplyTerms(row.lead_time_days, row.min_order_quantity, True)


def supply_term_list(*, user, distributor_id: int | None = None, sku_id: int | None = None) -> QuerySet[SupplyTerm]:
    qs = SupplyTerm.objects.for_user(user).select_related("distributor", "sku")
    filters = {"distributor_id": distributor_id, "sku_id": sku_id}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def threshold_list(
    *, user, distributor_id: int | None = None, sku_id: int | None = None, category_id: int | None = None
) -> QuerySet[StockThreshold]:
    qs = StockThreshold.objects.for_user(user)
    filters = {"distributor_id": distributor_id, "sku_id": sku_id, "category_id": category_id}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def default_thresholds() -> Thresholds:
    return Thresholds(settings.DISTRA_DEFAULT_REORDER_LEVEL, settings.DISTRA_DEFAULT_OVERSTOCK_DAYS,
                      settings.DISTRA_DEFAULT_NEAR_EXPIRY_DAYS)


def thresholds_for(*, distributor_id: int | None, skus: list[SKU]) -> dict[int, Thresholds]:
    """The thresholds of each SKU (with ``category`` loaded) at ``distributor_id``, one query
    (rule: ``domain.threshold_rank``)."""
    ancestry = {s.pk: [int(p) for p in reversed(s.category.path.strip("/").split("/")) if p] or [s.category_id] for s in skus}
    categories = {c for ids in ancestry.values() for c in ids}
    target = Q(sku__in=[s.pk for s in skus]) | Q(category__in=categories) | Q(sku__isnull=True, category__isnull=True)
    rows = [ThresholdRow(r.sku_id, r.category_id, r.distributor_id, r.reorder_level, r.overstock_days, r.near_expiry_days)
            for r in StockThreshold.objects.filter(target, Q(distributor__isnull=True) | Q(distributor_id=distributor_id))]
    defaults = default_thresholds()
    return {s.pk: resolve_thresholds(rows, sku_id=s.pk, category_ids=ancestry[s.pk], distributor_id=distributor_id, defaults=defaults)
            for s in skus}


# Alerts --------------------------------------------------------------------------------------------

def alert_list(
    *, user, status: str | None = None, kind: str | None = None, distributor_id: int | None = None,
    warehouse_id: int | None = None, sku_id: int | None = None,
) -> QuerySet[StockAlert]:
    """Alerts in ``user``'s scope, newest first."""
    qs = StockAlert.objects.for_user(user).select_related("warehouse", "sku", "batch")
    filters = {"status": status, "kind": kind, "warehouse__distributor_id": distributor_id, "warehouse_id": warehouse_id,
               "sku_id": sku_id}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def alert_counts(qs: QuerySet[StockAlert]) -> dict[str, int]:
    """Alerts of ``qs`` per kind."""
    return {r["kind"]: r["n"] for r in qs.order_by().values("kind").annotate(n=Count("id"))}


def transfer_list(*, user, in_transit: bool | None = None, warehouse_id: int | None = None) -> QuerySet[StockMove]:
    """Transfers out (not reversals) seen from either end: the sending or the receiving warehouse
    is in ``user``'s scope. ``in_transit``: neither received nor cancelled (True) or either (False)."""
    from distra.partners.models import Warehouse

    visible = Warehouse.objects.for_user(user).values("id")
    qs = (StockMove.objects.filter(Q(warehouse__in=visible) | Q(counterpart_warehouse__in=visible),
                                   kind=MoveKind.TRANSFER_OUT, reverses__isnull=True)
          .select_related("warehouse", "counterpart_warehouse", "sku", "batch"))
    if warehouse_id is not None:
        qs = qs.filter(Q(warehouse_id=warehouse_id) | Q(counterpart_warehouse_id=warehouse_id))
    open_ = Q(received_by__isnull=True, reversed_by__isnull=True)
    if in_transit is True:
        qs = qs.filter(open_)
    elif in_transit is False:
        qs = qs.exclude(open_)
    return qs
