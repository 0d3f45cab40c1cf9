"""Shipping primary orders from the brand's depots, and the goods receipts (GRN) that take the
shipped stock in at the distributor's warehouse. Same locking rules as ``orders``: the order row,
then the stock balance rows (taken by the inventory services in primary-key order)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    ValidationFailed,
)
from distra.core.permissions import require_perm
from distra.inventory import services as stock
from distra.inventory.choices import AdjustmentReason, MoveKind
from distra.inventory.models import Batch
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse
from distra.purchasing import domain
from distra.purchasing.choices import (
    SHIPPABLE,
    EventChannel,
    POAction,
    POStatus,
    ShipmentStatus,
)
from distra.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
)
from distra.purchasing.services.orders import (
    line_quantity,
    lock_order,
    progress_status,
    record_step,
)

SHIP_PERM = "purchasing.add_shipment"
RECEIVE_PERM = "purchasing.add_goodsreceipt"


# Depots and shipments -----------------------------------------------------------------------------

@transaction.atomic
def depot_create(*, by, code: str, name: str, address: str = "") -> Warehouse:
    """A depot of the brand's own (a warehouse without a distributor). Administrators only:
    only a scope that sees everything may hold a depot."""
    from distra.core.scoping import scope_for
    from distra.core.services import save_validated

    require_perm(by, "partners.add_warehouse")
    if not scope_for(by).everything:
        raise Forbidden("Only the brand's own users may create depots.")
    return save_validated(Warehouse(kind=WarehouseKind.DEPOT, distributor=None, code=code, name=name, address=address))


def _depot(by, depot: Warehouse) -> Warehouse:
    if not Warehouse.objects.for_user(by).filter(pk=depot.pk, kind=WarehouseKind.DEPOT, is_active=True).exists():
        raise ValidationFailed({"depot_id": [FieldProblem("not_a_depot", f"Warehouse {depot.pk} is not an active depot of the brand.")]})
    return depot


def _ship_requests(order: PurchaseOrder, lines: Sequence[Mapping[str, Any]] | None) -> list[tuple[PurchaseOrderLine, int, Batch | None]]:
    """(order line, base units, batch or None for FEFO) per requested line; every open quantity
    when ``lines`` is None. 422 for unknown lines or batches, 409 ``more_than_confirmed``."""
    order_lines = {line.pk: line for line in order.lines.select_related("sku")}
    if lines is None:
        return [(line, line.open_quantity, None) for line in order_lines.values() if line.open_quantity > 0]
    problems: dict[str, list[FieldProblem]] = {}
    requests = []
    for i, item in enumerate(lines):
        line = order_lines.get(item.get("line_id"))
        if line is None:
            problems[f"lines[{i}].line_id"] = [FieldProblem("not_found", f"No line {item.get('line_id')} on {order.number}.")]
            continue
        batch = None
        if item.get("batch_id") is not None:
            batch = Batch.objects.filter(pk=item["batch_id"], sku=line.sku).first()
            if batch is None:
                problems[f"lines[{i}].batch_id"] = [FieldProblem("not_found", f"No batch {item['batch_id']} of {line.sku.code}.")]
            elif batch.expires_on <= timezone.localdate():
                problems[f"lines[{i}].batch_id"] = [FieldProblem("batch_expired", f"Batch {batch.batch_number} has expired.")]
        qty = line_quantity(line.sku, item, f"lines[{i}].quantity", problems)
        if qty is not None:
            requests.append((line, qty, batch))
    if problems:
        raise ValidationFailed(problems)
    for line in order_lines.values():
        asked = sum(q for ln, q, _ in requests if ln.pk == line.pk)
        if asked > line.open_quantity:
            raise Conflict(f"Line {line.line_no} ({line.sku.code}): {asked} asked, {line.open_quantity} confirmed and not yet shipped.",
                           code="more_than_confirmed")
    return requests


def _fefo(by, depot: Warehouse, sku: SKU, quantity: int) -> list[tuple[Batch, int]]:
    from distra.inventory.selectors import stock_list

    rows = stock_list(user=by, warehouse_id=depot.pk, sku_id=sku.pk).select_related(None)
    held = [domain.BatchStock(r.batch_id, r.expires_on, r.available) for r in rows]
    picks, shortfall = domain.fefo_pick(stock=held, quantity=quantity, today=timezone.localdate())
    if shortfall:
        raise stock.InsufficientStock(f"{depot.code} has {quantity - shortfall} unexpired units of {sku.code}; {quantity} asked.")
    batches = Batch.objects.in_bulk([b for b, _ in picks])
    return [(batches[b], q) for b, q in picks]


@transaction.atomic
def po_ship(
    *, by, order: PurchaseOrder, depot: Warehouse, lines: Sequence[Mapping[str, Any]] | None = None, note: str = "",
    channel: str = EventChannel.API,
) -> Shipment:
    """Ship confirmed quantities from a depot: per line the given batch, or batches chosen FEFO
    (earliest expiry first, never expired). Each batch leaves as a transfer_out from the depot to
    the order's warehouse, in transit until the goods receipt. More than confirmed is a 409
    ``more_than_confirmed``, more than the depot holds a 409 ``insufficient_stock``; either way
    nothing is written. Locks the order, then the depot's balance rows."""
    require_perm(by, SHIP_PERM)
    order = lock_order(by, order)
    if order.status not in SHIPPABLE:
        raise Conflict(f"A {POStatus(order.status).label.lower()} order cannot be shipped.", code="invalid_transition")
    _depot(by, depot)
    requests = _ship_requests(order, lines)
    if not any(q for _, q, _ in requests):
        raise Conflict("Everything confirmed has been shipped.", code="nothing_to_ship")
    shipment = Shipment.objects.create(order=order, number=order.shipments.count() + 1, depot=depot, note=note, shipped_by=by)
    picked: dict[tuple[int, int], list] = {}
    for line, qty, batch in requests:
        for b, q in ([(batch, qty)] if batch else _fefo(by, depot, line.sku, qty)):
            picked.setdefault((line.pk, b.pk), [line, b, 0])[2] += q
    for line, batch, qty in picked.values():
        move = stock.stock_transfer(by=by, from_warehouse=depot, to_warehouse=order.warehouse, sku=line.sku, batch=batch, quantity=qty,
                                    source_key=f"po:{order.pk}:ship:{shipment.number}:{line.pk}:{batch.pk}", note=f"{order.number}/S{shipment.number}")
        ShipmentLine.objects.create(shipment=shipment, order_line=line, batch=batch, quantity=qty, transfer=move)
        PurchaseOrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity") + qty)
    record_step(order, by=by, action=POAction.SHIPPED, to_status=progress_status(order), channel=channel,
            note=f"S{shipment.number} from {depot.code}")
    return shipment


