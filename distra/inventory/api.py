"""Stock over HTTP: the balances, the ledger (stock card), receipts and adjustments."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.catalog.models import SKU
from distra.core.api import ERROR_RESPONSES, Pagination, apply_sort, resolve_ids
from distra.core.permissions import require_model_perm, require_view
from distra.inventory import selectors, services
from distra.inventory.models import Batch, StockBalance, StockMove
from distra.inventory.schemas import (
    AdjustmentIn,
    MoveFilter,
    MoveOut,
    ReceiptIn,
    StockFilter,
    StockOut,
)
from distra.partners.models import Warehouse

router = Router(tags=["stock"])

REFS = {"warehouse_id": ("warehouse", Warehouse), "sku_id": ("sku", SKU), "batch_id": ("batch", Batch)}


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
    reference = data.pop("reference")
    move = services.stock_receipt_post(by=request.auth, source_type="grn" if reference else "", source_id=reference, **data)
    return Status(200 if move.replayed else 201, move)


@router.post("/adjustments", response={200: MoveOut, 201: MoveOut, **ERROR_RESPONSES})
def stock_adjustment_create(request, payload: AdjustmentIn):
    """Adjust a batch's stock with a reason; a decrease below what is available is a 409."""
    require_model_perm(request.auth, StockMove, "add")
    data = resolve_ids(payload.dict(), request.auth, REFS)
    move = services.stock_adjust(by=request.auth, **data)
    return Status(200 if move.replayed else 201, move)
