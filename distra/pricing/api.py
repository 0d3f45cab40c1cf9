"""The pricing API (mounted at /api/v1/pricing): price lists, schemes with their performance, and
quotes. Reads check the view permission, then the scope (404); actions find the row in the scope
first (404), then check the role (403)."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.catalog.models import SKU
from distra.core.api import ERROR_RESPONSES, Id, Pagination, get_scoped_or_404, resolve_ids
from distra.core.errors import NotFound
from distra.core.permissions import require_model_perm, require_view
from distra.geography.models import GeoNode
from distra.partners.models import Distributor, Outlet
from distra.pricing import selectors, services
from distra.pricing.choices import Lifecycle
from distra.pricing.models import PriceList, Scheme
from distra.pricing.schemas import (
    LifecycleNoteIn,
    PerformanceOut,
    PreviewIn,
    PriceListDetailOut,
    PriceListFilter,
    PriceListIn,
    PriceListOut,
    PriceListPatch,
    QuoteIn,
    QuoteOut,
    SchemeDetailOut,
    SchemeFilter,
    SchemeIn,
    SchemeOut,
    SchemePatch,
)

router = Router(tags=["pricing"])
ACTIONS = {"activate": Lifecycle.ACTIVE, "pause": Lifecycle.PAUSED, "end": Lifecycle.ENDED}
PRICE_LIST_REFS = {"geography_id": ("geography", GeoNode), "distributor_id": ("distributor", Distributor), "outlet_id": ("outlet", Outlet)}


def _action(action: str) -> str:
    if action not in ACTIONS:
        raise NotFound(f"No action {action}; one of {', '.join(ACTIONS)}.")
    return ACTIONS[action]


def _quote_out(outlet_id: int, on: date | None, basket) -> dict:
    return {"outlet_id": outlet_id, "on": on or timezone.localdate(), "lines": basket.lines, "not_applied": basket.not_applied,
            "gross": basket.gross, "discount": basket.discount, "net": basket.net, "tax": basket.tax, "total": basket.total}


# Quote -------------------------------------------------------------------------------------------

@router.post("/quote", response={200: QuoteOut, **ERROR_RESPONSES})
def quote(request, payload: QuoteIn):
    """Price a basket for an outlet without ordering: per line the price and the list it came
    from, gross, each scheme applied with its benefit and reason, net, tax and total; and the
    schemes considered but not applied, with what the basket lacks. Writes nothing."""
    outlet, basket = services.quote(by=request.auth, outlet_id=payload.outlet_id, lines=payload.dict()["lines"], on=payload.on)
    return _quote_out(outlet.pk, payload.on, basket)


# Price lists -------------------------------------------------------------------------------------

def _price_list(request, pk: int) -> PriceList:
    return get_scoped_or_404(PriceList, request.auth, pk)


def _price_list_detail(request, pk: int) -> PriceList:
    return selectors.price_list_detail(user=request.auth).get(pk=pk)


@router.get("/price-lists", response={200: list[PriceListOut], **ERROR_RESPONSES})
@paginate(Pagination)
def price_list_list(request, filters: Query[PriceListFilter]):
    require_view(request.auth, PriceList)
    return selectors.price_list_list(user=request.auth, status=filters.status, search=filters.search or "").order_by("code", "pk")


@router.post("/price-lists", response={201: PriceListDetailOut, **ERROR_RESPONSES})
def price_list_create(request, payload: PriceListIn):
    """A draft price list with its items (each selling price plus tax at most the SKU's MRP)."""
    require_model_perm(request.auth, PriceList, "add")
    data = resolve_ids(payload.dict(), request.auth, PRICE_LIST_REFS)
    pl = services.price_list_create(by=request.auth, **data)
    return Status(201, _price_list_detail(request, pl.pk))


@router.get("/price-lists/{int:pk}", response={200: PriceListDetailOut, **ERROR_RESPONSES})
def price_list_get(request, pk: Id):
    require_view(request.auth, PriceList)
    return _price_list_detail(request, _price_list(request, pk).pk)


@router.patch("/price-lists/{int:pk}", response={200: PriceListDetailOut, **ERROR_RESPONSES})
def price_list_update(request, pk: Id, payload: PriceListPatch):
    """Change a draft list; ``items`` replaces all its items."""
    pl = _price_list(request, pk)
    require_model_perm(request.auth, PriceList, "change")
    data = resolve_ids(payload.dict(exclude_unset=True), request.auth, PRICE_LIST_REFS)
    services.price_list_update(by=request.auth, price_list=pl, **data)
    return _price_list_detail(request, pk)


@router.post("/price-lists/{int:pk}/preview", response={200: QuoteOut, **ERROR_RESPONSES})
def price_list_preview(request, pk: Id, payload: PreviewIn):
    """A quote with this list taken as active (a draft's effect on a sample basket)."""
    pl = _price_list(request, pk)
    outlet, basket = services.preview(by=request.auth, outlet_id=payload.outlet_id, lines=payload.dict()["lines"], on=payload.on, price_list=pl)
    return _quote_out(outlet.pk, payload.on, basket)


@router.post("/price-lists/{int:pk}/{action}", response={200: PriceListDetailOut, **ERROR_RESPONSES})
def price_list_action(request, pk: Id, action: str, payload: LifecycleNoteIn):
    """activate, pause or end (draft → active → paused → ended)."""
    target = _action(action)
    pl = _price_list(request, pk)
    require_model_perm(request.auth, PriceList, "change")
    services.price_list_transition(by=request.auth, price_list=pl, to=target, note=payload.note)
    return _price_list_detail(request, pk)


# Schemes -----------------------------------------------------------------------------------------

def _scheme(request, pk: int) -> Scheme:
    return get_scoped_or_404(Scheme, request.auth, pk)


def _scheme_detail(request, pk: int) -> Scheme:
    return selectors.scheme_detail(user=request.auth).get(pk=pk)


def _scheme_data(request, data: dict) -> dict:
    data = resolve_ids(data, request.auth, {"free_sku_id": ("free_sku", SKU)})
    for name in ("slabs", "combo_items"):
        if data.get(name) is not None:
            data[name] = [{k: (str(v) if v is not None and k != "sku_id" and k != "quantity" else v) for k, v in row.items()}
                          for row in data[name]]
    return data


@router.get("/schemes", response={200: list[SchemeOut], **ERROR_RESPONSES})
@paginate(Pagination)
def scheme_list(request, filters: Query[SchemeFilter]):
    require_view(request.auth, Scheme)
    return selectors.scheme_list(user=request.auth, status=filters.status, kind=filters.kind, search=filters.search or "").order_by("code", "pk")


@router.post("/schemes", response={201: SchemeDetailOut, **ERROR_RESPONSES})
def scheme_create(request, payload: SchemeIn):
    """A draft scheme with its targets and budgets; see docs/pricing.md for every kind's parameters."""
    require_model_perm(request.auth, Scheme, "add")
    scheme = services.scheme_create(by=request.auth, **_scheme_data(request, payload.dict()))
    return Status(201, _scheme_detail(request, scheme.pk))


@router.get("/schemes/{int:pk}", response={200: SchemeDetailOut, **ERROR_RESPONSES})
def scheme_get(request, pk: Id):
    require_view(request.auth, Scheme)
    return _scheme_detail(request, _scheme(request, pk).pk)


@router.patch("/schemes/{int:pk}", response={200: SchemeDetailOut, **ERROR_RESPONSES})
def scheme_update(request, pk: Id, payload: SchemePatch):
    scheme = _scheme(request, pk)
    require_model_perm(request.auth, Scheme, "change")
    services.scheme_update(by=request.auth, scheme=scheme, **_scheme_data(request, payload.dict(exclude_unset=True)))
    return _scheme_detail(request, pk)


@router.get("/schemes/{int:pk}/performance", response={200: PerformanceOut, **ERROR_RESPONSES})
def scheme_performance(request, pk: Id):
    """Spend to date, the budget and what is left, spend per day and the orders it touched."""
    require_view(request.auth, Scheme)
    return selectors.scheme_performance(user=request.auth, scheme=_scheme(request, pk))


@router.post("/schemes/{int:pk}/preview", response={200: QuoteOut, **ERROR_RESPONSES})
def scheme_preview(request, pk: Id, payload: PreviewIn):
    """A quote with this scheme taken as active (a draft's effect on a sample basket)."""
    scheme = _scheme(request, pk)
    outlet, basket = services.preview(by=request.auth, outlet_id=payload.outlet_id, lines=payload.dict()["lines"], on=payload.on, scheme=scheme)
    return _quote_out(outlet.pk, payload.on, basket)


@router.post("/schemes/{int:pk}/{action}", response={200: SchemeDetailOut, **ERROR_RESPONSES})
def scheme_action(request, pk: Id, action: str, payload: LifecycleNoteIn):
    """activate, pause or end (draft → active → paused → ended)."""
    target = _action(action)
    scheme = _scheme(request, pk)
    require_model_perm(request.auth, Scheme, "change")
    services.scheme_transition(by=request.auth, scheme=scheme, to=target, note=payload.note)
    return _scheme_detail(request, pk)