# Goods receipt ------------------------------------------------------------------------------------

def _grn_quantities(shipment: Shipment, lines: Sequence[Mapping[str, Any]] | None) -> list[tuple[ShipmentLine, domain.GrnQuantities]]:
    shipped = {sl.pk: sl for sl in shipment.lines.select_related("transfer", "order_line__sku", "batch")}
    given: dict[int, tuple[int, Mapping]] = {}
    problems: dict[str, list[FieldProblem]] = {}
    for i, item in enumerate(lines or []):
        sl_id = item.get("shipment_line_id")
        if sl_id not in shipped:
            problems[f"lines[{i}].shipment_line_id"] = [FieldProblem("not_found", f"No line {sl_id} in this shipment.")]
        elif sl_id in given:
            problems[f"lines[{i}].shipment_line_id"] = [FieldProblem("duplicate", f"Line {sl_id} is given twice.")]
        else:
            given[sl_id] = (i, item)
    result = []
    for sl in shipped.values():
        i, item = given.get(sl.pk, (None, {"good": sl.quantity}))
        try:
            result.append((sl, domain.grn_line(shipped=sl.quantity, good=item.get("good", 0), damaged=item.get("damaged", 0),
                                               short=item.get("short"), excess=item.get("excess", 0))))
        except domain.GrnLineError as exc:
            problems[f"lines[{i}]"] = [FieldProblem(exc.code, str(exc))]
    if problems:
        codes = {p.code for ps in problems.values() for p in ps}
        if codes == {"more_than_shipped"}:
            raise DomainError("A line's good and damaged units exceed what was shipped.", code="more_than_shipped", status=422, fields=problems)
        raise ValidationFailed(problems)
    return result


