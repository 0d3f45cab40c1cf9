"""Order pages: the order list (filters, sort, CSV), the order detail with its lines, batches,
shortfall and timeline, and the actions on an order (submit, approve, reject, cancel, allocate).
Order entry and line editing are in views_entry; dispatch and proof of delivery in views_delivery.

Every page reads orders through ``Order.objects.for_user`` (another scope's order is a 404) and
writes through distra.orders.services, which re-check the permission (a role that may not act gets
a 403) inside their transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from distra.core.errors import DomainError
from distra.core.money import split_cases
from distra.core.permissions import require_view
from distra.integrations.tabular import CSV_CONTENT_TYPE, csv_lines
from distra.orders import selectors, services
from distra.orders.choices import EDITABLE_STATUSES, ORDER_TRANSITIONS, OrderStatus
from distra.orders.forms import OrderFilterForm, ReasonForm
from distra.orders.models import Order, OrderAllocation, OrderEvent
from distra.web.pages import cleaned_filters, get_in_scope, sorted_page

ORDER_SORTS = {
    "number": "id", "date": "created_at", "outlet": "outlet__code", "distributor": "distributor__code",
    "status": "status", "total": "total",
}
DEFAULT_SORT = "-date"


def orders_in_scope(user) -> QuerySet[Order]:
    return Order.objects.for_user(user).select_related("outlet", "distributor", "warehouse")


# List and CSV ---------------------------------------------------------------------------------------

def _order_rows(request: HttpRequest) -> tuple[OrderFilterForm, QuerySet[Order]]:
    """The filter form and the orders in the user's scope that it selects (list and CSV alike)."""
    require_view(request.user, Order)
    filters = OrderFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    waiting = values.get("waiting")
    qs = selectors.order_list(
        user=request.user,
        status=values.get("status"),
        distributor_id=getattr(values.get("distributor"), "pk", None),
        created_from=values.get("date_from"),
        created_to=values.get("date_to"),
        awaiting_stock=None if waiting is None else waiting == "yes",
        search=values.get("q"),
    )
    if values.get("outlet"):
        text = values["outlet"].strip()
        qs = qs.filter(Q(outlet__code__iexact=text) | Q(outlet__name__icontains=text))
    return filters, qs


def order_list(request: HttpRequest) -> HttpResponse:
    filters, qs = _order_rows(request)
    listing = sorted_page(request, qs, ORDER_SORTS, DEFAULT_SORT)
    context = {"filters": filters, "listing": listing, "can_add": request.user.has_perm("orders.add_order")}
    return render(request, "orders/order_list.html", context)


def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered order list, in the same order, as a streamed CSV."""
    _filters, qs = _order_rows(request)
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in ORDER_SORTS:
        sort = DEFAULT_SORT
    field = ORDER_SORTS[sort.lstrip("-")]
    qs = qs.order_by(f"-{field}", "-pk") if sort.startswith("-") else qs.order_by(field, "pk")
    header = ["number", "created_at", "outlet", "outlet_name", "distributor", "warehouse", "status", "awaiting_stock",
              "gross", "discount", "net", "tax", "total"]
    rows = (
        [o.number, o.created_at.isoformat(), o.outlet.code, o.outlet.name, o.distributor.code, o.warehouse.code, o.status,
         "yes" if o.awaiting_stock else "no", o.gross, o.discount, o.net, o.tax, o.total]
        for o in qs.iterator(chunk_size=500)
    )
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="orders.csv"'
    return response


# Detail ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Actions:
    """What the user may do to the order now: its status allows it and the role may."""

    submit: bool
    approve: bool
    reject: bool
    cancel: bool
    allocate: bool
    invoice: bool
    edit: bool

    @classmethod
    def for_order(cls, user, order: Order) -> Actions:
        targets = ORDER_TRANSITIONS[order.status]
        may = user.has_perm
        return cls(
            submit=order.status == OrderStatus.DRAFT and may("orders.add_order"),
            approve=order.status == OrderStatus.PENDING_APPROVAL and may("orders.approve_order"),
            reject=OrderStatus.REJECTED in targets and may("orders.approve_order"),
            cancel=OrderStatus.CANCELLED in targets and may("orders.cancel_order"),
            allocate=order.status == OrderStatus.APPROVED and may("orders.add_order"),
            invoice=order.status == OrderStatus.ALLOCATED and may("orders.invoice_order"),
            edit=order.status in EDITABLE_STATUSES and may("orders.change_order"),
        )

    @property
    def any(self) -> bool:
        return any(self.__dict__.values())


def _url_if_exists(name: str, *args) -> str | None:
    """The address of a page another module provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _invoice_url(user, order: Order) -> str | None:
    if order.invoiced_at is None or not user.has_perm("billing.view_invoice"):
        return None
    try:
        from distra.billing.services import invoice_for_order
    except ImportError:
        return None
    invoice = invoice_for_order(order)
    return _url_if_exists("invoice-detail", invoice.pk) if invoice is not None else None


