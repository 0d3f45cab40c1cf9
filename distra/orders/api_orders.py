"""Taking and following orders over HTTP: create (idempotent), list, detail with timeline, edit
lines, submit, approve, re-price, reject, cancel, allocate; and the order metrics.

Every write runs its service through ``retry_on_conflict``: a PostgreSQL deadlock or
serialisation failure is retried (the service is one transaction) and never reaches the client
as a 500. The order is looked up in the caller's scope first (404), then the service checks the
role (403) and everything else, inside its transaction.
"""

from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from distra.catalog.models import SKU
from distra.core.api import ERROR_RESPONSES, Id, Pagination, apply_sort, fast_answer
from distra.core.db import retry_on_conflict
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.core.sql import load
from distra.orders import selectors, services
from distra.orders.choices import OrderChannel
from distra.orders.models import Order
from distra.orders.schemas import (
    OrderApproveIn,
    OrderFilter,
    OrderIn,
    OrderLineIn,
    OrderLinesIn,
    OrderMetricsFilter,
    OrderMetricsOut,
    OrderOut,
    OrderReasonIn,
    OrderSummaryOut,
)

router = Router(tags=["orders"])

SORTS = {"created_at", "total", "submitted_at", "status"}
ONE = {200: OrderOut, **ERROR_RESPONSES}


def channel_of(request) -> str:
    """Where a call comes from: the mobile app says so in ``X-Distra-Channel``; other bearer-token
    calls are the API; a signed-in page session is the web."""
    if request.headers.get("X-Distra-Channel", "").strip().lower() == OrderChannel.MOBILE:
        return OrderChannel.MOBILE
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return OrderChannel.API
    return OrderChannel.WEB


def line_inputs(user, lines: list[OrderLineIn]) -> list[services.LineIn]:
    """Service line inputs, with each ``sku_id`` looked up (an unknown one is a 422 on
    ``lines[i].sku_id``)."""
    skus = load(SKU, [line.sku_id for line in lines], user=user)
    problems = {f"lines[{i}].sku_id": [FieldProblem("not_found", f"No SKU with id {line.sku_id}.")]
                for i, line in enumerate(lines) if line.sku_id not in skus}
    if problems:
        raise ValidationFailed(problems)
    return [services.LineIn(sku=skus[line.sku_id], quantity=line.quantity, cases=line.cases, units=line.units,
                            discount_pct=line.discount_pct) for line in lines]


def idempotency_key_of(header: str | None, client_order_id: str | None) -> str:
    if header is not None and client_order_id is not None and header != client_order_id:
        raise ValidationFailed({"client_order_id": [FieldProblem(
            "idempotency_key_mismatch", "client_order_id and the Idempotency-Key header name different orders.")]})
    return header if header is not None else (client_order_id or "")


def answer(request, order: Order) -> Order:
    """The order as OrderOut shows it: as the service left it when it holds every detail in
    memory (a new order), else read again."""
    if getattr(order, "details_in_memory", False):
        return order
    return selectors.order_get(user=request.auth, order_id=order.pk)


