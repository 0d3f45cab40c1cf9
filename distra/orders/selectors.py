"""Reads of orders, always through the user's data scope: the order list and detail, the
shortfall an outlet and rep see, and the order metrics (fill rate, order-to-fulfilment cycle time).

Metric definitions (docs/orders.md):
- counted over orders that reached ``delivered`` or ``partially_delivered`` with ``delivered_at``
  in the date range;
- line fill rate: share of those orders' lines whose delivered quantity equals the quantity
  ordered; order fill rate: share of those orders with every line delivered in full (a back-order
  is an order of its own; the order it came from was not filled in full);
- cycle time: ``delivered_at - submitted_at`` in hours: mean, median and 90th percentile
  (nearest rank), rounded to 0.01 h.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet

from distra.core.errors import NotFound
from distra.orders.choices import OrderStatus
from distra.orders.domain import FillRate
from distra.orders.models import Order, OrderAllocation, OrderEvent, OrderLine
from distra.partners.models import Distributor

DELIVERED_STATUSES = (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED)
HOURS = Decimal("0.01")


def order_list(
    *, user, status: str | None = None, distributor_id: int | None = None, outlet_id: int | None = None,
    warehouse_id: int | None = None, created_from: date | None = None, created_to: date | None = None,
    awaiting_stock: bool | None = None, search: str | None = None,
) -> QuerySet[Order]:
    """Orders in ``user``'s scope matching the filters (None: any). ``search`` is an order number
    ("SO-0000042" or "42") or part of the outlet's code."""
    qs = Order.objects.for_user(user).select_related("outlet", "distributor", "warehouse")
    exact = {"status": status, "distributor_id": distributor_id, "outlet_id": outlet_id, "warehouse_id": warehouse_id,
             "awaiting_stock": awaiting_stock, "created_at__date__gte": created_from, "created_at__date__lte": created_to}
    qs = qs.filter(**{name: value for name, value in exact.items() if value is not None})
    if search and search.strip():
        qs = qs.filter(_search_q(search.strip()))
    return qs


def _search_q(text: str) -> Q:
    number = text.upper().removeprefix("SO-").lstrip("0") or "0"
    by_outlet = Q(outlet__code__icontains=text)
    if number.isdigit() and len(number) <= 18:
        return Q(pk=int(number)) | by_outlet
    return by_outlet


def with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    """``qs`` with what OrderOut shows fetched up front: lines with SKU and allocations (with
    batch), events (with user), back-orders."""
    allocations = Prefetch("allocations", queryset=OrderAllocation.objects.select_related("batch").order_by("id"))
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("sku").prefetch_related(allocations).order_by("line_no"))
    events = Prefetch("events", queryset=OrderEvent.objects.select_related("user").order_by("id"))
    return qs.select_related("outlet", "distributor", "warehouse").prefetch_related(lines, events, "backorders")


def order_get(*, user, order_id: int) -> Order:
    """The order with its lines, allocations and events, if ``user`` may see it (404 otherwise)."""
    order = with_details(Order.objects.for_user(user)).filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No order with id {order_id}.")
    return order


def order_shortfall(order: Order) -> dict:
    """What could not be allocated, line by line: back-ordered (another order carries it),
    cancelled (the distributor's cancel policy), or the whole order waiting for stock. A cancelled
    or rejected order has no shortfall (nothing is owed to the outlet)."""
    lines, backorder_ids = [], sorted(b.pk for b in order.backorders.all())
    if order.status not in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        for line in order.lines.all():
            if order.awaiting_stock and line.allocated < line.quantity:
                missing, resolution = line.quantity - line.allocated, "awaiting_stock"
            elif line.backordered:
                missing, resolution = line.backordered, "backordered"
            elif line.cancelled:
                missing, resolution = line.cancelled, "cancelled"
            else:
                continue
            lines.append({"line_no": line.line_no, "sku_id": line.sku_id, "sku_code": line.sku.code, "ordered": line.quantity,
                          "allocated": line.allocated, "missing": missing, "resolution": resolution})
    return {"missing": sum(line["missing"] for line in lines), "awaiting_stock": order.awaiting_stock,
            "backorder_ids": backorder_ids, "lines": lines}


