"""Stock pages: alerts (list, counts per kind, acknowledge), physical count entry (variance
report, then post) and transfers in transit (receive). They call the same services and selectors
as the API; urls.py wraps each in ``signed_in`` (401 sign-in, 403, 404 pages)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distra.core.errors import DomainError
from distra.core.permissions import require_model_perm, require_view
from distra.inventory import selectors, services, services_alerts
from distra.inventory.access import require_stock_post, stock_post_warehouses
from distra.inventory.choices import AlertKind, AlertStatus
from distra.inventory.models import StockAlert, StockBalance, StockMove
from distra.partners.models import Warehouse
from distra.web.pages import get_in_scope, sorted_page


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts in scope (unresolved by default), filterable by status, kind and warehouse, with
    the number of alerts per kind."""
    require_view(request.user, StockAlert)
    status = request.GET.get("status", "unresolved")
    kind = request.GET.get("kind") if request.GET.get("kind") in AlertKind.values else None
    warehouse_id = _int(request.GET.get("warehouse"))
    qs = selectors.alert_list(user=request.user, kind=kind, warehouse_id=warehouse_id,
                              status=status if status in AlertStatus.values else None)
    if status == "unresolved":
        qs = qs.exclude(status=AlertStatus.RESOLVED)
    counts = selectors.alert_counts(qs.model.objects.filter(pk__in=qs.values("pk")) if kind else qs)
    listing = sorted_page(request, qs, {"raised_at": "raised_at"}, "-raised_at")
    context = {
        "listing": listing, "rows": listing.page.object_list, "status": status, "kind": kind, "warehouse_id": warehouse_id,
        "kinds": [(k.value, k.label, counts.get(k.value, 0)) for k in AlertKind], "statuses": AlertStatus.choices,
        "warehouses": Warehouse.objects.for_user(request.user).order_by("code"),
        "can_acknowledge": request.user.has_perm("inventory.change_stockalert"),
    }
    return render(request, "inventory/alert_list.html", context)


@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    require_model_perm(request.user, StockAlert, "change")
    alert = get_in_scope(StockAlert.objects.for_user(request.user), pk)
    try:
        services_alerts.stock_alert_acknowledge(by=request.user, alert=alert)
        messages.success(request, _("Alert acknowledged."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or "stock-alerts")


def _count_lines(request: HttpRequest, warehouse: Warehouse) -> list[StockBalance]:
    return list(StockBalance.objects.filter(warehouse=warehouse).select_related("sku", "batch").order_by("sku__code", "batch__expires_on"))


def stock_count(request: HttpRequest) -> HttpResponse:
    """Count a warehouse: choose it, enter counted units per batch (blank: not counted), see the
    variance report ("Check"), then post it ("Post"). Posting runs the count service, which
    re-checks everything; an error is shown on the page and nothing is posted."""
    require_view(request.user, StockBalance)
    if not request.user.has_perm(services.MOVE_PERM):
        raise PermissionDenied
    warehouses = stock_post_warehouses(request.user).order_by("code")
    warehouse_id = _int(request.POST.get("warehouse") or request.GET.get("warehouse"))
    warehouse = get_in_scope(warehouses, warehouse_id) if warehouse_id else None
    context = {"warehouses": warehouses, "warehouse": warehouse, "report": None, "errors": []}
    if warehouse is None:
        return render(request, "inventory/stock_count.html", context)
    lines = _count_lines(request, warehouse)
    counted, errors = {}, []
    for line in lines:
        raw = request.POST.get(f"count-{line.batch_id}", "").strip()
        line.entered = raw
        if raw == "":
            continue
        value = _int(raw) if raw != "0" else 0
        if value is None:
            errors.append(_("Batch %(batch)s: enter a whole number of units, zero or more.") % {"batch": line.batch.batch_number})
        else:
            counted[line.batch_id] = value
    context.update(lines=lines, errors=errors)
    if request.method != "POST" or errors:
        return render(request, "inventory/stock_count.html", context, status=422 if errors else 200)
    if not counted:
        context["errors"] = [_("Enter at least one counted quantity.")]
        return render(request, "inventory/stock_count.html", context, status=422)
    post = request.POST.get("action") == "post"
    try:
        if post:
            services.stock_count_post(by=request.user, warehouse=warehouse, counted=counted,
                                      source_key=(request.POST.get("count_key") or None))
        else:
            context["report"] = _report(services.stock_count_preview(by=request.user, warehouse=warehouse, counted=counted), lines)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        context["errors"] = [exc.message] + [p.message for problems in exc.fields.values() for p in problems]
        return render(request, "inventory/stock_count.html", context, status=exc.status)
    if post:
        messages.success(request, _("Count posted: %(n)s batches counted.") % {"n": len(counted)})
        return redirect(f"{request.path}?warehouse={warehouse.pk}")
    context["count_key"] = f"count-page:{uuid.uuid4().hex}"
    return render(request, "inventory/stock_count.html", context)


def _report(report, lines):
    batches = {line.batch_id: line for line in lines}
    return [{"line": batches[v.batch_id], "book": v.book, "counted": v.counted, "difference": v.difference} for v in report]


def transfer_list(request: HttpRequest) -> HttpResponse:
    """Transfers in transit to or from the warehouses in scope, with a receive button for those
    arriving at one of them."""
    require_view(request.user, StockMove)
    qs = selectors.transfer_list(user=request.user, in_transit=True)
    listing = sorted_page(request, qs, {"created_at": "created_at"}, "-created_at")
    mine = set(stock_post_warehouses(request.user).values_list("id", flat=True))
    rows = list(listing.page.object_list)
    for row in rows:
        row.receivable = row.counterpart_warehouse_id in mine and request.user.has_perm(services.MOVE_PERM)
        row.in_transit = -row.quantity
    return render(request, "inventory/transfer_list.html", {"listing": listing, "rows": rows})


@require_POST
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    require_model_perm(request.user, StockMove, "add")
    transfer = get_in_scope(selectors.transfer_list(user=request.user), pk)
    try:
        require_stock_post(request.user, transfer.counterpart_warehouse)
        services.stock_transfer_receive(by=request.user, transfer=transfer)
        messages.success(request, _("Transfer received."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    return redirect("stock-transfers")
