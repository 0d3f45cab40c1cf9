"""Delivery pages: the dispatch board (invoiced orders to put on a vehicle, dispatched orders
waiting for proof of delivery) and the proof-of-delivery entry of one order. Plain HTML forms
that work without JavaScript; they call the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.orders import selectors, services
from distra.orders.choices import OrderChannel, OrderStatus, ShortfallReason
from distra.orders.models import Order

BOARD_LIMIT = 200


def _board_orders(user, status: str):
    return (selectors.order_list(user=user, status=status).select_related("outlet", "warehouse", "distributor")
            .order_by("invoiced_at" if status == OrderStatus.INVOICED else "dispatched_at", "id")[:BOARD_LIMIT])


def dispatch_board(request: HttpRequest) -> HttpResponse:
    """GET: invoiced orders ready to dispatch and dispatched orders waiting for proof of delivery.
    POST: dispatch the chosen orders on one vehicle with one driver (all or none)."""
    require_view(request.user, Order)
    context = {"vehicle": "", "driver": "", "chosen": set(), "errors": {}}
    status = 200
    if request.method == "POST":
        require_perm(request.user, "orders.dispatch_order")
        chosen = [int(v) for v in request.POST.getlist("orders") if v.isdigit() and len(v) <= 18]
        context.update(vehicle=request.POST.get("vehicle", ""), driver=request.POST.get("driver", ""), chosen=set(chosen))
        try:
            dispatched = services.orders_dispatch(by=request.user, order_ids=chosen, vehicle=context["vehicle"],
                                                  driver=context["driver"], channel=OrderChannel.WEB)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            context["errors"] = {name: [p.message for p in problems] for name, problems in exc.fields.items()}
            if not exc.fields:
                messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Dispatched %(numbers)s.") % {"numbers": ", ".join(o.number for o in dispatched)})
            return redirect("delivery-board")
    context.update(
        ready=_board_orders(request.user, OrderStatus.INVOICED),
        out=_board_orders(request.user, OrderStatus.DISPATCHED),
        may_dispatch=request.user.has_perm("orders.dispatch_order"),
        may_deliver=request.user.has_perm("orders.deliver_order"),
    )
    return render(request, "orders/delivery_board.html", context, status=status)


def _pod_rows(order: Order, posted=None, errors=None) -> list[dict]:
    """One row per line with allocated stock: the quantity on the vehicle, the delivered units
    (prefilled with all of them, or what was posted) and the reason."""
    rows = []
    for i, line in enumerate(order.lines.select_related("sku").filter(allocated__gt=0).order_by("line_no")):
        delivered = posted.get(f"delivered-{line.pk}", "") if posted is not None else str(line.allocated)
        reason = posted.get(f"reason-{line.pk}", "") if posted is not None else ""
        problems = []
        for field in ("line_id", "delivered", "reason"):
            problems += (errors or {}).get(f"lines[{i}].{field}", [])
        rows.append({"line": line, "delivered": delivered, "reason": reason, "errors": problems})
    return rows


def proof_of_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the proof-of-delivery form of a dispatched order. POST: record it (sale issue,
    release of the rest, credit note for what was not delivered)."""
    require_view(request.user, Order)
    order = selectors.order_get(user=request.user, order_id=pk)
    require_perm(request.user, "orders.deliver_order")
    context = {"order": order, "reasons": ShortfallReason.choices, "received_by": "", "errors": {}}
    status = 200
    if request.method == "POST":
        rows = _pod_rows(order, posted=request.POST)
        context["received_by"] = request.POST.get("received_by", "")
        try:
            lines = [services.DeliveredLine(line_id=row["line"].pk, delivered=_whole(row["delivered"]), reason=row["reason"])
                     for row in rows]
            services.order_deliver(by=request.user, order=order, lines=lines, received_by=context["received_by"],
                                   channel=OrderChannel.WEB)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            context["errors"] = {name: [p.message for p in problems] for name, problems in exc.fields.items()}
            if not exc.fields:
                messages.error(request, exc.message)
            status = exc.status
            context["rows"] = _pod_rows(order, posted=request.POST, errors=context["errors"])
        else:
            order.refresh_from_db()
            messages.success(request, _("Delivery of %(number)s is recorded: %(status)s.")
                             % {"number": order.number, "status": order.get_status_display()})
            return redirect("delivery-board")
    context.setdefault("rows", _pod_rows(order))
    context["open"] = order.status == OrderStatus.DISPATCHED
    return render(request, "orders/delivery_pod.html", context, status=status)


def _whole(text: str):
    """A posted whole number as int; anything else is passed on as is for the service to refuse."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else text
