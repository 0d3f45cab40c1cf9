"""Stock over HTTP: the balances, the ledger (stock card), receipts, adjustments, transfers,
reversals and counts; supply terms, thresholds and alerts."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.catalog.models import SKU, Category
from distra.core.api import (
    ERROR_RESPONSES,
    Id,
    Pagination,
    apply_sort,
    get_scoped_or_404,
    resolve_ids,
)
from distra.core.errors import FieldProblem, NotFound, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.inventory import selectors, services, services_alerts, services_setup
from distra.inventory.access import require_stock_post
from distra.inventory.models import (
    Batch,
    StockAlert,
    StockBalance,
    StockMove,
    StockThreshold,
    SupplyTerm,
)
from distra.inventory.schemas import (
    AdjustmentIn,
    AlertFilter,
    AlertOut,
    CountIn,
    CountOut,
    MoveFilter,
    MoveOut,
    ReceiptIn,
    ReverseIn,
    StockFilter,
    StockOut,
    SupplyTermFilter,
    SupplyTermIn,
    SupplyTermOut,
    ThresholdFilter,
    ThresholdIn,
    ThresholdOut,
    TransferFilter,
    TransferIn,
    VarianceOut,
)
from distra.orders.tasks import enqueue_backorder_fill
from distra.partners.models import Distributor, Warehouse

router = Router(tags=["stock"])

REFS = {"warehouse_id": ("warehouse", Warehouse), "sku_id": ("sku", SKU), "batch_id": ("batch", Batch),
        "from_warehouse_id": ("from_warehouse", Warehouse), "to_warehouse_id": ("to_warehouse", Warehouse),
        "distributor_id": ("distributor", Distributor), "category_id": ("category", Category)}


@router.get("", response={200: list[StockOut], **ERROR_RESPONSES})
@paginate(Pagination)
def stock_list(request, filters: Query[StockFilter]):
    """Stock per warehouse × SKU × batch with on hand, reserved, available and value."""
    require_view(request.auth, StockBalance)
    data = filters.dict()
    sort = data.pop("sort")
    qs = selectors.stock_list(user=request.auth, **data)
    return apply_sort(qs, sort, {"expires_on", "on_hand", "available", "reserved"}, "expires_on")


@router.get("/moves", response={200: list[MoveOut], **ERROR_RESPONSES})
@paginate(Pagination)
def stock_move_list(request, filters: Query[MoveFilter]):
    """The ledger. Filter by warehouse_id and sku_id for a stock card (``balance_after`` is its
    running balance)."""
    require_view(request.auth, StockMove)
    data = filters.dict()
    sort = data.pop("sort")
    return apply_sort(selectors.stock_move_list(user=request.auth, **data), sort, {"created_at"}, "-created_at")


@router.post("/receipts", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def stock_receipt_create(request, payload: ReceiptIn):
    """Receive stock into a batch (created if new). The same ``source_key`` again answers 200
    with the first move and posts nothing."""
    require_model_perm(request.auth, StockMove, "add")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    require_stock_post(request.auth, data["warehouse"])
    reference = data.pop("reference")
    move = services.stock_receipt_post(by=request.auth, source_type="grn" if reference else "", source_id=reference, **data)
    enqueue_backorder_fill(move.warehouse_id, [move.sku_id])
    return Status(200 if move.replayed else 201, move)


@router.post("/adjustments", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def stock_adjustment_create(request, payload: AdjustmentIn):
    """Adjust a batch's stock with a reason; a decrease below what is available is a 409."""
    require_model_perm(request.auth, StockMove, "add")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    require_stock_post(request.auth, data["warehouse"])
    move = services.stock_adjust(by=request.auth, **data)
    return Status(200 if move.replayed else 201, move)


# Master data -----------------------------------------------------------------------------------------

@router.get("/supply-terms", response={200: list[SupplyTermOut], **ERROR_RESPONSES})
@paginate(Pagination)
def supply_term_list(request, filters: Query[SupplyTermFilter]):
    """Lead time and minimum order quantity per distributor × SKU (rows only; absent ones take
    the defaults). Distributor users see their own."""
    require_view(request.auth, SupplyTerm)
    return selectors.supply_term_list(user=request.auth, **filters.dict()).order_by("pk")


@router.put("/supply-terms", response={200: SupplyTermOut, 201: SupplyTermOut, **ERROR_RESPONSES})
def supply_term_put(request, payload: SupplyTermIn):
    """Set the supply term of a distributor × SKU (created if new: 201)."""
    require_model_perm(request.auth, SupplyTerm, "change")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    row, created = services_setup.supply_term_upsert(by=request.auth, **data)
    return Status(201 if created else 200, row)


@router.get("/thresholds", response={200: list[ThresholdOut], **ERROR_RESPONSES})
@paginate(Pagination)
def threshold_list(request, filters: Query[ThresholdFilter]):
    """Configured alert thresholds (brand-wide rows and those of the distributors in scope)."""
    require_view(request.auth, StockThreshold)
    return selectors.threshold_list(user=request.auth, **filters.dict()).order_by("pk")


