"""Reads of primary orders, shipments, goods receipts and depots, always through the user's scope."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse
from distra.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
)


def po_list(
    *, user, status: str | None = None, distributor_id: int | None = None, warehouse_id: int | None = None, search: str = "",
) -> QuerySet[PurchaseOrder]:
    """Orders in ``user``'s scope (a distributor user: its own; a manager: its distributors')."""
    qs = PurchaseOrder.objects.for_user(user).select_related("distributor", "warehouse")
    filters = {"status": status, "distributor_id": distributor_id, "warehouse_id": warehouse_id}
    qs = qs.filter(**{name: value for name, value in filters.items() if value is not None})
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(distributor__code__icontains=search) | Q(lines__sku__code__icontains=search)).distinct()
    return qs


def po_detail(*, user) -> QuerySet[PurchaseOrder]:
    """Orders in scope with everything their detail shows: lines, the event timeline, shipments
    with their lines and goods receipt."""
    return PurchaseOrder.objects.for_user(user).select_related("distributor", "warehouse", "created_by").prefetch_related(
        Prefetch("lines", PurchaseOrderLine.objects.select_related("sku").order_by("line_no")),
        Prefetch("events", PurchaseOrderEvent.objects.select_related("user").order_by("id")),
        Prefetch("shipments", Shipment.objects.select_related("depot", "receipt").prefetch_related(
            Prefetch("lines", ShipmentLine.objects.select_related("batch", "order_line__sku", "receipt_line").order_by("id"))
        ).order_by("number")),
    )


def shipment_list(*, user) -> QuerySet[Shipment]:
    return Shipment.objects.for_user(user).select_related("order", "order__warehouse", "depot", "receipt").prefetch_related(
        Prefetch("lines", ShipmentLine.objects.select_related("batch", "order_line__sku", "receipt_line").order_by("id"))
    )


def depot_list(*, user) -> QuerySet[Warehouse]:
    """The brand's depots; empty for every scope that does not see everything."""
    return Warehouse.objects.for_user(user).filter(kind=WarehouseKind.DEPOT)
