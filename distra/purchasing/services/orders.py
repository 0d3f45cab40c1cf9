"""Every write to primary orders: create, edit, submit, confirm, cancel, close.

The package ``distra.purchasing.services`` is the only writer of primary orders, shipments and goods
receipts.

Each service runs in one ``transaction.atomic()``, checks the acting user's permission, then locks
the order row (``select_for_update``) and re-checks that it is in the user's scope (404 if not), so
two actions on one order run one after the other. Stock moves go through
``distra.inventory.services`` with source keys derived from the shipment and GRN lines, so a
retried post never moves stock twice. A refused action raises a DomainError and writes nothing.

Locks, in this order: the distributor row (numbering a new order), the order row, then the stock
balance rows (taken by the inventory services in primary-key order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from distra.core.permissions import require_perm
from distra.inventory import services as stock
from distra.partners.choices import WarehouseKind
from distra.partners.models import Distributor, Warehouse
from distra.purchasing import domain
from distra.purchasing.choices import (
    PO_TRANSITIONS,
    EventChannel,
    POAction,
    POStatus,
    ShipmentStatus,
)
from distra.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
)

ORDER_PERM = "purchasing.add_purchaseorder"  # raise, edit, submit, cancel (the distributor's side)
MANAGE_PERM = "purchasing.change_purchaseorder"  # confirm, cancel, close (the brand's side)
MAX_LINES = 200


def _require_any(by, *perms: str) -> None:
    if not any(by.has_perm(p) for p in perms):
        raise Forbidden()


def lock_order(by, order: PurchaseOrder) -> PurchaseOrder:
    """The order row, locked for this transaction; 404 unless it is in ``by``'s scope."""
    locked = PurchaseOrder.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    if locked is None or not PurchaseOrder.objects.for_user(by).filter(pk=order.pk).exists():
        raise NotFound(f"No purchase order with id {order.pk}.")
    return locked


def record_step(order: PurchaseOrder, *, by, action: str, to_status: str, channel: str, note: str = "") -> None:
    """Move ``order`` to ``to_status`` (refused with 409 ``invalid_transition`` unless the table
    allows it) and write the event row."""
    from_status = order.status
    if action not in (POAction.CREATED, POAction.LINES_CHANGED) and to_status not in PO_TRANSITIONS[from_status]:
        raise Conflict(f"A {POStatus(from_status).label.lower()} order cannot be {POAction(action).label}.", code="invalid_transition")
    if channel not in EventChannel.values:
        raise ValidationFailed({"channel": [FieldProblem("invalid_choice", "The channel is web or api.")]})
    if to_status != from_status:
        PurchaseOrder.objects.filter(pk=order.pk).update(status=to_status, updated_at=timezone.now())
        order.status = to_status
    PurchaseOrderEvent.objects.create(order=order, action=action, from_status=from_status if action != POAction.CREATED else "",
                                      to_status=to_status, channel=channel, user=by, note=note[:200])


def line_quantity(sku: SKU, line: Mapping[str, Any], field: str, problems: dict) -> int | None:
    try:
        return stock.base_quantity(sku=sku, quantity=line.get("quantity"), cases=line.get("cases") or 0, units=line.get("units") or 0)
    except DomainError as exc:
        problems.setdefault(field, []).append(FieldProblem(exc.code, exc.message))
        return None


