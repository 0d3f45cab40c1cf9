"""Delivering orders: dispatch (vehicle and driver), proof of delivery, returns after delivery.

Each service runs in one transaction, re-checks permission and scope, and locks the order row
first (``lock_order``), so that two deliveries or returns of one order run one after the other;
stock rows are then locked by the inventory services, balance by balance in primary-key order.
A refused request (409 or 422) writes nothing.

Stock: proof of delivery issues each allocation's delivered units from its reservation
(``stock_issue_reserved``: a sale issue keyed ``issue:<reservation>``, so a retried post issues
nothing twice) and releases the rest; units damaged in transit are then moved to the
distributor's quarantine warehouse (``partners.services.quarantine_for``) by a transfer received
at once, keyed by order line and batch. Returns are received back into the batches delivered
(``stock_receive`` as return_saleable into the order's warehouse, or return_damaged into the
quarantine, keyed by return, line, batch and kind). Damaged stock is thus never sold again.
Money: what was invoiced and not delivered, and what comes back, is repaid by a credit note from
billing (``credit_note_issue`` of kind ``delivery_shortfall`` or ``return``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.core.permissions import require_perm
from distra.inventory.choices import MoveKind
from distra.inventory.models import StockBalance
from distra.inventory.services import (
    stock_issue_reserved,
    stock_positions_lock,
    stock_receive,
    stock_transfer,
    stock_transfer_receive,
)
from distra.orders.choices import (
    EventKind,
    OrderChannel,
    OrderStatus,
    ReturnCondition,
    ShortfallReason,
)
from distra.orders.models import Order, OrderAllocation, OrderLine, OrderReturn, OrderReturnLine
from distra.orders.services.budgeting import settle_budgets
from distra.orders.services.ordering import (
    TransitionNotAllowed,
    get_order,
    lock_order,
    move_to,
    record,
)
from distra.partners.models import Warehouse
from distra.partners.services import quarantine_for

MAX_VEHICLE, MAX_DRIVER, MAX_RECEIVED_BY, MAX_REASON = 50, 100, 100, 200
RETURNABLE_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED})


@dataclass(frozen=True)
class DeliveredLine:
    """Proof of delivery of one order line: the units the outlet took, and why any were not."""

    line_id: int
    delivered: int
    reason: str = ""


@dataclass(frozen=True)
class ReturnedLine:
    """Units of one order line an outlet gives back, and their state. ``batch_id`` names the
    batch they came from; without it, the line's batches are credited latest expiry first."""

    line_id: int
    quantity: int
    condition: str = ReturnCondition.SALEABLE
    batch_id: int | None = None