def _post_grn_line(by, receipt: GoodsReceipt, sl: ShipmentLine, q: domain.GrnQuantities, order: PurchaseOrder) -> None:
    """Receive the transfer whole at the order's warehouse, then write off what did not arrive in
    good condition (damaged: reason damage; short: reason shrinkage) and receive any excess as a
    receipt; every move keyed by the shipment line, so a retry posts nothing twice."""
    stock.stock_transfer_receive(by=by, transfer=sl.transfer)
    common = {"by": by, "warehouse": order.warehouse, "sku": sl.order_line.sku, "batch": sl.batch,
              "source_type": "grn", "source_id": receipt.number, "source_line": sl.pk}
    for reason, qty, part in ((AdjustmentReason.DAMAGE, q.damaged, "damaged"), (AdjustmentReason.SHRINKAGE, q.short, "short")):
        if qty:
            stock.stock_adjust(reason=reason, quantity=-qty, source_key=f"grn:{sl.pk}:{part}", note=f"{receipt.number}: {part}", **common)
    if q.excess:
        stock.stock_receive(kind=MoveKind.RECEIPT, quantity=q.excess, source_key=f"grn:{sl.pk}:excess",
                            note=f"{receipt.number}: excess over shipment, to settle with the brand", **common)
    GoodsReceiptLine.objects.create(receipt=receipt, shipment_line=sl, shipped=q.shipped, good=q.good, damaged=q.damaged,
                                    short=q.short, excess=q.excess)


@transaction.atomic
def grn_post(
    *, by, shipment: Shipment, lines: Sequence[Mapping[str, Any]] | None = None, note: str = "", channel: str = EventChannel.API,
) -> GoodsReceipt:
    """Record the goods receipt of a shipment: per shipment line the good, damaged and short
    units (short = shipped - good - damaged) and any excess; lines not given arrived in full.
    Good + damaged above shipped is a 422 ``more_than_shipped`` and nothing is written. The good
    units end up in the order's warehouse; a shipment is received once (a retry returns the first
    receipt with ``replayed`` True and posts nothing). Locks the order, then the balance rows."""
    require_perm(by, RECEIVE_PERM)
    order = lock_order(by, shipment.order)
    existing = GoodsReceipt.objects.filter(shipment_id=shipment.pk).first()  # after the lock: a twin has committed
    if existing is not None:
        existing.replayed = True
        return existing
    quantities = _grn_quantities(shipment, lines)
    receipt = GoodsReceipt.objects.create(shipment=shipment, number=f"GRN-{order.distributor_id}-{order.number}-S{shipment.number}",
                                          has_discrepancy=any(q.is_discrepant for _, q in quantities), note=note, received_by=by)
    for sl, q in quantities:
        _post_grn_line(by, receipt, sl, q, order)
    Shipment.objects.filter(pk=shipment.pk).update(status=ShipmentStatus.RECEIVED, updated_at=timezone.now())
    # Stock arrived: secondary back-orders waiting at this warehouse may now be filled.
    from distra.orders.tasks import enqueue_backorder_fill

    enqueue_backorder_fill(order.warehouse_id, [sl.batch.sku_id for sl, q in quantities if q.good or q.excess])
    record_step(order, by=by, action=POAction.RECEIVED, to_status=progress_status(order), channel=channel,
            note=f"{receipt.number}{' (discrepancy)' if receipt.has_discrepancy else ''}")
    receipt.replayed = False
    return receipt