def _order_lines(by, distributor: Distributor, lines: Sequence[Mapping[str, Any]]) -> list[tuple[SKU, int]]:
    """(SKU, base units) per input line, or a 422 naming each bad field as ``lines.<i>.<name>``:
    an unknown, out-of-scope or inactive SKU, a SKU twice, a quantity that is not a whole number
    of units above zero, or one below the distributor's minimum order quantity (``below_moq``)."""
    if not lines:
        raise ValidationFailed({"lines": [FieldProblem("required", "An order has at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationFailed({"lines": [FieldProblem("too_many", f"An order has at most {MAX_LINES} lines.")]})
    skus = SKU.objects.for_user(by).in_bulk([line.get("sku_id") for line in lines if isinstance(line.get("sku_id"), int)])
    problems: dict[str, list[FieldProblem]] = {}
    result, seen = [], set()
    for i, line in enumerate(lines):
        sku = skus.get(line.get("sku_id"))
        if sku is None:
            problems[f"lines[{i}].sku_id"] = [FieldProblem("not_found", f"No SKU with id {line.get('sku_id')} in your scope.")]
            continue
        if not sku.is_active:
            problems[f"lines[{i}].sku_id"] = [FieldProblem("inactive_sku", f"{sku.code} is no longer sold.")]
        if sku.pk in seen:
            problems[f"lines[{i}].sku_id"] = [FieldProblem("duplicate", f"{sku.code} is on the order twice; add the quantities.")]
        seen.add(sku.pk)
        qty = line_quantity(sku, line, f"lines[{i}].quantity", problems)
        if qty is not None:
            result.append((sku, qty))
            problems.update(_below_moq(distributor, sku, qty, f"lines[{i}].quantity"))
    if problems:
        raise ValidationFailed(problems)
    return result


def _below_moq(distributor: Distributor, sku: SKU, quantity: int, field: str) -> dict[str, list[FieldProblem]]:
    """The minimum order quantity of the distributor's supply terms for ``sku`` (inventory's
    master data; one case where none is set)."""
    from distra.inventory.selectors import supply_terms_for

    moq = supply_terms_for(distributor, sku).min_order_quantity
    if quantity >= moq:
        return {}
    return {field: [FieldProblem("below_moq", f"{sku.code}: order at least {moq} units; {quantity} asked.")]}


def _write_lines(order: PurchaseOrder, lines: list[tuple[SKU, int]]) -> None:
    order.lines.all().delete()
    rows = [PurchaseOrderLine(order=order, line_no=i, sku=sku, quantity=qty, price=sku.base_price,
                              amount=domain.line_amount(sku.base_price, qty)) for i, (sku, qty) in enumerate(lines, start=1)]
    PurchaseOrderLine.objects.bulk_create(rows)
    _retotal(order)


def _retotal(order: PurchaseOrder) -> None:
    order.total = domain.order_total(order.lines.values_list("amount", flat=True))
    PurchaseOrder.objects.filter(pk=order.pk).update(total=order.total, updated_at=timezone.now())


def _ordering_warehouse(by, warehouse: Warehouse) -> Warehouse:
    if not Warehouse.objects.for_user(by).filter(pk=warehouse.pk).exists():
        raise ValidationFailed({"warehouse_id": [FieldProblem("not_found", f"No warehouse with id {warehouse.pk} in your scope.")]})
    if warehouse.kind != WarehouseKind.DISTRIBUTOR or not warehouse.is_active:
        raise ValidationFailed({"warehouse_id": [FieldProblem("not_orderable", "Orders are delivered to an active distributor's warehouse.")]})
    return warehouse


def _first_with_key(by, idempotency_key: str) -> PurchaseOrder | None:
    """The order ``by`` created with ``idempotency_key`` (marked ``replayed``), if any."""
    existing = PurchaseOrder.objects.filter(created_by=by, idempotency_key=idempotency_key).first() if idempotency_key else None
    if existing is not None:
        existing.replayed = True
    return existing


# Orders -------------------------------------------------------------------------------------------

@transaction.atomic
def po_create(
    *, by, warehouse: Warehouse, lines: Sequence[Mapping[str, Any]], note: str = "", idempotency_key: str = "",
    channel: str = EventChannel.API,
) -> PurchaseOrder:
    """Raise a draft order for ``warehouse`` (of the user's distributor) at the SKUs' landing
    price (the base price until price lists exist). The same ``idempotency_key`` from the same
    user returns the first order (``replayed`` True) and writes nothing. Locks the distributor row
    to number the order."""
    require_perm(by, ORDER_PERM)
    existing = _first_with_key(by, idempotency_key)
    if existing is not None:
        return existing
    _ordering_warehouse(by, warehouse)
    parsed = _order_lines(by, warehouse.distributor, lines)
    Distributor.objects.select_for_update().filter(pk=warehouse.distributor_id).first()
    existing = _first_with_key(by, idempotency_key)  # again after the lock: a racing twin has committed
    if existing is not None:
        return existing
    count = PurchaseOrder.objects.filter(distributor_id=warehouse.distributor_id).count()
    try:
        with transaction.atomic():
            order = PurchaseOrder.objects.create(distributor_id=warehouse.distributor_id, warehouse=warehouse,
                                                 number=f"PO-{count + 1:05d}", note=note, idempotency_key=idempotency_key, created_by=by)
    except IntegrityError:  # only the idempotency key can collide here (SQLite takes no row lock)
        existing = _first_with_key(by, idempotency_key)
        if existing is None:
            raise
        return existing
    _write_lines(order, parsed)
    record_step(order, by=by, action=POAction.CREATED, to_status=POStatus.DRAFT, channel=channel)
    order.replayed = False
    return order


@transaction.atomic
def po_lines_set(*, by, order: PurchaseOrder, lines: Sequence[Mapping[str, Any]], channel: str = EventChannel.API) -> PurchaseOrder:
    """Replace the lines of a draft order (409 ``not_editable`` once submitted). Locks the order."""
    require_perm(by, ORDER_PERM)
    order = lock_order(by, order)
    if order.status != POStatus.DRAFT:
        raise Conflict("Only a draft order's lines can be changed.", code="not_editable")
    _write_lines(order, _order_lines(by, order.distributor, lines))
    record_step(order, by=by, action=POAction.LINES_CHANGED, to_status=order.status, channel=channel)
    return order


@transaction.atomic
def po_submit(*, by, order: PurchaseOrder, channel: str = EventChannel.API) -> PurchaseOrder:
    """Send a draft order to the brand. Locks the order."""
    require_perm(by, ORDER_PERM)
    order = lock_order(by, order)
    record_step(order, by=by, action=POAction.SUBMITTED, to_status=POStatus.SUBMITTED, channel=channel)
    return order


@transaction.atomic
def po_confirm(
    *, by, order: PurchaseOrder, quantities: Mapping[int, int] | None = None, note: str = "", channel: str = EventChannel.API,
) -> PurchaseOrder:
    """The brand accepts a submitted order, optionally cutting lines: ``quantities`` maps line
    ids to the confirmed base units (0..ordered); lines not named are confirmed in full. Amounts
    and the total follow the confirmed quantities. Locks the order."""
    require_perm(by, MANAGE_PERM)
    order = lock_order(by, order)
    if order.status != POStatus.SUBMITTED:
        raise Conflict(f"A {POStatus(order.status).label.lower()} order cannot be confirmed.", code="invalid_transition")
    lines = {line.pk: line for line in order.lines.all()}
    quantities = dict(quantities or {})
    problems = {}
    for line_id, qty in quantities.items():
        line = lines.get(line_id)
        if line is None:
            problems[f"quantities.{line_id}"] = [FieldProblem("not_found", f"No line {line_id} on {order.number}.")]
        elif isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= line.quantity:
            problems[f"quantities.{line_id}"] = [FieldProblem("invalid_quantity", f"Confirm a whole number from 0 to {line.quantity}.")]
    if problems:
        raise ValidationFailed(problems)
    if not any(quantities.get(pk, line.quantity) for pk, line in lines.items()):
        raise ValidationFailed({"quantities": [FieldProblem("nothing_confirmed", "Nothing would be confirmed; cancel the order instead.")]})
    for pk, line in lines.items():
        line.confirmed_quantity = quantities.get(pk, line.quantity)
        line.amount = domain.line_amount(line.price, line.confirmed_quantity)
    PurchaseOrderLine.objects.bulk_update(lines.values(), ["confirmed_quantity", "amount"])
    _retotal(order)
    record_step(order, by=by, action=POAction.CONFIRMED, to_status=POStatus.CONFIRMED, channel=channel, note=note)
    return order


@transaction.atomic
def po_cancel(*, by, order: PurchaseOrder, note: str = "", channel: str = EventChannel.API) -> PurchaseOrder:
    """Cancel an order before anything was shipped (either side may). Locks the order."""
    _require_any(by, ORDER_PERM, MANAGE_PERM)
    order = lock_order(by, order)
    record_step(order, by=by, action=POAction.CANCELLED, to_status=POStatus.CANCELLED, channel=channel, note=note)
    return order


@transaction.atomic
def po_close(*, by, order: PurchaseOrder, note: str = "", channel: str = EventChannel.API) -> PurchaseOrder:
    """Close a received or partly received order: nothing more will be shipped against it. A
    shipment still in transit must be received first (409 ``shipment_in_transit``). Locks the order."""
    _require_any(by, ORDER_PERM, MANAGE_PERM)
    order = lock_order(by, order)
    if order.shipments.filter(status=ShipmentStatus.IN_TRANSIT).exists():
        raise Conflict("A shipment of this order is still in transit; record its goods receipt first.", code="shipment_in_transit")
    record_step(order, by=by, action=POAction.CLOSED, to_status=POStatus.CLOSED, channel=channel, note=note)
    return order


def progress_status(order: PurchaseOrder) -> str:
    totals = order.lines.aggregate(confirmed=Sum("confirmed_quantity"), shipped=Sum("shipped_quantity"))
    shipments = order.shipments.count()
    received = order.shipments.filter(status=ShipmentStatus.RECEIVED).count()
    return domain.status_after_progress(confirmed=totals["confirmed"] or 0, shipped=totals["shipped"] or 0,
                                        shipments=shipments, received=received)


