"""Following orders: edit lines, submit, approve, reject, cancel (creating is in ``creating``).

Every service runs in one transaction, re-checks the acting user's permission and scope, locks
the order row before changing it (``select_for_update``), changes status only along
``ORDER_TRANSITIONS`` and writes an OrderEvent for each change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import Conflict, DomainError, FieldProblem, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.inventory.services import InvalidQuantity, base_quantity
from distra.orders.choices import (
    EDITABLE_STATUSES,
    ORDER_TRANSITIONS,
    EventKind,
    OrderChannel,
    OrderStatus,
)
from distra.orders.domain import (
    ApprovalRules,
    LineAmounts,
    approval_reasons,
    order_totals,
)
from distra.orders.models import Order, OrderEvent, OrderLine, OrderPolicy
from distra.orders.services.pricing import (
    Entry,
    entries_of,
    line_differences,
    order_snapshot,
    price_existing,
    priced_lines,
    save_benefits,
)
from distra.pricing.services.budgets import scheme_budgets_release
from distra.pricing.services.quoting import price_order_lines

MAX_LINES = 200


@dataclass(frozen=True)
class LineIn:
    """An order line as entered: a SKU and a quantity in base units, or in cases and units."""

    sku: SKU
    quantity: int | None = None
    cases: int = 0
    units: int = 0
    discount_pct: Decimal = Decimal("0")


class TransitionNotAllowed(Conflict):
    def __init__(self, order: Order, target: str):
        super().__init__(f"Order {order.number} is {order.status}; it cannot become {target}.", code="transition_not_allowed")


# Helpers -------------------------------------------------------------------------------------------

def lock_order(order: Order) -> Order:
    """The order row, locked for this transaction, with its current status. ``FOR NO KEY UPDATE``
    (as PostgreSQL's own UPDATE of a row): it excludes every other service's lock of the order but
    not the key-share lock of a foreign-key check on it. A back-order's row is written twice when
    it is cancelled, so at commit PostgreSQL checks its key to the original order; with ``FOR
    UPDATE`` that check waited for a cancel of the original holding the order while it waited for
    the back-order's scheme budget slot: a deadlock (test_pricing_concurrency)."""
    return Order.objects.select_for_update(of=("self",), no_key=True).select_related("distributor", "warehouse", "outlet").get(pk=order.pk)


def record(order: Order, *, by, channel: str, kind: str = EventKind.STATUS, from_status: str = "", to_status: str = "",
           **detail) -> OrderEvent:
    """Write an event of ``order`` now, or, while the order is being built in memory (``order._events``
    is a list: see ``_building``), keep it for one bulk insert."""
    event = OrderEvent(order=order, kind=kind, from_status=from_status, to_status=to_status, user=by, channel=channel,
                       detail=detail, created_at=timezone.now())
    pending = getattr(order, "_events", None)
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


def move_to(order: Order, target: str, *, by, channel: str, stamp: str | None = None, **detail) -> None:
    """Change ``order``'s status to ``target`` if the table allows it, with its event. While the
    order is being built in memory the row is saved once at the end (``_building``)."""
    if target not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order, target)
    source, now = order.status, timezone.now()
    order.status = target
    fields = ["status", "updated_at"]
    if stamp:
        setattr(order, stamp, now)
        fields.append(stamp)
    if getattr(order, "_events", None) is None:
        order.save(update_fields=fields)
    record(order, by=by, channel=channel, from_status=source, to_status=target, **detail)


def policy_for(distributor_id: int, order: Order | None = None) -> OrderPolicy:
    """The distributor's order policy, or the defaults (settings DISTRA_ORDER_POLICY) unsaved;
    read once per order object within a service call."""
    cached = getattr(order, "_policy", None)
    if cached is not None:
        return cached
    policy = OrderPolicy.objects.filter(distributor_id=distributor_id).first()
    policy = policy or OrderPolicy(distributor_id=distributor_id, **getattr(settings, "DISTRA_ORDER_POLICY", {}))
    if order is not None:
        order._policy = policy
    return policy


def _request_hash(outlet_id: int, warehouse_id: int | None, lines: list[LineIn], submit: bool) -> str:
    body = [outlet_id, warehouse_id, submit,
            [(line.sku.pk, line.quantity, line.cases, line.units, str(line.discount_pct)) for line in lines]]
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()