@router.get("", response={200: list[OrderSummaryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def order_list(request, filters: Query[OrderFilter]):
    """Orders in your scope, filtered and sorted (``-created_at`` by default)."""
    require_view(request.auth, Order)
    data = filters.dict()
    sort = data.pop("sort")
    return apply_sort(selectors.order_list(user=request.auth, **data), sort, SORTS, "-created_at")


@router.post("", response={200: OrderOut, 201: OrderOut, **ERROR_RESPONSES})
def order_create(request, payload: OrderIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=100)):
    """Create an order (a draft, or submitted with ``submit``). With an ``Idempotency-Key`` header
    (or ``client_order_id``), a retry answers 200 with the first order and writes nothing; the
    first answer is 201. The same key with another body is a 422 ``idempotency_key_reused``.
    Under the cancel policy, an order of which nothing can be allocated is a 409
    ``insufficient_stock`` and nothing is written."""
    require_model_perm(request.auth, Order, "add")
    data = payload.dict()
    key = idempotency_key_of(idempotency_key, data.pop("client_order_id"))
    lines = line_inputs(request.auth, payload.lines)
    order = retry_on_conflict(lambda: services.order_create(
        by=request.auth, outlet=payload.outlet_id, warehouse=payload.warehouse_id, lines=lines, channel=channel_of(request),
        idempotency_key=key, submit=data["submit"], note=data["note"], requested_on=data["requested_on"]))
    if getattr(order, "details_in_memory", False):
        return fast_answer(OrderOut, order, status=201)  # test_api_answer: the same as ninja's rendering
    return Status(200 if order.replayed else 201, answer(request, order))


@router.get("/metrics", response={200: OrderMetricsOut, **ERROR_RESPONSES})
def order_metrics(request, filters: Query[OrderMetricsFilter]):
    """Fill rate (lines and orders delivered in full) and order-to-fulfilment cycle time
    (submitted → delivered, hours) of the orders delivered in the date range, overall and per
    distributor, in your scope."""
    require_view(request.auth, Order)
    if filters.from_ and filters.to and filters.from_ > filters.to:
        raise ValidationFailed({"to": [FieldProblem("invalid_range", "'to' is before 'from'.")]})
    return selectors.order_metrics(user=request.auth, distributor_id=filters.distributor_id, date_from=filters.from_,
                                   date_to=filters.to)


@router.get("/{int:order_id}", response=ONE)
def order_get(request, order_id: Id):
    """The order with its lines, allocations (batch, expiry, quantity), shortfall and timeline."""
    require_view(request.auth, Order)
    return selectors.order_get(user=request.auth, order_id=order_id)


@router.put("/{int:order_id}/lines", response=ONE)
def order_lines_replace(request, order_id: Id, payload: OrderLinesIn):
    """Replace the lines of an order that is not yet allocated (409 ``order_not_editable`` after)."""
    order = services.get_order(request.auth, order_id)
    require_model_perm(request.auth, Order, "change")
    lines = line_inputs(request.auth, payload.lines)
    retry_on_conflict(lambda: services.order_lines_replace(by=request.auth, order=order, lines=lines, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/submit", response=ONE)
def order_submit(request, order_id: Id):
    """Submit a draft: it waits for approval if a rule asks, else it is approved and (per policy)
    allocated."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_submit(by=request.auth, order=order, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/approve", response=ONE)
def order_approve(request, order_id: Id, payload: OrderApproveIn | None = None):
    """Approve an order waiting for approval (and allocate it under the policy's auto-allocate)."""
    order = services.get_order(request.auth, order_id)
    note = payload.note if payload else ""
    retry_on_conflict(lambda: services.order_approve(by=request.auth, order=order, channel=channel_of(request), note=note))
    return answer(request, order)


@router.post("/{int:order_id}/reprice", response=ONE)
def order_reprice(request, order_id: Id):
    """Price an order that is not yet allocated again at today's price lists and schemes (an order
    otherwise keeps the prices it was placed at); the order's events show each line's difference."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_reprice(by=request.auth, order=order, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/reject", response=ONE)
def order_reject(request, order_id: Id, payload: OrderReasonIn):
    """Reject an order waiting for approval, with a reason."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_reject(by=request.auth, order=order, reason=payload.reason, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/cancel", response=ONE)
def order_cancel(request, order_id: Id, payload: OrderReasonIn):
    """Cancel an order before dispatch, with a reason: its reservations are released (after
    invoicing, the invoice is cancelled by a credit note)."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_cancel(by=request.auth, order=order, reason=payload.reason, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/allocate", response=ONE)
def order_allocate(request, order_id: Id):
    """Allocate an approved order now (FEFO; the shortfall is back-ordered or cancelled per the
    distributor's policy; 409 ``insufficient_stock`` when nothing can be allocated under the
    cancel policy)."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_allocate(by=request.auth, order=order, channel=channel_of(request)))
    return answer(request, order)
