"""Allocating stock to orders (FEFO, with the channel's minimum shelf life), shortfalls under the
distributor's policy, back-orders filled oldest first, and releasing allocations.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from distra.core.db import cache_related
from distra.core.permissions import require_perm
from distra.core.sql import insert
from distra.inventory.services import (
    AllocationRequest,
    InsufficientStock,
    stock_allocate,
    stock_release,
)
from distra.orders.choices import (
    ORDER_TRANSITIONS,
    EventKind,
    OrderChannel,
    OrderStatus,
    ShortfallPolicy,
)
from distra.orders.models import MinShelfLife, Order, OrderAllocation, OrderLine
from distra.orders.services.budgeting import backorder_line, consume_budgets, split_benefits
from distra.orders.services.ordering import (
    TransitionNotAllowed,
    get_order,
    lock_order,
    move_to,
    policy_for,
    record,
    set_totals,
)
from distra.orders.services.pricing import save_benefits
from distra.pricing.services.budgets import scheme_budgets_pass_on, scheme_budgets_release


def earliest_expiry_for(channel: str, days: int | None = None):
    """The first expiry date a batch may have to be allocated today to an outlet of ``channel``:
    unexpired tomorrow, plus the channel's minimum remaining shelf life (``days`` when the caller
    has read it, else read here; the setting's default when the channel has none)."""
    if days is None:
        row = MinShelfLife.objects.filter(channel=channel).first()
        days = row.days if row else None
    if days is None:
        days = getattr(settings, "DISTRA_MIN_SHELF_LIFE_DAYS", 0)
    return timezone.localdate() + timedelta(days=1 + days)


@transaction.atomic
def order_allocate(*, by, order: Order, channel: str = OrderChannel.WEB) -> Order:
    """Reserve stock for an approved order, first expiry first out, never a batch expiring within
    the minimum shelf life of the outlet's channel, splitting lines across batches. What the stock
    cannot cover is back-ordered (a new order waiting for stock) or cancelled, per the
    distributor's policy; the shortfall is recorded on each line and in an event. Nothing
    allocatable at all: under the cancel policy a 409 ``insufficient_stock`` (nothing written);
    under the back-order policy the order waits for stock. Locks the order row, then the
    candidate balance rows in primary-key order (stock_allocate)."""
    require_perm(by, "orders.add_order")
    return allocate_locked(by=by, order=lock_order(get_order(by, order.pk)), channel=channel)


def allocate_locked(*, by, order: Order, channel: str, lines: list[OrderLine] | None = None) -> Order:
    """``order_allocate`` for an order this transaction has locked (or inserted), with its lines
    if the caller has them."""
    if OrderStatus.ALLOCATED not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order, OrderStatus.ALLOCATED)
    if lines is None:
        lines = list(order.lines.select_related("sku").order_by("line_no"))
    consume_budgets(by=by, order=order, lines=lines, channel=channel)
    requests = [AllocationRequest(sku_id=line.sku_id, quantity=line.quantity, key=f"order-line:{order.pk}:{line.line_no}")
                for line in lines]
    reserved = stock_allocate(by=by, warehouse=order.warehouse, requests=requests,
                              earliest_expiry=earliest_expiry_for(order.outlet.channel, getattr(order, "_min_shelf_life_days", None)))
    if not any(reserved.values()):
        return _nothing_allocated(by=by, order=order, lines=lines, channel=channel)
    allocations, shortfall = [], {}
    for line, request in zip(lines, requests, strict=True):
        line.allocated = sum(r.quantity for r in reserved[request.key])
        allocations += [OrderAllocation(line=line, batch=r.batch, quantity=r.quantity, reservation=r) for r in reserved[request.key]]
        if line.allocated < line.quantity:
            shortfall[line.sku.code] = line.quantity - line.allocated
    policy = policy_for(order.distributor_id, order).shortfall_policy
    for line in lines:
        missing = line.quantity - line.allocated
        if policy == ShortfallPolicy.BACKORDER:
            line.backordered = missing
        else:
            line.cancelled = missing
    if all(line.pk is None for line in lines):
        insert(lines)  # a new order's lines, written once with what they got
        save_benefits(order, lines)  # before a back-order takes its share of them
    else:
        OrderLine.objects.bulk_update(lines, ["allocated", "backordered", "cancelled"])
    insert(allocations)
    for line in lines:
        cache_related(line, "allocations", [a for a in allocations if a.line is line])
    record(order, by=by, channel=channel, kind=EventKind.ALLOCATED,
           batches={line.sku.code: [[a.batch_id, a.quantity] for a in allocations if a.line is line] for line in lines})
    if shortfall:
        backorder = _backorder(by=by, order=order, lines=lines) if policy == ShortfallPolicy.BACKORDER else None
        cache_related(order, "backorders", [backorder] if backorder else [])
        record(order, by=by, channel=channel, kind=EventKind.SHORTFALL, policy=policy, missing=shortfall,
               backorder=backorder.pk if backorder else None)
    if order.awaiting_stock:
        order.awaiting_stock = False
        if getattr(order, "_events", None) is None:
            order.save(update_fields=["awaiting_stock"])
    move_to(order, OrderStatus.ALLOCATED, by=by, channel=channel, stamp="allocated_at")
    return order