def _discount(value) -> Decimal:
    try:
        pct = Decimal(str(value))
    except (InvalidOperation, ValueError):
        pct = Decimal(-1)
    if not pct.is_finite() or not Decimal(0) <= pct <= Decimal(100) or pct != pct.quantize(Decimal("0.01")):
        raise ValueError
    return pct.quantize(Decimal("0.01"))  # as the column stores it, so an answer from memory reads the same


def _check_lines(lines: list[LineIn]) -> list[Entry]:
    """The entered lines checked: known active SKUs, once each, whole quantities, discounts from 0
    to 100 %. Problems are reported per line (``lines[i].field``), all at once."""
    if not lines:
        raise ValidationFailed({"lines": [FieldProblem("required", "An order has at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationFailed({"lines": [FieldProblem("too_many_lines", f"An order has at most {MAX_LINES} lines.")]})
    problems: dict[str, list[FieldProblem]] = {}
    entries, seen = [], set()
    for i, line in enumerate(lines):
        sku = line.sku
        if not sku.is_active:
            problems.setdefault(f"lines[{i}].sku", []).append(FieldProblem("sku_inactive", f"{sku.code} is not sold any more."))
        if sku.pk in seen:
            problems.setdefault(f"lines[{i}].sku", []).append(FieldProblem("duplicate_sku", f"{sku.code} is on another line."))
        seen.add(sku.pk)
        try:
            quantity = base_quantity(sku=sku, quantity=line.quantity, cases=line.cases, units=line.units)
        except InvalidQuantity as exc:
            problems.setdefault(f"lines[{i}].quantity", []).append(FieldProblem("invalid_quantity", exc.message))
            continue
        if quantity > 10**9:
            problems.setdefault(f"lines[{i}].quantity", []).append(FieldProblem("invalid_quantity", "The quantity is too large."))
            continue
        try:
            pct = _discount(line.discount_pct)
        except ValueError:
            problems.setdefault(f"lines[{i}].discount_pct", []).append(
                FieldProblem("invalid_discount", "A discount is a percentage from 0 to 100 with at most 2 decimals."))
            continue
        entries.append(Entry(sku, quantity, pct))
    if problems:
        raise ValidationFailed(problems)
    return entries


def _build_lines(order: Order, lines: list[LineIn]) -> list[OrderLine]:
    """Order lines (unsaved) from the entered lines, priced by the pricing engine for the order's
    outlet today (``price_entries``)."""
    return price_entries(order, _check_lines(lines))


def price_entries(order: Order, entries: list[Entry], *, on: date | None = None, exclude: Iterable[int] = (),
                  excluded: list[dict] | None = None, pinned: list[OrderLine] | None = None) -> list[OrderLine]:
    """Price ``entries`` for ``order``'s outlet with the live price lists and schemes on ``on``
    (today), leaving out the schemes ``exclude``; sets ``order.pricing`` (and keeps the basket in
    ``order._priced`` for the benefit rows) and returns the unsaved lines, free lines included.
    An order already written is priced by ``price_existing`` (it is not its own history; with
    ``pinned``, its lines keep their price lists and prices)."""
    on = on or timezone.localdate()
    lines = [(e.sku, e.quantity) for e in entries]
    if order.pk is None:
        read_on, priced_as = getattr(order, "_priced_as", (None, None))  # the outlet as order_create read it
        priced = price_order_lines(outlet=order.outlet, warehouse=order.warehouse if order.warehouse_id else None,
                                   lines=lines, on=on, exclude_scheme_ids=exclude, outlet_read=priced_as if read_on == on else None)
    else:
        priced = price_existing(order, lines, on=on, exclude_scheme_ids=exclude, pinned=pinned)
    order._priced = priced
    order.pricing = order_snapshot(priced, on, excluded or [], budgeted=_budgeted())
    return priced_lines(order, entries, priced)


def _budgeted() -> frozenset[int] | None:
    """The live schemes with a budget, as the pricing cache read them for this very quote (None:
    not known, keep every scheme's use)."""
    from distra.pricing import live

    facts = live.cached_facts() if hasattr(live, "cached_facts") else None
    return facts.budgeted if facts is not None else None


def set_totals(order: Order, lines: list[OrderLine]) -> None:
    """The order's totals: the sums of its lines' rounded amounts (as the lines hold them)."""
    totals = order_totals(LineAmounts(gross=line.gross, discount=line.discount, net=line.net, tax=line.tax, total=line.total)
                          for line in lines)
    for name, value in totals.__dict__.items():
        setattr(order, name, value)


def _needs_approval(order: Order, lines: list[OrderLine]) -> list[str]:
    policy = policy_for(order.distributor_id, order)
    rules = ApprovalRules(value_above=policy.approval_value_above, discount_above=policy.approval_discount_above)
    return approval_reasons(rules=rules, total=order.total, discount_pcts=[line.discount_pct for line in lines])


# Services ------------------------------------------------------------------------------------------

def _replay(by, key: str, fingerprint: str) -> Order | None:
    existing = Order.objects.filter(created_by=by, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_hash != fingerprint:
        raise DomainError(message="This idempotency key was used for another request.", code="idempotency_key_reused", status=422,
                          fields={"idempotency_key": [FieldProblem("idempotency_key_reused", "Use a new key for a new order.")]})
    existing.replayed = True
    return existing


@transaction.atomic
def order_lines_replace(*, by, order: Order, lines: list[LineIn], channel: str = OrderChannel.WEB) -> Order:
    """Replace the lines of an order that is not yet allocated. An edit of a submitted or
    approved order checks the approval rules again (an approved order that now needs approval
    goes back to pending approval). Locks the order row."""
    require_perm(by, "orders.change_order")
    order = lock_order(get_order(by, order.pk))
    if order.status not in EDITABLE_STATUSES:
        raise Conflict(f"Order {order.number} is {order.status}; lines can be edited until it is allocated.", code="order_not_editable")
    old_lines = list(order.lines.select_related("sku").order_by("line_no"))
    built = _build_lines(order, lines)
    _replace_lines(order, built)
    record(order, by=by, channel=channel, kind=EventKind.LINES_EDITED,
           before=[(line.sku.code, line.quantity) for line in old_lines], after=[(line.sku.code, line.quantity) for line in built],
           pricing=line_differences(old_lines, built), total=[str(sum(ln.total for ln in old_lines)), str(order.total)])
    if order.status == OrderStatus.APPROVED and not order.awaiting_stock:
        reasons = _needs_approval(order, built)
        if reasons:
            move_to(order, OrderStatus.PENDING_APPROVAL, by=by, channel=channel, reasons=reasons)
    return order


def _replace_lines(order: Order, built: list[OrderLine]) -> None:
    """Put ``built`` (priced, unsaved) in place of the order's lines, with their scheme benefits
    (the old ones go with the old lines), and the order's totals and pricing."""
    order.lines.all().delete()
    OrderLine.objects.bulk_create(built)
    save_benefits(order, built)
    set_totals(order, built)
    order.save(update_fields=["gross", "discount", "net", "tax", "total", "pricing", "updated_at"])


@transaction.atomic
def order_reprice(*, by, order: Order, channel: str = OrderChannel.WEB) -> Order:
    """Price an order that is not yet allocated again at today's price lists and schemes (an
    order otherwise keeps the prices it was placed at); the event shows each line's difference.
    Rechecks the approval rules as an edit does. Locks the order row."""
    require_perm(by, "orders.change_order")
    order = lock_order(get_order(by, order.pk))
    if order.status not in EDITABLE_STATUSES:
        raise Conflict(f"Order {order.number} is {order.status}; it can be priced again until it is allocated.", code="order_not_editable")
    old_lines = list(order.lines.select_related("sku").order_by("line_no"))
    built = price_entries(order, entries_of(old_lines))
    _replace_lines(order, built)
    record(order, by=by, channel=channel, kind=EventKind.REPRICED, pricing=line_differences(old_lines, built),
           total=[str(sum(ln.total for ln in old_lines)), str(order.total)])
    if order.status == OrderStatus.APPROVED and not order.awaiting_stock:
        reasons = _needs_approval(order, built)
        if reasons:
            move_to(order, OrderStatus.PENDING_APPROVAL, by=by, channel=channel, reasons=reasons)
    return order


def reprice_preview(order: Order, lines: list[OrderLine]) -> list[dict]:
    """What pricing ``order`` again today would change (nothing is written; the order keeps its
    prices): for the approval event and the order page."""
    from copy import copy

    probe = copy(order)
    return line_differences(lines, price_entries(probe, entries_of(lines)))


@transaction.atomic
def order_submit(*, by, order: Order, channel: str = OrderChannel.WEB) -> Order:
    """Submit a draft. If an approval rule asks (order value or a line discount above the
    distributor's thresholds) it waits in pending approval; otherwise it is approved at once and,
    under a policy with ``auto_allocate``, allocated. Locks the order row."""
    require_perm(by, "orders.add_order")
    order = lock_order(get_order(by, order.pk))
    return _submit(by=by, order=order, lines=list(order.lines.select_related("sku").order_by("line_no")), channel=channel)


def _submit(*, by, order: Order, lines: list[OrderLine], channel: str) -> Order:
    """Submit the locked (or not yet visible) ``order`` with its ``lines``."""
    move_to(order, OrderStatus.SUBMITTED, by=by, channel=channel, stamp="submitted_at")
    reasons = _needs_approval(order, lines)
    if reasons:
        move_to(order, OrderStatus.PENDING_APPROVAL, by=by, channel=channel, reasons=reasons)
        return order
    move_to(order, OrderStatus.APPROVED, by=None, channel=OrderChannel.SYSTEM, stamp="approved_at", reason="no approval rule applies")
    _after_approval(by=by, order=order, lines=lines, channel=channel)
    return order


def _after_approval(*, by, order: Order, channel: str, lines: list[OrderLine] | None = None) -> None:
    if policy_for(order.distributor_id, order).auto_allocate:
        from distra.orders.services.allocation import allocate_locked

        allocate_locked(by=by, order=order, lines=lines, channel=channel)


@transaction.atomic
def order_approve(*, by, order: Order, channel: str = OrderChannel.WEB, note: str = "") -> Order:
    """Approve an order waiting for approval (and allocate it under ``auto_allocate``). Locks the
    order row."""
    require_perm(by, "orders.approve_order")
    order = lock_order(get_order(by, order.pk))
    lines = list(order.lines.select_related("sku").order_by("line_no"))
    move_to(order, OrderStatus.APPROVED, by=by, channel=channel, stamp="approved_at", note=note,
            pricing_now=reprice_preview(order, lines))
    _after_approval(by=by, order=order, channel=channel, lines=lines)
    return order


@transaction.atomic
def order_reject(*, by, order: Order, reason: str, channel: str = OrderChannel.WEB) -> Order:
    """Reject an order waiting for approval, with a reason. Locks the order row."""
    require_perm(by, "orders.approve_order")
    if not reason.strip():
        raise ValidationFailed({"reason": [FieldProblem("required", "Say why the order is rejected.")]})
    order = lock_order(get_order(by, order.pk))
    order.cancel_reason = reason[:200]
    order.save(update_fields=["cancel_reason"])
    move_to(order, OrderStatus.REJECTED, by=by, channel=channel, stamp="cancelled_at", reason=reason[:200])
    return order


@transaction.atomic
def order_cancel(*, by, order: Order, reason: str, channel: str = OrderChannel.WEB) -> Order:
    """Cancel an order. Before invoicing, its reservations are released; after invoicing and
    before dispatch, the invoice is cancelled by a credit note (invoice numbers stay gap-free).
    Locks the order row, then the balances of its reservations."""
    require_perm(by, "orders.cancel_order")
    if not reason.strip():
        raise ValidationFailed({"reason": [FieldProblem("required", "Say why the order is cancelled.")]})
    order = lock_order(get_order(by, order.pk))
    if OrderStatus.CANCELLED not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(order, OrderStatus.CANCELLED)
    if order.status == OrderStatus.INVOICED:
        from distra.billing.services import invoice_cancel_for_order

        invoice_cancel_for_order(by=by, order=order, reason=reason)
    from distra.orders.services.allocation import release_allocations

    release_allocations(by=by, order=order)
    scheme_budgets_release(order_id=order.pk)
    order.cancel_reason, order.awaiting_stock = reason[:200], False
    order.save(update_fields=["cancel_reason", "awaiting_stock"])
    move_to(order, OrderStatus.CANCELLED, by=by, channel=channel, stamp="cancelled_at", reason=reason[:200])
    return order


def get_order(by, order_id: int) -> Order:
    """The order ``order_id`` if ``by`` may see it (404 otherwise)."""
    order = Order.objects.for_user(by).filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No order with id {order_id}.")
    return order