def _delivery_links(user, order: Order) -> dict[str, str | None]:
    links = {"dispatch": None, "deliver": None}
    if order.status == OrderStatus.INVOICED and user.has_perm("orders.dispatch_order"):
        links["dispatch"] = _url_if_exists("delivery-board")
    if order.status == OrderStatus.DISPATCHED and user.has_perm("orders.deliver_order"):
        links["deliver"] = _url_if_exists("delivery-pod", order.pk)
    return links


def _lines(order: Order) -> list:
    allocations = Prefetch("allocations", queryset=OrderAllocation.objects.select_related("batch").order_by("batch__expires_on", "id"))
    lines = list(order.lines.select_related("sku").prefetch_related(allocations).order_by("line_no"))
    for line in lines:
        line.cases, line.units = split_cases(quantity=line.quantity, units_per_case=line.sku.units_per_case)
        line.shortfall = line.backordered + line.cancelled
        pricing = line.pricing or {}
        line.schemes = [a for a in pricing.get("applied", []) if not (a.get("free_quantity") and line.free_of_id is None)]
        line.free_given = [a for a in pricing.get("applied", []) if a.get("free_quantity") and line.free_of_id is None]
        line.free_scheme = pricing.get("free_of")
        line.price_reason = pricing.get("price_reason", "")
        line.manual_discount = Decimal(pricing.get("manual_discount") or 0)
        line.left_out = pricing.get("left_out", [])
    return lines


def _event_rows(order: Order, lines: list) -> list[OrderEvent]:
    """The timeline, each event with its details as readable (label, text) pairs."""
    from distra.inventory.models import Batch

    events = list(order.events.select_related("user").order_by("id"))
    batch_ids = {pair[0] for e in events for pairs in (e.detail.get("batches") or {}).values() for pair in pairs}
    batch_numbers = dict(Batch.objects.filter(pk__in=batch_ids).values_list("pk", "batch_number")) if batch_ids else {}
    for event in events:
        event.details = [_detail(key, value, batch_numbers) for key, value in event.detail.items() if value not in (None, "", [], {})]
    return events


DETAIL_LABELS = {
    "reason": gettext_lazy("Reason"), "reasons": gettext_lazy("Why approval"), "note": gettext_lazy("Note"),
    "batches": gettext_lazy("Batches"), "missing": gettext_lazy("Short"), "policy": gettext_lazy("Policy"),
    "backorder": gettext_lazy("Back-order"), "backorder_of": gettext_lazy("Back-order of"),
    "before": gettext_lazy("Before"), "after": gettext_lazy("After"),
    "pricing": gettext_lazy("Price changes"), "pricing_now": gettext_lazy("Priced today it would change"),
    "schemes": gettext_lazy("Schemes left out"), "total": gettext_lazy("Order total"),
}


def _detail(key: str, value, batch_numbers: dict[int, str]) -> tuple[str, str]:
    label = str(DETAIL_LABELS.get(key, key))
    if key == "batches":
        text = "; ".join(f"{sku}: " + ", ".join(f"{batch_numbers.get(b, b)} × {q}" for b, q in pairs) for sku, pairs in value.items())
    elif key == "missing":
        text = ", ".join(f"{sku} × {q}" for sku, q in value.items())
    elif key in ("backorder", "backorder_of"):
        text = Order(pk=value).number
    elif key in ("before", "after"):
        text = ", ".join(f"{sku} × {q}" for sku, q in value)
    elif key in ("pricing", "pricing_now"):
        text = "; ".join(f"{d['sku']}: {d['was_unit_price']} → {d['now_unit_price']} " + _("a unit") + f", {d['was_total']} → {d['now_total']}"
                         for d in value)
    elif key == "total":
        text = " → ".join(value)
    elif isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    else:
        text = str(value)
    return label, text


