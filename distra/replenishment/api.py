"""The replenishment API (mounted at /api/v1/replenishment): suggested primary orders (generate,
review, edit, approve into a purchase order, dismiss), the computed parameters, the fair-share
plan for a scarce depot SKU, the near-expiry action list, and the autonomy guardrails. Reads
check the view permission, then the scope (404)."""

from ninja import Query, Router
from ninja.pagination import paginate

from distra.accounts.models import User
from distra.core.api import ERROR_RESPONSES, Id, Pagination, get_scoped_or_404
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm, require_perm, require_view
from distra.partners.models import Distributor
from distra.replenishment import selectors, services
from distra.replenishment.models import AutonomyPolicy, ReplenishmentParameter, SuggestedOrder
from distra.replenishment.schemas import (
    AutonomyIn,
    AutonomyOut,
    ExpiryActionOut,
    FairShareConfirmedOut,
    FairShareConfirmIn,
    FairShareOut,
    GenerateIn,
    LinesIn,
    NoteIn,
    ParameterFilter,
    ParameterOut,
    SuggestedFilter,
    SuggestedOrderDetailOut,
    SuggestedOrderOut,
)

router = Router(tags=["replenishment"])


def _detail(request, order_id: int) -> SuggestedOrder:
    return selectors.suggested_order_get(user=request.auth, order_id=order_id)


@router.get("/suggested-orders", response={200: list[SuggestedOrderOut], **ERROR_RESPONSES})
@paginate(Pagination)
def suggested_order_list(request, filters: Query[SuggestedFilter]):
    """Suggested primary orders in the caller's scope, newest first."""
    require_view(request.auth, SuggestedOrder)
    return selectors.suggested_order_list(user=request.auth, **filters.dict())


@router.post("/suggested-orders/generate", response={200: list[SuggestedOrderOut], **ERROR_RESPONSES})
def suggested_order_generate(request, payload: GenerateIn):
    """Propose orders now from the current forecast and stock (a distributor's open proposal is
    superseded)."""
    require_model_perm(request.auth, SuggestedOrder, "add")
    ids = None
    if payload.distributor_id is not None:
        ids = [get_scoped_or_404(Distributor, request.auth, payload.distributor_id).pk]
    return services.suggested_orders_generate(by=request.auth, distributor_ids=ids)


@router.get("/suggested-orders/{int:order_id}", response={200: SuggestedOrderDetailOut, **ERROR_RESPONSES})
def suggested_order_get(request, order_id: Id):
    """A suggestion with its lines (position, parameters, suggested and to-order quantities, the
    reason per line) and its events."""
    require_view(request.auth, SuggestedOrder)
    return _detail(request, order_id)


@router.put("/suggested-orders/{int:order_id}/lines", response={200: SuggestedOrderDetailOut, **ERROR_RESPONSES})
def suggested_order_lines(request, order_id: Id, payload: LinesIn):
    """Set the quantities to order (0 drops a line)."""
    order = get_scoped_or_404(SuggestedOrder, request.auth, order_id)
    quantities = {line.line_id: line.quantity for line in payload.lines}
    services.suggested_order_lines_set(by=request.auth, order=order, quantities=quantities)
    return _detail(request, order_id)


@router.post("/suggested-orders/{int:order_id}/approve", response={200: SuggestedOrderDetailOut, **ERROR_RESPONSES})
def suggested_order_approve(request, order_id: Id, payload: NoteIn):
    """Approve: raise and submit the purchase order of the non-zero lines."""
    order = get_scoped_or_404(SuggestedOrder, request.auth, order_id)
    services.suggested_order_approve(by=request.auth, order=order, note=payload.note)
    return _detail(request, order_id)


@router.post("/suggested-orders/{int:order_id}/dismiss", response={200: SuggestedOrderDetailOut, **ERROR_RESPONSES})
def suggested_order_dismiss(request, order_id: Id, payload: NoteIn):
    order = get_scoped_or_404(SuggestedOrder, request.auth, order_id)
    services.suggested_order_dismiss(by=request.auth, order=order, note=payload.note)
    return _detail(request, order_id)


@router.get("/parameters", response={200: list[ParameterOut], **ERROR_RESPONSES})
@paginate(Pagination)
def parameter_list(request, filters: Query[ParameterFilter]):
    """Safety stock, reorder point and order-up-to level per distributor × SKU."""
    require_view(request.auth, ReplenishmentParameter)
    return selectors.parameter_list(user=request.auth, **filters.dict())


@router.get("/fair-share", response={200: FairShareOut, **ERROR_RESPONSES})
def fair_share(request, depot_id: Id, sku_id: Id):
    """How the depot's available stock of a SKU would be shared among the open purchase orders
    asking for it, equalising days of cover; explained per distributor."""
    require_perm(request.auth, "purchasing.change_purchaseorder")
    plan = selectors.fair_share_plan(user=request.auth, depot_id=depot_id, sku_id=sku_id)
    shares = [{**s, "purchase_order_id": s["order"].pk, "distributor_id": s["distributor"].pk} for s in plan["shares"]]
    return {"depot_id": plan["depot"].pk, "sku_id": sku_id, "stock": plan["stock"], "requested": plan["requested"], "shares": shares}


@router.post("/fair-share/confirm", response={200: list[FairShareConfirmedOut], **ERROR_RESPONSES})
def fair_share_confirm(request, payload: FairShareConfirmIn):
    """Confirm every submitted purchase order with each line cut to its fair share of the depot's
    stock (as ``GET /fair-share`` explains it, per SKU); orders of which nothing is available stay
    submitted. One transaction."""
    return services.fair_share_confirm(by=request.auth, depot_id=payload.depot_id, note=payload.note)


@router.get("/near-expiry", response={200: list[ExpiryActionOut], **ERROR_RESPONSES})
def near_expiry(request, within_days: int = 90):
    """Batches in the caller's scope that will not sell before expiry at the forecast rate, with
    suggested transfers to distributors that would sell them in time."""
    require_view(request.auth, ReplenishmentParameter)
    if not 1 <= within_days <= 3650:
        raise ValidationFailed({"within_days": [FieldProblem("out_of_range", "From 1 to 3650 days.")]})
    return selectors.near_expiry_actions(user=request.auth, within_days=within_days)


@router.put("/autonomy/{int:distributor_id}", response={200: AutonomyOut, **ERROR_RESPONSES})
def autonomy_set(request, distributor_id: Id, payload: AutonomyIn):
    """Turn autonomous submission on or off for a distributor, with its guardrails."""
    require_model_perm(request.auth, AutonomyPolicy, "change")
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    data = payload.dict()
    act_as_id = data.pop("act_as_id")
    act_as = User.objects.filter(pk=act_as_id, distributor=distributor).first() if act_as_id else None
    if act_as_id and act_as is None:
        raise ValidationFailed({"act_as_id": [FieldProblem("not_found", f"No user {act_as_id} at this distributor.")]})
    return services.autonomy_policy_set(by=request.auth, distributor=distributor, act_as=act_as, **data)