@router.put("/thresholds", response={200: ThresholdOut, 201: ThresholdOut, **ERROR_RESPONSES})
def threshold_put(request, payload: ThresholdIn):
    """Set the thresholds of one target (sku or category, and/or distributor); null figures
    inherit from less specific rows. Created if new: 201."""
    require_model_perm(request.auth, StockThreshold, "change")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    row, created = services_setup.stock_threshold_upsert(by=request.auth, **data)
    return Status(201 if created else 200, row)


# Alerts ------------------------------------------------------------------------------------------------

@router.get("/alerts", response={200: list[AlertOut], **ERROR_RESPONSES})
@paginate(Pagination)
def alert_list(request, filters: Query[AlertFilter]):
    """Stock alerts in scope, newest first."""
    require_view(request.auth, StockAlert)
    return selectors.alert_list(user=request.auth, **filters.dict())


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERROR_RESPONSES})
def alert_acknowledge(request, alert_id: Id):
    """Acknowledge an alert (it resolves itself when its condition ends); a resolved one is 409."""
    require_model_perm(request.auth, StockAlert, "change")
    alert = get_scoped_or_404(StockAlert, request.auth, alert_id)
    return services_alerts.stock_alert_acknowledge(by=request.auth, alert=alert)


# Transfers, reversals, counts ------------------------------------------------------------------------

@router.post("/transfers", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def transfer_create(request, payload: TransferIn):
    """Send stock to another warehouse; it is in transit until received."""
    require_model_perm(request.auth, StockMove, "add")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    require_stock_post(request.auth, data["from_warehouse"], data["to_warehouse"])
    move = services.stock_transfer(by=request.auth, **data)
    return Status(200 if move.replayed else 201, move)


@router.get("/transfers", response={200: list[MoveOut], **ERROR_RESPONSES})
@paginate(Pagination)
def transfer_list(request, filters: Query[TransferFilter]):
    """Transfers (their transfer_out moves) seen from either end; ``in_transit=true`` for those
    neither received nor cancelled."""
    require_view(request.auth, StockMove)
    return selectors.transfer_list(user=request.auth, **filters.dict()).order_by("-pk")


@router.post("/transfers/{move_id}/receive", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def transfer_receive(request, move_id: Id):
    """Receive an in-transit transfer at its destination (the whole quantity); again: 200."""
    require_model_perm(request.auth, StockMove, "add")
    transfer = selectors.transfer_list(user=request.auth).filter(pk=move_id).first()
    if transfer is None:
        raise NotFound(f"No transfer with id {move_id}.")
    require_stock_post(request.auth, transfer.counterpart_warehouse)
    move = services.stock_transfer_receive(by=request.auth, transfer=transfer)
    enqueue_backorder_fill(move.warehouse_id, [move.sku_id])
    return Status(200 if move.replayed else 201, move)


@router.post("/moves/{move_id}/reverse", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def move_reverse(request, move_id: Id, payload: ReverseIn):
    """Post the move that cancels this one; again: 200 with the first reversal."""
    require_model_perm(request.auth, StockMove, "add")
    move = get_scoped_or_404(StockMove, request.auth, move_id)
    require_stock_post(request.auth, move.warehouse)
    reversal = services.stock_move_reverse(by=request.auth, move=move, note=payload.note)
    return Status(200 if reversal.replayed else 201, reversal)


@router.post("/counts", response={200: CountOut, 201: CountOut, **ERROR_RESPONSES})
def count_post(request, payload: CountIn):
    """A physical count: counted base units per batch. ``dry_run`` answers the variance report
    (200) without posting; otherwise each difference is posted as a count_variance adjustment
    (201). An unknown batch is 422 ``unknown_batch`` and nothing is written."""
    require_model_perm(request.auth, StockMove, "add")
    warehouse = resolve_ids({"warehouse_id": payload.warehouse_id}, request.auth, REFS)["warehouse"]
    require_stock_post(request.auth, warehouse)
    counted = {line.batch_id: line.counted for line in payload.lines}
    if len(counted) < len(payload.lines):
        raise ValidationFailed({"lines": [FieldProblem("duplicate_batch", "Count each batch once.")]})
    if payload.dry_run:
        report = services.stock_count_preview(by=request.auth, warehouse=warehouse, counted=counted)
    else:
        report = services.stock_count_post(by=request.auth, warehouse=warehouse, counted=counted, source_key=payload.source_key)
    lines = [VarianceOut(batch_id=v.batch_id, book=v.book, counted=v.counted, difference=v.difference) for v in report]
    return Status(200 if payload.dry_run else 201, {"warehouse_id": warehouse.pk, "posted": not payload.dry_run, "lines": lines})
