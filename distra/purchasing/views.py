"""The primary order pages: list, entry, detail with its timeline and the actions each role may
take, and goods receipt entry. They read through the selectors and write through the same
services as the API (channel "web")."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distra.catalog import selectors as catalog
from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.partners import selectors as partners
from distra.purchasing import forms, selectors, services
from distra.purchasing.choices import SHIPPABLE, POStatus, ShipmentStatus
from distra.purchasing.models import PurchaseOrder, Shipment
from distra.web.pages import cleaned_filters, get_in_scope, sorted_page

WEB = "web"
ACTIONS = {"submit", "confirm", "cancel", "close", "ship"}
PO_SORTS = {"number": "number", "created_at": "created_at", "distributor": "distributor__code", "status": "status", "total": "total"}


def po_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, PurchaseOrder)
    filters = forms.POFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = selectors.po_list(user=request.user, status=values.get("status"), distributor_id=getattr(values.get("distributor"), "pk", None),
                           search=values.get("q", ""))
    listing = sorted_page(request, qs, PO_SORTS, "-created_at")
    return render(request, "purchasing/po_list.html", {"filters": filters, "listing": listing})


def _entry_context(request, *, lines=None, error: DomainError | None = None, warehouse_id=None) -> dict:
    warehouses = partners.warehouse_list(user=request.user).filter(distributor__isnull=False, is_active=True).order_by("code")
    skus = catalog.sku_list(user=request.user, is_active=True).order_by("code")
    rows = lines or [{"sku_id": "", "cases": "", "units": ""}]
    problems = {name: [p.message for p in ps] for name, ps in (error.fields.items() if error else [])}
    for i, row in enumerate(rows):
        row["errors"] = problems.pop(f"lines[{i}].sku_id", []) + problems.pop(f"lines[{i}].quantity", [])
    general = ([error.message] if error and not error.fields else []) + [m for ms in problems.values() for m in ms]
    return {"warehouses": warehouses, "skus": skus, "rows": rows, "errors": general, "warehouse_id": warehouse_id,
            "note": request.POST.get("note", "")}


def po_create(request: HttpRequest) -> HttpResponse:
    """Order entry for distributor users: SKUs with quantities in cases and units, a running
    total; saved as a draft, or saved and submitted."""
    require_perm(request.user, services.ORDER_PERM)
    if request.method != "POST":
        return render(request, "purchasing/po_form.html", _entry_context(request))
    lines = forms.order_lines_from_post(request.POST)
    warehouse = partners.warehouse_list(user=request.user).filter(pk=forms.whole_number(request.POST.get("warehouse", ""))).first()
    try:
        if warehouse is None:
            raise DomainError(_("Choose the warehouse to deliver to."), code="validation_error", status=422)
        order = services.po_create(by=request.user, warehouse=warehouse, lines=lines, note=request.POST.get("note", "")[:200],
                                   idempotency_key=request.POST.get("idempotency_key", "")[:100], channel=WEB)
        if request.POST.get("submit") == "submit" and order.status == POStatus.DRAFT:
            services.po_submit(by=request.user, order=order, channel=WEB)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        context = _entry_context(request, lines=lines, error=exc, warehouse_id=getattr(warehouse, "pk", None))
        return render(request, "purchasing/po_form.html", context, status=422)
    messages.success(request, _("Purchase order %(number)s is saved.") % {"number": order.number})
    return redirect("po-detail", pk=order.pk)


def po_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, PurchaseOrder)
    order = get_in_scope(selectors.po_detail(user=request.user), pk)
    user = request.user
    can_order, can_manage = user.has_perm(services.ORDER_PERM), user.has_perm(services.MANAGE_PERM)
    shipments = list(order.shipments.all())
    context = {
        "order": order, "lines": list(order.lines.all()), "events": list(order.events.all()), "shipments": shipments,
        "can_submit": can_order and order.status == POStatus.DRAFT,
        "can_confirm": can_manage and order.status == POStatus.SUBMITTED,
        "can_cancel": (can_order or can_manage) and order.status in (POStatus.DRAFT, POStatus.SUBMITTED, POStatus.CONFIRMED),
        "can_close": (can_order or can_manage) and order.status in (POStatus.RECEIVED, POStatus.PARTIALLY_RECEIVED)
        and not any(s.status == ShipmentStatus.IN_TRANSIT for s in shipments),
        "can_ship": user.has_perm(services.SHIP_PERM) and order.status in SHIPPABLE,
        "can_receive": user.has_perm(services.RECEIVE_PERM),
        "depots": selectors.depot_list(user=user).filter(is_active=True).order_by("code"),
    }
    return render(request, "purchasing/po_detail.html", context)


@require_POST
def po_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action button of the detail page; a refusal is shown there as a message."""
    if action not in ACTIONS:
        raise Http404
    order = get_in_scope(selectors.po_list(user=request.user), pk)
    note = request.POST.get("note", "")[:200]
    by = request.user
    try:
        if action == "submit":
            services.po_submit(by=by, order=order, channel=WEB)
        elif action == "confirm":
            cuts = forms.confirm_quantities_from_post(request.POST, order.lines.values_list("pk", flat=True))
            services.po_confirm(by=by, order=order, quantities=cuts, note=note, channel=WEB)
        elif action == "cancel":
            services.po_cancel(by=by, order=order, note=note, channel=WEB)
        elif action == "close":
            services.po_close(by=by, order=order, note=note, channel=WEB)
        elif action == "ship":
            depot = selectors.depot_list(user=by).filter(pk=forms.whole_number(request.POST.get("depot", ""))).first()
            if depot is None:
                raise DomainError(_("Choose the depot to ship from."), code="validation_error", status=422)
            shipment = services.po_ship(by=by, order=order, depot=depot, note=note, channel=WEB)
            messages.success(request, _("Shipment S%(number)s is on its way.") % {"number": shipment.number})
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        details = "; ".join(p.message for ps in exc.fields.values() for p in ps)
        messages.error(request, f"{exc.message} {details}".strip())
    return redirect("po-detail", pk=order.pk)


def grn_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Goods receipt entry for one shipment: per line the good, damaged and excess units (short
    is what remains of the shipped quantity)."""
    require_view(request.user, Shipment)
    shipment = get_in_scope(selectors.shipment_list(user=request.user), pk)
    require_perm(request.user, services.RECEIVE_PERM)
    lines = list(shipment.lines.all())
    if shipment.status != ShipmentStatus.IN_TRANSIT:
        messages.info(request, _("This shipment has been received."))
        return redirect("po-detail", pk=shipment.order_id)
    entered, error = {}, None
    if request.method == "POST":
        entered = forms.receipt_lines_from_post(request.POST, [sl.pk for sl in lines])
        try:
            receipt = services.grn_post(by=request.user, shipment=shipment, lines=entered, note=request.POST.get("note", "")[:200], channel=WEB)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = exc
        else:
            messages.success(request, _("Goods receipt %(number)s is posted.") % {"number": receipt.number})
            return redirect("po-detail", pk=shipment.order_id)
    given = {row["shipment_line_id"]: row for row in entered}
    for i, sl in enumerate(lines):
        sl.entered = given.get(sl.pk, {"good": sl.quantity, "damaged": 0, "excess": 0})
        sl.errors = [p.message for p in (error.fields.get(f"lines[{i}]", []) if error else [])]
    context = {"shipment": shipment, "order": shipment.order, "lines": lines, "error": error}
    return render(request, "purchasing/grn_form.html", context, status=422 if error else 200)
