"""The replenishment review pages: suggested primary orders (list; detail where the distributor,
or the brand for a managed distributor, edits the quantities and approves or dismisses, with the
reason per line), the fair share of scarce depot stock (and confirming the submitted purchase
orders with it) and the near-expiry action list. Same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.replenishment import selectors, services
from distra.replenishment.models import ReplenishmentParameter, SuggestedOrder
from distra.web.pages import get_in_scope, sorted_page

SORTS = {"created_at": "created_at", "distributor": "distributor__code", "status": "status", "total": "total"}
ACTIONS = {"save", "approve", "dismiss", "generate"}


def suggestion_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, SuggestedOrder)
    status = request.GET.get("status") or None
    qs = selectors.suggested_order_list(user=request.user, status=status)
    listing = sorted_page(request, qs, SORTS, "-created_at")
    return render(request, "replenishment/list.html", {"listing": listing, "status": status or ""})


def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, SuggestedOrder)
    order = selectors.suggested_order_get(user=request.user, order_id=pk)
    return render(request, "replenishment/detail.html", {"order": order, "lines": list(order.lines.all()), "events": list(order.events.all()),
                                                          "editable": order.status == "proposed"})


def _quantities(request: HttpRequest, order: SuggestedOrder) -> dict[int, int]:
    found = {}
    for line in order.lines.all():
        raw = request.POST.get(f"qty-{line.pk}", "").strip()
        if raw:
            found[line.pk] = int(raw) if raw.isdigit() else -1
    return found


@require_POST
def suggestion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS - {"generate"}:
        raise Http404
    order = get_in_scope(selectors.suggested_order_list(user=request.user), pk)
    note = request.POST.get("note", "")[:500]
    try:
        if action in ("save", "approve"):
            services.suggested_order_lines_set(by=request.user, order=order, quantities=_quantities(request, order))
        if action == "approve":
            order = services.suggested_order_approve(by=request.user, order=order, note=note)
            messages.success(request, _("Approved: purchase order %(number)s is submitted.") % {"number": order.purchase_order.number})
        elif action == "dismiss":
            services.suggested_order_dismiss(by=request.user, order=order, note=note)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join([exc.message, *(p.message for ps in exc.fields.values() for p in ps)]))
    return redirect("suggestion-detail", pk=pk)


@require_POST
def suggestion_generate(request: HttpRequest) -> HttpResponse:
    made = services.suggested_orders_generate(by=request.user)
    messages.success(request, _("%(count)s suggested orders proposed.") % {"count": len(made)})
    return redirect("suggestion-list")


def fair_share(request: HttpRequest) -> HttpResponse:
    """The fair share of a depot's stock for every SKU that submitted purchase orders ask for
    (brand roles), and the action that confirms those orders with it."""
    from distra.catalog.models import SKU
    from distra.partners.models import Warehouse
    from distra.purchasing.models import PurchaseOrderLine
    from distra.purchasing.services.orders import MANAGE_PERM

    require_perm(request.user, MANAGE_PERM)
    depots = list(Warehouse.objects.for_user(request.user).filter(distributor__isnull=True, is_active=True).order_by("code"))
    raw = request.GET.get("depot") or request.POST.get("depot") or ""
    depot = next((d for d in depots if str(d.pk) == raw), depots[0] if depots and not raw else None)
    if raw and depot is None:
        raise Http404
    if request.method == "POST" and depot is not None:
        try:
            results = services.fair_share_confirm(by=request.user, depot_id=depot.pk, channel="web")
            done = sum(1 for r in results if r["confirmed"])
            messages.success(request, _("%(done)s of %(count)s submitted orders confirmed with their fair shares.") % {
                "done": done, "count": len(results)})
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, exc.message)
        return redirect(f"{reverse('fair-share')}?depot={depot.pk}")
    plans = []
    if depot is not None:
        sku_ids = sorted(set(PurchaseOrderLine.objects.filter(order__status="submitted").values_list("sku_id", flat=True)))
        skus = SKU.objects.in_bulk(sku_ids)
        for sku_id in sku_ids:
            plan = selectors.fair_share_plan(user=request.user, depot_id=depot.pk, sku_id=sku_id)
            plan["sku"] = skus[sku_id]
            plan["scarce"] = plan["requested"] > plan["stock"]
            for share in plan["shares"]:
                share["percent"] = round(100 * share["allocated"] / share["requested"]) if share["requested"] else 0
            plans.append(plan)
    return render(request, "replenishment/fair_share.html", {"depots": depots, "depot": depot, "plans": plans})


def near_expiry(request: HttpRequest) -> HttpResponse:
    require_view(request.user, ReplenishmentParameter)
    from distra.catalog.models import SKU
    from distra.partners.models import Distributor

    actions = selectors.near_expiry_actions(user=request.user)
    skus = SKU.objects.in_bulk({a["sku_id"] for a in actions})
    distributors = Distributor.objects.in_bulk({a["distributor_id"] for a in actions}
                                               | {t["distributor_id"] for a in actions for t in a["transfers"]})
    for a in actions:
        a["sku"], a["distributor"] = skus[a["sku_id"]], distributors[a["distributor_id"]]
        a["targets"] = [(distributors[t["distributor_id"]], t["quantity"]) for t in a["transfers"]]
    return render(request, "replenishment/near_expiry.html", {"actions": actions})