class _Problems:
    """Per-field problems collected over a request, raised together as one 422."""

    def __init__(self):
        self.fields: dict[str, list[FieldProblem]] = {}

    def add(self, name: str, code: str, message: str) -> None:
        self.fields.setdefault(name, []).append(FieldProblem(code, message))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(problems: _Problems, name: str, value: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.add(name, "required", f"Give the {name.replace('_', ' ')}.")
    elif len(value) > limit:
        problems.add(name, "too_long", f"At most {limit} characters.")
    return value


def _require_status(order: Order, *statuses: str, target: str) -> None:
    if order.status not in statuses:
        raise TransitionNotAllowed(order, target)


# Dispatch ------------------------------------------------------------------------------------------

@transaction.atomic
def order_dispatch(*, by, order: Order, vehicle: str, driver: str, channel: str = OrderChannel.WEB) -> Order:
    """Send an invoiced order out: INVOICED → DISPATCHED, with the vehicle and driver in
    ``dispatch_note`` and in the status event. Stock stays reserved until proof of delivery.
    Locks the order row."""
    require_perm(by, "orders.dispatch_order")
    order = lock_order(get_order(by, order.pk))
    if OrderStatus.DISPATCHED not in _allowed(order):
        raise TransitionNotAllowed(order, OrderStatus.DISPATCHED)
    problems = _Problems()
    vehicle = _text(problems, "vehicle", vehicle, MAX_VEHICLE)
    driver = _text(problems, "driver", driver, MAX_DRIVER)
    problems.raise_any()
    order.dispatch_note = f"{vehicle} / {driver}"
    order.save(update_fields=["dispatch_note"])
    move_to(order, OrderStatus.DISPATCHED, by=by, channel=channel, stamp="dispatched_at", vehicle=vehicle, driver=driver)
    return order


@transaction.atomic
def orders_dispatch(*, by, order_ids: list[int], vehicle: str, driver: str, channel: str = OrderChannel.WEB) -> list[Order]:
    """Dispatch several orders on one vehicle, all or none (the dispatch page). Locks the order
    rows in id order."""
    if not order_ids:
        raise ValidationFailed({"orders": [FieldProblem("required", "Choose at least one order to dispatch.")]})
    return [order_dispatch(by=by, order=get_order(by, pk), vehicle=vehicle, driver=driver, channel=channel)
            for pk in sorted(set(order_ids))]


def _allowed(order: Order):
    from distra.orders.choices import ORDER_TRANSITIONS

    return ORDER_TRANSITIONS[order.status]


# Proof of delivery ---------------------------------------------------------------------------------

def _check_delivered_lines(order: Order, entered: list[DeliveredLine]) -> dict[int, DeliveredLine]:
    """The entered lines by order line id, after checking each: a line of this order, once, a
    whole number 0 <= delivered <= allocated, a shortfall reason where delivered < allocated; and
    every allocated line present. All problems at once, per line (``lines[i].field``)."""
    lines = {line.pk: line for line in order.lines.all()}
    problems, chosen = _Problems(), {}
    if not entered:
        problems.add("lines", "required", "Give the delivered quantity of each line.")
    for i, item in enumerate(entered):
        line = lines.get(item.line_id)
        if line is None:
            problems.add(f"lines[{i}].line_id", "not_found", f"Order {order.number} has no line {item.line_id}.")
            continue
        if item.line_id in chosen:
            problems.add(f"lines[{i}].line_id", "duplicate_line", f"Line {line.line_no} is given twice.")
            continue
        chosen[item.line_id] = item
        if not _whole(item.delivered) or item.delivered < 0:
            problems.add(f"lines[{i}].delivered", "invalid_quantity", "Delivered is a whole number of units, zero or more.")
        elif item.delivered > line.allocated:
            problems.add(f"lines[{i}].delivered", "more_than_allocated",
                         f"Line {line.line_no} has {line.allocated} units on the vehicle; {item.delivered} cannot be delivered.")
        elif item.delivered < line.allocated and item.reason not in ShortfallReason.values:
            code = "required" if not item.reason else "invalid_choice"
            problems.add(f"lines[{i}].reason", code,
                         f"Say why {line.allocated - item.delivered} units of line {line.line_no} were not delivered.")
    missing = [line.line_no for pk, line in lines.items() if line.allocated and pk not in chosen]
    if entered and missing:
        problems.add("lines", "missing_lines", f"Give the delivered quantity of lines {', '.join(map(str, sorted(missing)))} too.")
    problems.raise_any()
    return chosen


def fefo_split(allocations: list[OrderAllocation], delivered: int) -> list[tuple[OrderAllocation, int]]:
    """Share ``delivered`` units over a line's allocations, earliest expiry first: each batch is
    delivered in full before the next is touched, so what comes back is the longest-lived stock."""
    shares = []
    for allocation in sorted(allocations, key=lambda a: (a.batch.expires_on, a.batch_id, a.pk)):
        take = min(allocation.quantity, delivered)
        shares.append((allocation, take))
        delivered -= take
    return shares


@transaction.atomic
def order_deliver(
    *, by, order: Order, lines: list[DeliveredLine], channel: str = OrderChannel.WEB, received_by: str = ""
) -> Order:
    """Record proof of delivery of a dispatched order: per line the units delivered (0 <=
    delivered <= allocated) and, for each shortfall, a reason. Per allocation, earliest expiry
    first, posts the sale issue of what was delivered and releases the rest of its reservation;
    sets ``delivered`` on lines and allocations (units refused at the door are the line's
    ``returned``); the order becomes DELIVERED when every allocated unit was delivered, else
    PARTIALLY_DELIVERED; what was invoiced and not delivered is credited (credit note of kind
    ``delivery_shortfall``). Units short for reason ``damaged`` are moved from the order's
    warehouse to the distributor's quarantine (never available again). A second proof of
    delivery is a 409 ``transition_not_allowed``. Locks the order row, then every balance row it
    touches (the quarantine's too) in primary-key order, then each reservation."""
    require_perm(by, "orders.deliver_order")
    order = lock_order(get_order(by, order.pk))
    _require_status(order, OrderStatus.DISPATCHED, target=OrderStatus.DELIVERED)
    problems = _Problems()
    received_by = _text(problems, "received_by", received_by, MAX_RECEIVED_BY, required=False)
    problems.raise_any()
    entered = _check_delivered_lines(order, lines)
    order_lines = list(order.lines.select_related("sku").order_by("line_no"))
    allocations = defaultdict(list)
    for allocation in OrderAllocation.objects.filter(line__order=order).select_related("batch", "reservation"):
        allocations[allocation.line_id].append(allocation)
    shares = []
    for line in order_lines:
        item = entered.get(line.pk, DeliveredLine(line.pk, 0))
        line.delivered = item.delivered
        short = line.allocated - item.delivered
        line.shortfall_reason = item.reason if short else ""
        line.returned = short if item.reason == ShortfallReason.REFUSED else 0
        shares += [(line, allocation, take) for allocation, take in fefo_split(allocations[line.pk], item.delivered)]
    damaged = [(line, allocation, allocation.quantity - take) for line, allocation, take in shares
               if line.shortfall_reason == ShortfallReason.DAMAGED and allocation.quantity > take]
    quarantine = quarantine_for(order.distributor) if damaged else None
    stock_positions_lock(positions=[(a.reservation.warehouse_id, a.reservation.sku_id, a.reservation.batch_id) for _, a, _ in shares]
                         + [(quarantine.pk, a.reservation.sku_id, a.reservation.batch_id) for _, a, _ in damaged])
    _issue(by=by, order=order, shares=shares)
    _quarantine(by=by, order=order, quarantine=quarantine, damaged=damaged)
    OrderLine.objects.bulk_update(order_lines, ["delivered", "shortfall_reason", "returned"])
    settle_budgets(order)
    short = {line.pk: line.allocated - line.delivered for line in order_lines if line.allocated > line.delivered}
    credit = _credit(by=by, order=order, quantities=short, reason="Not delivered", kind="delivery_shortfall") if short else None
    order.received_by = received_by
    order.save(update_fields=["received_by"])
    target = OrderStatus.PARTIALLY_DELIVERED if short else OrderStatus.DELIVERED
    move_to(order, target, by=by, channel=channel, stamp="delivered_at", received_by=received_by,
            credit_note=credit.pk if credit else None,
            lines={line.sku.code: [line.delivered, line.allocated, line.shortfall_reason] for line in order_lines})
    return order


def _issue(*, by, order: Order, shares: list[tuple[OrderLine, OrderAllocation, int]]) -> None:
    """Issue each allocation's share from its reservation, releasing the rest."""
    for line, allocation, take in in_lock_order(shares, lambda s: s[1].reservation):
        stock_issue_reserved(by=by, reservation=allocation.reservation, quantity=take, source_type="order",
                             source_id=str(order.pk), source_line=line.line_no)
        allocation.delivered = take
    OrderAllocation.objects.bulk_update([a for _, a, _ in shares], ["delivered"])


def _quarantine(*, by, order: Order, quarantine: Warehouse | None, damaged: list[tuple[OrderLine, OrderAllocation, int]]) -> None:
    """Move units damaged in transit (released back to the order's warehouse by ``_issue``) to the
    quarantine: a transfer out keyed ``order:<order>:<line no>:<batch>:damaged`` and its receipt
    at once, so the ledger shows where they went and a retry posts nothing twice."""
    for line, allocation, units in damaged:
        transfer = stock_transfer(by=by, from_warehouse=order.warehouse, to_warehouse=quarantine, sku=line.sku,
                                  batch=allocation.batch, quantity=units, note=f"{order.number}: damaged in transit",
                                  source_key=f"order:{order.pk}:{line.line_no}:{allocation.batch_id}:damaged")
        stock_transfer_receive(by=by, transfer=transfer)


def in_lock_order(items: list, position_of) -> list:
    """``items`` sorted by the primary key of the balance row each touches (``position_of(item)``
    has warehouse_id, sku_id and batch_id): the order every stock service locks balances in, so
    that posting them one after another never waits on another service in a cycle."""
    positions = {(p.warehouse_id, p.sku_id, p.batch_id) for p in map(position_of, items)}
    where = Q(pk__in=[])
    for w, s, b in positions:
        where |= Q(warehouse_id=w, sku_id=s, batch_id=b)
    rank = {(b.warehouse_id, b.sku_id, b.batch_id): b.pk for b in StockBalance.objects.filter(where).only("warehouse_id", "sku_id", "batch_id")}

    def key(item):
        p = position_of(item)
        return rank.get((p.warehouse_id, p.sku_id, p.batch_id), 0)

    return sorted(items, key=key)


def _credit(*, by, order: Order, quantities: dict[int, int], reason: str, kind: str):
    """A credit note on the order's invoice for ``quantities`` (order line id → units)."""
    from distra.billing.services import credit_note_issue, invoice_for_order

    invoice = invoice_for_order(order)
    if invoice is None:
        raise Conflict(f"Order {order.number} has no invoice to credit.", code="no_invoice")
    invoice_lines = {order_line_id: (pk, total) for order_line_id, pk, total in invoice.lines.values_list("order_line_id", "id", "total")}
    # A free line was invoiced at zero: its units come back (stock) with nothing to repay.
    owed = [(invoice_lines[line_id][0], quantity) for line_id, quantity in sorted(quantities.items()) if invoice_lines[line_id][1] > 0]
    if not owed:
        return None
    return credit_note_issue(by=by, invoice=invoice, reason=reason, kind=kind, lines=owed)


# Returns after delivery ----------------------------------------------------------------------------

def returned_so_far(order: Order) -> dict[tuple[int, int], int]:
    """Units already returned per (order line id, batch id)."""
    rows = OrderReturnLine.objects.filter(line__order=order).values("line_id", "batch_id").annotate(n=Sum("quantity"))
    return {(r["line_id"], r["batch_id"]): r["n"] for r in rows}


def _check_returned_lines(order: Order, entered: list[ReturnedLine]) -> list[OrderReturnLine]:
    """Split each entered line over the batches it was delivered from (the named batch, or the
    latest expiry first) within what each batch delivered less what came back before; problems
    per line (``lines[i].field``), all at once."""
    lines = {line.pk: line for line in order.lines.all()}
    delivered = defaultdict(list)
    for allocation in OrderAllocation.objects.filter(line__order=order, delivered__gt=0).select_related("batch"):
        delivered[allocation.line_id].append(allocation)
    left = {(a.line_id, a.batch_id): a.delivered for allocs in delivered.values() for a in allocs}
    for key, n in returned_so_far(order).items():
        left[key] = left.get(key, 0) - n
    problems, rows, seen = _Problems(), [], set()
    if not entered:
        problems.add("lines", "required", "Give at least one returned line.")
    for i, item in enumerate(entered):
        line = lines.get(item.line_id)
        if line is None:
            problems.add(f"lines[{i}].line_id", "not_found", f"Order {order.number} has no line {item.line_id}.")
            continue
        if item.condition not in ReturnCondition.values:
            problems.add(f"lines[{i}].condition", "invalid_choice", "The condition is saleable or damaged.")
            continue
        if (item.line_id, item.condition, item.batch_id) in seen:
            problems.add(f"lines[{i}].line_id", "duplicate_line", f"Line {line.line_no} is given twice.")
            continue
        seen.add((item.line_id, item.condition, item.batch_id))
        if not _whole(item.quantity) or item.quantity <= 0:
            problems.add(f"lines[{i}].quantity", "invalid_quantity", "A returned quantity is a whole number of units above zero.")
            continue
        batches = sorted(delivered[line.pk], key=lambda a: (a.batch.expires_on, a.batch_id), reverse=True)
        if item.batch_id is not None:
            batches = [a for a in batches if a.batch_id == item.batch_id]
            if not batches:
                problems.add(f"lines[{i}].batch_id", "batch_not_delivered", f"Line {line.line_no} delivered nothing from batch {item.batch_id}.")
                continue
        returnable = sum(max(left[(line.pk, a.batch_id)], 0) for a in batches)
        if item.quantity > returnable:
            problems.add(f"lines[{i}].quantity", "more_than_delivered",
                         f"Line {line.line_no}: {returnable} delivered units can still be returned; {item.quantity} asked.")
            continue
        need = item.quantity
        for allocation in batches:
            take = min(need, max(left[(line.pk, allocation.batch_id)], 0))
            if take:
                left[(line.pk, allocation.batch_id)] -= take
                rows.append(OrderReturnLine(line=line, batch=allocation.batch, quantity=take, condition=item.condition))
                need -= take
    problems.raise_any()
    return _merged(rows)


def _merged(rows: list[OrderReturnLine]) -> list[OrderReturnLine]:
    """One row per (line, batch, condition): entries naming a batch and entries without one may
    land on the same batch."""
    merged: dict[tuple, OrderReturnLine] = {}
    for row in rows:
        key = (row.line.pk, row.batch.pk, row.condition)
        if key in merged:
            merged[key].quantity += row.quantity
        else:
            merged[key] = row
    return list(merged.values())


@transaction.atomic
def order_return(
    *, by, order: Order, lines: list[ReturnedLine], reason: str, channel: str = OrderChannel.WEB, idempotency_key: str = "",
):
    """Take back delivered units from the outlet: per line at most what was delivered less what
    came back before (422 ``more_than_delivered``). Each (line, batch, condition) is received back
    as return_saleable into the order's warehouse (available again) or as return_damaged into the
    distributor's quarantine warehouse (never sold again), and the returned value is credited (credit note of kind ``return``). Returns the credit note, with
    ``credit_note.order_return`` set (free goods only, invoiced at zero: ``NothingCredited``, no
    credit note). With an ``idempotency_key``, a retry by the same user
    answers the first return's credit note and writes nothing. Locks the order row, then the
    balance of each batch returned into, in primary-key order."""
    require_perm(by, "orders.deliver_order")
    order = lock_order(get_order(by, order.pk))
    if idempotency_key:
        existing = OrderReturn.objects.filter(order=order, created_by=by, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replayed(existing)
    if order.status not in RETURNABLE_STATUSES:
        raise Conflict(f"Order {order.number} is {order.status}; only a delivered order takes returns.", code="order_not_delivered")
    problems = _Problems()
    reason = _text(problems, "reason", reason, MAX_REASON)
    if len(idempotency_key) > 100:
        problems.add("idempotency_key", "too_long", "An idempotency key has at most 100 characters.")
    problems.raise_any()
    rows = _check_returned_lines(order, lines)
    try:
        with transaction.atomic():
            ret = OrderReturn.objects.create(order=order, reason=reason, channel=channel, created_by=by, idempotency_key=idempotency_key)
    except IntegrityError:  # cannot happen under the order lock; kept for a lock-free database
        return _replayed(OrderReturn.objects.get(order=order, created_by=by, idempotency_key=idempotency_key))
    for row in rows:
        row.order_return = ret
    OrderReturnLine.objects.bulk_create(rows)
    _receive_returns(by=by, order=order, ret=ret, rows=rows)
    settle_budgets(order)
    quantities = defaultdict(int)
    for row in rows:
        quantities[row.line.pk] += row.quantity
    credit = _credit(by=by, order=order, quantities=quantities, reason=reason, kind="return")
    if credit is not None:
        ret.credit_note_id = credit.pk
        ret.save(update_fields=["credit_note_id"])
    record(order, by=by, channel=channel, kind=EventKind.RETURNED, order_return=ret.pk, reason=reason,
           credit_note=credit.pk if credit else None,
           lines=[[row.line.sku.code, row.batch.batch_number, row.quantity, row.condition] for row in rows])
    return _answer(ret, credit, replayed=False)


def _receive_returns(*, by, order: Order, ret: OrderReturn, rows: list[OrderReturnLine]) -> None:
    """Saleable units back into the order's warehouse, damaged ones into the quarantine."""
    kinds = {ReturnCondition.SALEABLE: MoveKind.RETURN_SALEABLE, ReturnCondition.DAMAGED: MoveKind.RETURN_DAMAGED}
    damaged = any(row.condition == ReturnCondition.DAMAGED for row in rows)
    warehouses = {ReturnCondition.SALEABLE: order.warehouse,
                  ReturnCondition.DAMAGED: quarantine_for(order.distributor) if damaged else None}
    stock_positions_lock(positions=[(warehouses[r.condition].pk, r.line.sku_id, r.batch_id) for r in rows])
    for row in rows:
        stock_receive(by=by, warehouse=warehouses[row.condition], sku=row.line.sku, batch=row.batch, quantity=row.quantity,
                      kind=kinds[row.condition], source_type="order_return", source_id=str(ret.pk), source_line=row.line.line_no)


@dataclass
class NothingCredited:
    """The answer of a return of free goods only (invoiced at zero): no credit note is issued."""

    order_return: OrderReturn
    replayed: bool = False
    pk = None
    total = Decimal("0.00")


def _answer(ret: OrderReturn, credit, *, replayed: bool):
    if credit is None:
        return NothingCredited(ret, replayed)
    credit.order_return, credit.replayed = ret, replayed
    return credit


def _replayed(ret: OrderReturn):
    from distra.billing.models import CreditNote

    credit = CreditNote.objects.get(pk=ret.credit_note_id) if ret.credit_note_id else None
    return _answer(ret, credit, replayed=True)