# Metrics -------------------------------------------------------------------------------------------

def cycle_time_stats(hours: Sequence[float | Decimal]) -> dict:
    """Mean, median and 90th percentile (nearest rank: the smallest value with at least 90 % of
    the values at or below it) of ``hours``, each rounded half-even to 0.01; None when empty."""
    values = sorted(Decimal(str(h)) for h in hours)
    if not values:
        return {"orders": 0, "mean_hours": None, "median_hours": None, "p90_hours": None}
    p90 = values[math.ceil(0.9 * len(values)) - 1]
    return {"orders": len(values), "mean_hours": (sum(values) / len(values)).quantize(HOURS),
            "median_hours": Decimal(statistics.median(values)).quantize(HOURS), "p90_hours": p90.quantize(HOURS)}


def _delivered_orders(user, distributor_id: int | None, date_from: date | None, date_to: date | None) -> QuerySet[Order]:
    qs = Order.objects.for_user(user).filter(status__in=DELIVERED_STATUSES, delivered_at__isnull=False)
    if distributor_id is not None:
        qs = qs.filter(distributor_id=distributor_id)
    if date_from is not None:
        qs = qs.filter(delivered_at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(delivered_at__date__lte=date_to)
    return qs


def _fill_rates(orders: QuerySet[Order]) -> dict[int, FillRate]:
    """Fill rate per distributor id of ``orders``."""
    per_order = orders.order_by().values("id", "distributor_id").annotate(
        lines_n=Count("lines"), filled_n=Count("lines", filter=Q(lines__delivered=F("lines__quantity"))))
    sums: dict[int, list[int]] = {}
    for row in per_order:
        acc = sums.setdefault(row["distributor_id"], [0, 0, 0, 0])
        acc[0] += row["lines_n"]
        acc[1] += row["filled_n"]
        acc[2] += 1
        acc[3] += row["lines_n"] == row["filled_n"]
    return {d: FillRate(lines=a[0], lines_filled=a[1], orders=a[2], orders_filled=a[3]) for d, a in sums.items()}


def _fill_rate_out(rate: FillRate) -> dict:
    return {"orders": rate.orders, "orders_filled": rate.orders_filled, "order_fill_rate": rate.order_rate,
            "lines": rate.lines, "lines_filled": rate.lines_filled, "line_fill_rate": rate.line_rate}


def order_metrics(*, user, distributor_id: int | None = None, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Fill rates and cycle times of the delivered orders in ``user``'s scope, overall and per
    distributor (only distributors with delivered orders in the range are listed)."""
    orders = _delivered_orders(user, distributor_id, date_from, date_to)
    rates = _fill_rates(orders)
    hours: dict[int, list[Decimal]] = {}
    for dist, submitted, delivered in orders.exclude(submitted_at=None).values_list("distributor_id", "submitted_at", "delivered_at"):
        hours.setdefault(dist, []).append(Decimal((delivered - submitted).total_seconds()) / 3600)
    codes = dict(Distributor.objects.filter(pk__in=rates.keys()).values_list("pk", "code"))
    overall = FillRate(*(sum(getattr(r, name) for r in rates.values()) for name in ("lines", "lines_filled", "orders", "orders_filled")))
    distributors = [
        {"distributor_id": d, "distributor_code": codes.get(d), "fill_rate": _fill_rate_out(rates[d]),
         "cycle_time": cycle_time_stats(hours.get(d, []))}
        for d in sorted(rates, key=lambda d: codes.get(d, ""))
    ]
    return {
        "date_from": date_from, "date_to": date_to,
        "overall": {"distributor_id": None, "distributor_code": None, "fill_rate": _fill_rate_out(overall),
                    "cycle_time": cycle_time_stats([h for values in hours.values() for h in values])},
        "distributors": distributors,
    }
