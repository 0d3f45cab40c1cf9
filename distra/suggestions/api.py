"""The suggestions API. ``outlet_router`` (mounted at /api/v1/outlets): an outlet's suggested
order, previewed (GET) or given and recorded (POST, with optional shelf counts). ``router``
(mounted at /api/v1/suggestions): suggestions given, the acceptance KPI, must-sell lists. Reads
check the view permission, then the scope (404)."""

from datetime import date, timedelta

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.core.api import ERROR_RESPONSES, Id, Pagination
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.suggestions import kpi, selectors, services
from distra.suggestions.choices import GivenThrough
from distra.suggestions.models import MustSellList, Suggestion
from distra.suggestions.schemas import (
    GivenDetailOut,
    GivenFilter,
    GivenOut,
    KpiFilter,
    KpiOut,
    MustSellListIn,
    MustSellListOut,
    MustSellListPatch,
    SuggestionIn,
    SuggestionOut,
)

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

outlet_router = Router(tags=["suggestions"])
router = Router(tags=["suggestions"])


def proposal_out(proposal: selectors.Proposal, suggestion: Suggestion | None = None) -> dict:
    lines = [{"sku_id": line.sku.pk, "sku_code": line.sku.code, "sku_name": line.sku.name, "quantity": line.quantity,
              "cases": line.cases, "units": line.units, "units_per_case": line.sku.units_per_case, "in_cases": line.in_cases,
              "basis": line.basis, "reason": line.reason, "figures": line.figures, "available": line.available}
             for line in proposal.lines]
    return {
        "outlet_id": proposal.outlet.pk, "outlet_code": proposal.outlet.code,
        "suggestion_id": suggestion.pk if suggestion else None, "given_at": suggestion.given_at if suggestion else None,
        "valid_until": suggestion.valid_until if suggestion else None, "today": proposal.today,
        "cycle_days": proposal.cycle.days, "cycle_derived": proposal.cycle.derived, "orders_in_window": proposal.orders_in_window,
        "last_order_on": proposal.last_order_on, "next_order_on": proposal.next_order_on, "cover_days": proposal.cover_days,
        "shelf_counted": proposal.shelf_counted, "fallback": proposal.fallback, "lines": lines,
        "must_sell": [{"list_code": m.list_code, "sku_id": m.sku.pk, "sku_code": m.sku.code, "bought": m.bought} for m in proposal.must_sell],
        "schemes_applied": proposal.schemes.applied, "near_misses": proposal.schemes.near_misses,
        "schemes_error": proposal.schemes.error, "basket_total": proposal.schemes.total,
    }


@outlet_router.get("/{int:outlet_id}/suggestion", response={200: SuggestionOut, **ERROR_RESPONSES})
def suggestion_preview(request, outlet_id: Id):
    """Today's suggested order for the outlet, not recorded: per SKU the quantity, its basis and
    figures, the must-sell SKUs it does not buy, the schemes that apply and the near misses."""
    require_view(request.auth, Suggestion)
    return proposal_out(selectors.suggestion_for(user=request.auth, outlet_id=outlet_id))


@outlet_router.post("/{int:outlet_id}/suggestion", response={201: SuggestionOut, **ERROR_RESPONSES})
def suggestion_give(request, outlet_id: Id, payload: SuggestionIn):
    """Give the suggestion (the rep app, at a visit), less the shelf counts sent; it is recorded
    for the acceptance KPI (a second one the same day for the same outlet supersedes the first)."""
    counts = [c.dict() for c in payload.shelf_counts] if payload.shelf_counts is not None else None
    suggestion, proposal = services.suggestion_give(by=request.auth, outlet_id=outlet_id, shelf_counts=counts, through=GivenThrough.API)
    return Status(201, proposal_out(proposal, suggestion))


@router.get("/given", response={200: list[GivenOut], **ERROR_RESPONSES})
@paginate(Pagination)
def given_list(request, filters: Query[GivenFilter]):
    """Suggestions given (not superseded) in the caller's scope, newest first."""
    require_view(request.auth, Suggestion)
    return selectors.suggestion_list(user=request.auth, **filters.dict())


@router.get("/given/{int:suggestion_id}", response={200: GivenDetailOut, **ERROR_RESPONSES})
def given_get(request, suggestion_id: Id):
    """A suggestion given, with its lines and how it fared: accepted per line once decided."""
    require_view(request.auth, Suggestion)
    suggestion = selectors.suggestion_get(user=request.auth, suggestion_id=suggestion_id)
    outcome = kpi.outcome_of(user=request.auth, suggestion=suggestion)
    lines = list(suggestion.lines.all())
    for line in lines:
        decided = outcome.status == "decided" and line.quantity > 0
        line.accepted = (line.sku_id in outcome.accepted_sku_ids) if decided else None
    suggestion.status, suggestion.accepted_lines, suggestion.suggested_lines = outcome.status, outcome.accepted, outcome.lines
    suggestion.lines_out = lines
    return suggestion


@router.get("/acceptance", response={200: KpiOut, **ERROR_RESPONSES})
def acceptance(request, filters: Query[KpiFilter]):
    """Share of suggested lines accepted (the outlet's next order within the validity contains the
    SKU), overall, per rep, per distributor and per week; default: the last 28 days."""
    require_view(request.auth, Suggestion)
    today = timezone.localdate()
    date_to = filters.date_to or today
    date_from = filters.date_from or date_to - timedelta(days=27)
    problems = {name: [FieldProblem("out_of_range", "A date from 2000 to 2100.")]
                for name, day in (("date_from", date_from), ("date_to", date_to)) if not EARLIEST <= day <= LATEST}
    if not problems and date_from > date_to:
        problems["date_from"] = [FieldProblem("after_date_to", "date_from is after date_to.")]
    if problems:
        raise ValidationFailed(problems)
    return kpi.acceptance_kpi(user=request.auth, date_from=date_from, date_to=date_to, distributor_id=filters.distributor_id,
                              given_by_id=filters.given_by_id)


@router.get("/must-sell", response={200: list[MustSellListOut], **ERROR_RESPONSES})
@paginate(Pagination)
def must_sell_lists(request):
    """Must-sell lists with their SKUs."""
    require_view(request.auth, MustSellList)
    return selectors.must_sell_list_list(user=request.auth)


@router.post("/must-sell", response={201: MustSellListOut, **ERROR_RESPONSES})
def must_sell_create(request, payload: MustSellListIn):
    """Create a must-sell list (blank channel or class: any)."""
    require_model_perm(request.auth, MustSellList, "add")
    data = payload.dict()
    created = services.must_sell_list_save(by=request.auth, **data)
    return Status(201, selectors.must_sell_list_get(user=request.auth, list_id=created.pk))


@router.get("/must-sell/{int:list_id}", response={200: MustSellListOut, **ERROR_RESPONSES})
def must_sell_get(request, list_id: Id):
    require_view(request.auth, MustSellList)
    return selectors.must_sell_list_get(user=request.auth, list_id=list_id)


@router.put("/must-sell/{int:list_id}", response={200: MustSellListOut, **ERROR_RESPONSES})
def must_sell_update(request, list_id: Id, payload: MustSellListPatch):
    """Change a list; ``items``, when sent, replace its SKUs."""
    found = selectors.must_sell_list_get(user=request.auth, list_id=list_id)
    require_model_perm(request.auth, MustSellList, "change")
    services.must_sell_list_save(by=request.auth, must_sell_list=found, **payload.dict())
    return selectors.must_sell_list_get(user=request.auth, list_id=list_id)