def _reason_actions(actions: Actions, forms: dict) -> list[dict]:
    """The actions that take a reason (reject, cancel), each with its form (as posted, if it was)."""
    offered = [
        ("reject", actions.reject, _("Reject…"), _("Reject order"), "btn-outline-danger"),
        ("cancel", actions.cancel, _("Cancel the order…"), _("Cancel order"), "btn-danger"),
    ]
    return [{"name": name, "form": forms.get(name) or ReasonForm(prefix=name), "summary": summary, "button": button,
             "button_class": css} for name, allowed, summary, button, css in offered if allowed]


def _detail_page(request: HttpRequest, order: Order, *, status: int = 200, error: str = "", forms=None) -> HttpResponse:
    user = request.user
    lines = _lines(order)
    actions = Actions.for_order(user, order)
    context = {
        "order": order, "lines": lines, "events": _event_rows(order, lines), "actions": actions,
        "not_applied": (order.pricing or {}).get("not_applied", []),
        "backorders": list(order.backorders.order_by("id")), "invoice_url": _invoice_url(user, order),
        "delivery": _delivery_links(user, order), "error": error, "reason_actions": _reason_actions(actions, forms or {}),
    }
    return render(request, "orders/order_detail.html", context, status=status)


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Order)
    order = get_in_scope(orders_in_scope(request.user).select_related("created_by", "backorder_of"), pk)
    return _detail_page(request, order)


# Actions --------------------------------------------------------------------------------------------

def _done_message(order: Order, action: str) -> str:
    number = order.number
    if action == "allocate" and order.status == OrderStatus.APPROVED:
        return _("Nothing of order %(number)s can be allocated yet; it waits for stock.") % {"number": number}
    texts = {
        OrderStatus.PENDING_APPROVAL: _("Order %(number)s is submitted and waits for approval."),
        OrderStatus.APPROVED: _("Order %(number)s is approved."),
        OrderStatus.ALLOCATED: _("Order %(number)s is allocated."),
        OrderStatus.INVOICED: _("Order %(number)s is invoiced."),
        OrderStatus.REJECTED: _("Order %(number)s is rejected."),
        OrderStatus.CANCELLED: _("Order %(number)s is cancelled."),
    }
    return texts.get(order.status, _("Order %(number)s is saved.")) % {"number": number}


def _invoice(*, by, order: Order) -> Order:
    from distra.orders.services.invoicing import order_invoice

    order_invoice(by=by, order=order)
    return Order.objects.get(pk=order.pk)


SIMPLE_ACTIONS = {
    "submit": services.order_submit, "approve": services.order_approve, "allocate": services.order_allocate, "invoice": _invoice,
}
REASON_ACTIONS = {"reject": services.order_reject, "cancel": services.order_cancel}


@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, approve, allocate, invoice, reject (with a reason) or cancel (with a reason) an order. A
    problem (a transition the table forbids, no stock under the cancel policy, a missing reason) is
    shown on the order's page with its status code; nothing is written then."""
    if action not in SIMPLE_ACTIONS and action not in REASON_ACTIONS:
        raise Http404
    require_view(request.user, Order)
    order = get_in_scope(orders_in_scope(request.user), pk)
    forms = {}
    try:
        if action in SIMPLE_ACTIONS:
            order = SIMPLE_ACTIONS[action](by=request.user, order=order)
        else:
            form = forms[action] = ReasonForm(request.POST, prefix=action)
            if not form.is_valid():
                return _detail_page(request, order, status=422, forms=forms)
            order = REASON_ACTIONS[action](by=request.user, order=order, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        order = get_in_scope(orders_in_scope(request.user), pk)
        return _detail_page(request, order, status=exc.status, error=exc.message, forms=forms)
    messages.success(request, _done_message(order, action))
    return redirect("order-detail", pk=order.pk)
