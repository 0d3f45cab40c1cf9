"""Primary orders, shipments, goods receipts and depots over HTTP: parse, check, call one service
or selector. Reads check the view permission, then the scope (404); actions find the order in the
scope first (404), then check the role (403), as every router does."""

from typing import Annotated

from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from distra.core.api import (
    ERROR_RESPONSES,
    Id,
    Pagination,
    apply_sort,
    get_scoped_or_404,
    resolve_ids,
)
from distra.core.permissions import require_model_perm, require_perm, require_view
from distra.partners.models import Warehouse
from distra.purchasing import selectors, services
from distra.purchasing.models import GoodsReceipt, PurchaseOrder, Shipment
from distra.purchasing.schemas import (
    ConfirmIn,
    DepotIn,
    DepotOut,
    GrnIn,
    GrnOut,
    NoteIn,
    PODetailOut,
    POFilter,
    POIn,
    POLinesIn,
    POOut,
    ShipIn,
    ShipmentOut,
)

router = Router(tags=["purchasing"])
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", max_length=100, description="Retry-safe key: a retry returns the first order")]
API = "api"


def _order(request, order_id: int) -> PurchaseOrder:
    return get_scoped_or_404(PurchaseOrder, request.auth, order_id)


def _detail(request, order: PurchaseOrder) -> PurchaseOrder:
    return selectors.po_detail(user=request.auth).get(pk=order.pk)


@router.get("/orders", response={200: list[POOut], **ERROR_RESPONSES})
@paginate(Pagination)
def po_list(request, filters: Query[POFilter]):
    """Primary orders in the caller's scope."""
    require_view(request.auth, PurchaseOrder)
    data = filters.dict()
    sort = data.pop("sort")
    qs = selectors.po_list(user=request.auth, **{**data, "search": data["search"] or ""})
    return apply_sort(qs, sort, {"created_at", "number", "total", "status"}, "-created_at")


@router.post("/orders", response={200: PODetailOut, 201: PODetailOut, **ERROR_RESPONSES})
def po_create(request, payload: POIn, idempotency_key: IdempotencyKey = ""):
    """Raise a draft order. A retry with the same ``Idempotency-Key`` header answers 200 with
    the first order and creates nothing."""
    require_model_perm(request.auth, PurchaseOrder, "add")
    data = resolve_ids(payload.dict(), request.auth, {"warehouse_id": ("warehouse", Warehouse)})
    order = services.po_create(by=request.auth, idempotency_key=idempotency_key, channel=API, **data)
    return Status(200 if order.replayed else 201, _detail(request, order))


@router.get("/orders/{int:order_id}", response={200: PODetailOut, **ERROR_RESPONSES})
def po_get(request, order_id: Id):
    """An order with its lines, event timeline, shipments and goods receipts."""
    require_view(request.auth, PurchaseOrder)
    return _detail(request, _order(request, order_id))


@router.put("/orders/{int:order_id}/lines", response={200: PODetailOut, **ERROR_RESPONSES})
def po_lines_set(request, order_id: Id, payload: POLinesIn):
    """Replace the lines of a draft order."""
    order = _order(request, order_id)
    require_model_perm(request.auth, PurchaseOrder, "add")
    services.po_lines_set(by=request.auth, order=order, lines=payload.dict()["lines"], channel=API)
    return _detail(request, order)


@router.post("/orders/{int:order_id}/submit", response={200: PODetailOut, **ERROR_RESPONSES})
def po_submit(request, order_id: Id):
    order = _order(request, order_id)
    require_model_perm(request.auth, PurchaseOrder, "add")
    return _detail(request, services.po_submit(by=request.auth, order=order, channel=API))


@router.post("/orders/{int:order_id}/confirm", response={200: PODetailOut, **ERROR_RESPONSES})
def po_confirm(request, order_id: Id, payload: ConfirmIn):
    """The brand confirms a submitted order, optionally cutting lines."""
    order = _order(request, order_id)
    require_model_perm(request.auth, PurchaseOrder, "change")
    cuts = {line.line_id: line.quantity for line in payload.lines}
    return _detail(request, services.po_confirm(by=request.auth, order=order, quantities=cuts, note=payload.note, channel=API))


@router.post("/orders/{int:order_id}/cancel", response={200: PODetailOut, **ERROR_RESPONSES})
def po_cancel(request, order_id: Id, payload: NoteIn):
    """Cancel an order before anything was shipped."""
    order = _order(request, order_id)
    services.po_cancel(by=request.auth, order=order, note=payload.note, channel=API)
    return _detail(request, order)


@router.post("/orders/{int:order_id}/close", response={200: PODetailOut, **ERROR_RESPONSES})
def po_close(request, order_id: Id, payload: NoteIn):
    """Close a (partly) received order: nothing more will be shipped against it."""
    order = _order(request, order_id)
    services.po_close(by=request.auth, order=order, note=payload.note, channel=API)
    return _detail(request, order)


@router.post("/orders/{int:order_id}/ship", response={201: ShipmentOut, **ERROR_RESPONSES})
def po_ship(request, order_id: Id, payload: ShipIn):
    """Ship from a depot (batches given or chosen FEFO); the stock is in transit to the order's
    warehouse until its goods receipt."""
    order = _order(request, order_id)
    require_model_perm(request.auth, Shipment, "add")
    data = resolve_ids(payload.dict(), request.auth, {"depot_id": ("depot", Warehouse)})
    shipment = services.po_ship(by=request.auth, order=order, channel=API, **data)
    return Status(201, selectors.shipment_list(user=request.auth).get(pk=shipment.pk))


@router.get("/shipments/{int:shipment_id}", response={200: ShipmentOut, **ERROR_RESPONSES})
def shipment_get(request, shipment_id: Id):
    require_view(request.auth, Shipment)
    get_scoped_or_404(Shipment, request.auth, shipment_id)
    return selectors.shipment_list(user=request.auth).get(pk=shipment_id)


@router.post("/shipments/{int:shipment_id}/receipt", response={200: GrnOut, 201: GrnOut, **ERROR_RESPONSES})
def grn_create(request, shipment_id: Id, payload: GrnIn):
    """Record the goods receipt (GRN) of a shipment. A shipment is received once: a retry
    answers 200 with the first receipt and posts nothing."""
    shipment = get_scoped_or_404(Shipment, request.auth, shipment_id)
    require_model_perm(request.auth, GoodsReceipt, "add")
    data = payload.dict()
    receipt = services.grn_post(by=request.auth, shipment=shipment, lines=data["lines"] or None, note=data["note"], channel=API)
    return Status(200 if receipt.replayed else 201, receipt)


@router.get("/depots", response={200: list[DepotOut], **ERROR_RESPONSES})
@paginate(Pagination)
def depot_list(request):
    """The brand's depots (empty for users who see only part of the organisation)."""
    require_view(request.auth, Warehouse)
    return selectors.depot_list(user=request.auth).order_by("code", "pk")


@router.post("/depots", response={201: DepotOut, **ERROR_RESPONSES})
def depot_create(request, payload: DepotIn):
    require_perm(request.auth, "partners.add_warehouse")
    return Status(201, services.depot_create(by=request.auth, **payload.dict()))