def _nothing_allocated(*, by, order: Order, lines: list[OrderLine], channel: str) -> Order:
    if policy_for(order.distributor_id, order).shortfall_policy == ShortfallPolicy.CANCEL:
        raise InsufficientStock(f"None of order {order.number} can be allocated from warehouse {order.warehouse.code}.")
    if order.backorder_of_id is None:  # taken again when stock comes and it is allocated
        scheme_budgets_release(order_id=order.pk)  # (a back-order's part was handed on by its original: it keeps it)
    if not order.awaiting_stock:
        order.awaiting_stock = True
        if getattr(order, "_events", None) is None:
            order.save(update_fields=["awaiting_stock"])
        record(order, by=by, channel=channel, kind=EventKind.SHORTFALL, policy=ShortfallPolicy.BACKORDER,
               missing={line.sku.code: line.quantity for line in lines}, backorder=order.pk)
    return order


def _backorder(*, by, order: Order, lines: list[OrderLine]) -> Order:
    """A new approved order for the back-ordered quantities, waiting for stock (filled by
    ``backorders_fill``, oldest first)."""
    now = timezone.now()
    backorder = Order(outlet=order.outlet, distributor=order.distributor, warehouse=order.warehouse, channel=OrderChannel.SYSTEM,
                      created_by=order.created_by, backorder_of=order, status=OrderStatus.APPROVED, awaiting_stock=True,
                      submitted_at=order.submitted_at, approved_at=now, note=f"Back-order of {order.number}")
    new_lines = []
    for line in lines:
        if line.backordered:
            new_lines.append(backorder_line(line, backorder, len(new_lines) + 1))
    set_totals(backorder, new_lines)
    backorder.pricing = {**order.pricing, "usage": {}, "backorder_of": order.pk}
    backorder.save()
    OrderLine.objects.bulk_create(new_lines)
    scheme_budgets_pass_on(order_id=order.pk, to_order_id=backorder.pk, shares=split_benefits(lines, new_lines))
    record(backorder, by=by, channel=OrderChannel.SYSTEM, kind=EventKind.CREATED, to_status=OrderStatus.APPROVED,
           backorder_of=order.pk)
    return backorder


def release_allocations(*, by, order: Order) -> int:
    """Release every open reservation of ``order`` (cancellation). Returns how many were released.
    Locks the balances of the reservations (stock_release)."""
    released = 0
    allocations = OrderAllocation.objects.filter(line__order=order, reservation__is_open=True).select_related("reservation")
    for allocation in allocations.order_by("reservation__warehouse_id", "reservation__sku_id", "reservation__batch_id"):
        stock_release(by=by, reservation=allocation.reservation)
        released += 1
    if released:
        OrderLine.objects.filter(order=order).update(allocated=0, cancelled=F("quantity") - F("backordered"))
        OrderAllocation.objects.filter(line__order=order).delete()
    return released


def backorders_fill(*, by, warehouse_id: int, sku_ids: list[int] | None = None, limit: int = 200) -> list[int]:
    """Allocate back-orders waiting for stock at a warehouse, oldest first (by submission, then
    id), each in its own transaction so that one order's shortfall does not undo another's fill.
    With ``sku_ids``, only back-orders with one of those SKUs. Returns the ids of the orders that
    got stock."""
    require_perm(by, "orders.add_order")
    waiting = Order.objects.for_user(by).filter(warehouse_id=warehouse_id, awaiting_stock=True, status=OrderStatus.APPROVED)
    if sku_ids:
        waiting = waiting.filter(lines__sku_id__in=sku_ids).distinct()
    filled = []
    for order in waiting.order_by("submitted_at", "id")[:limit]:
        try:
            with transaction.atomic():
                allocated = order_allocate(by=by, order=order, channel=OrderChannel.SYSTEM)
                if allocated.status == OrderStatus.ALLOCATED:
                    record(allocated, by=by, channel=OrderChannel.SYSTEM, kind=EventKind.BACKORDER_FILLED)
                    filled.append(allocated.pk)
        except InsufficientStock:
            # Nothing for this one (its distributor now cancels shortfalls): it keeps waiting, the
            # next back-orders may still get stock.
            continue
    return filled
