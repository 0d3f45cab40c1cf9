"""Reads of stock, always through the user's data scope; and the ledger check behind
``distra stock verify``."""

from __future__ import annotations

from datetime import date

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum

from distra.inventory.domain import BalanceDifference, balance_differences
from distra.inventory.models import StockBalance, StockMove, StockReservation


def stock_list(
    *, user, warehouse_id: int | None = None, distributor_id: int | None = None, sku_id: int | None = None,
    batch_id: int | None = None, expiring_before: date | None = None,
) -> QuerySet[StockBalance]:
    """Balances in ``user``'s scope, with ``available`` and ``expires_on`` annotated."""
    qs = StockBalance.objects.for_user(user).select_related("warehouse", "sku", "batch")
    qs = qs.annotate(available=F("on_hand") - F("reserved"), expires_on=F("batch__expires_on"))
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
