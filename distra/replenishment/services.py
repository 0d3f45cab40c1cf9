"""Every write of replenishment: the parameters computed from the forecast, suggested primary
orders (generated, edited, approved into real purchase orders through the purchasing services,
dismissed), autonomous submission within guardrails, and the policies.

Each service runs in one transaction. Approving locks the suggestion row, re-checks scope and
status, then raises the purchase order with ``purchasing.services.po_create`` and ``po_submit``
(idempotency key ``suggested-<id>``, so a retried approval cannot raise two orders).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from distra.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.core.services import guarded_status_change
from distra.replenishment import domain
from distra.replenishment.choices import (
    SUGGESTION_TRANSITIONS,
    SkuClass,
    SuggestionMode,
    SuggestionStatus,
)
from distra.replenishment.models import (
    AutonomyPolicy,
    ReplenishmentParameter,
    ServiceLevel,
    SuggestedOrder,
    SuggestedOrderEvent,
    SuggestedOrderLine,
)
from distra.replenishment.selectors import Position, positions, selling_warehouses

logger = logging.getLogger("distra.replenishment")

OUTLOOK_WEEKS = 56  # covers the longest lead time we expect (a year) plus the review period
CLASS_WEEKS = 13  # forecast value over a quarter decides the ABC class
APPROVE_PERM = "replenishment.approve_suggestedorder"
CHANGE_PERM = "replenishment.change_suggestedorder"
GENERATE_PERM = "replenishment.add_suggestedorder"


def service_levels() -> dict[str, Decimal]:
    configured = dict(ServiceLevel.objects.values_list("sku_class", "service_level"))
    return {c: configured.get(c, domain.DEFAULT_SERVICE_LEVELS[c]) for c in SkuClass.values}


# Parameters ---------------------------------------------------------------------------------------------

@transaction.atomic
def replenishment_parameters_refresh(*, distributor_ids: Iterable[int] | None = None, today: date | None = None) -> int:
    """Recompute safety stock, reorder point and order-up-to of every distributor × SKU with a
    current forecast (system work: after each forecast run). A distributor's rows are replaced as
    a whole. Classes are ABC by forecast value over the next quarter, per distributor. Returns the
    number of rows written."""
    from distra.catalog.models import SKU
    from distra.forecasting.selectors import outlook_for
    from distra.inventory.selectors import supply_terms_for
    from distra.partners.models import Distributor

    outlook = outlook_for(distributor_ids=distributor_ids, weeks=OUTLOOK_WEEKS, today=today)
    skus = SKU.objects.in_bulk({s for _, s in outlook})
    distributors = Distributor.objects.in_bulk({d for d, _ in outlook})
    levels = service_levels()
    by_distributor: dict[int, list] = {}
    for (d, s), o in outlook.items():
        by_distributor.setdefault(d, []).append((s, o))
    rows = []
    for d, items in by_distributor.items():
        classes = domain.abc_classes({s: sum(o.weekly[:CLASS_WEEKS], Decimal("0")) * skus[s].base_price for s, o in items})
        for s, o in items:
            terms = supply_terms_for(distributors[d], skus[s])
            p = domain.parameters(weekly=o.weekly, error_sd_weekly=o.error_sd_weekly, lead_time_days=terms.lead_time_days,
                                  service_level=levels[classes[s]])
            rows.append(ReplenishmentParameter(
                distributor_id=d, sku_id=s, sku_class=classes[s], service_level=levels[classes[s]], lead_time_days=terms.lead_time_days,
                min_order_quantity=terms.min_order_quantity, weekly_demand=o.weekly[0], daily_rate=o.per_day(4), error_sd=o.error_sd_weekly,
                safety_stock=p.safety_stock, reorder_point=p.reorder_point, order_up_to=p.order_up_to, run_id=o.run_id))
    stale = ReplenishmentParameter.objects.all() if distributor_ids is None else ReplenishmentParameter.objects.filter(
        distributor_id__in=list(distributor_ids))
    stale.delete()
    ReplenishmentParameter.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# Suggested orders -----------------------------------------------------------------------------------------

def _record(order: SuggestedOrder, to: str, *, by, note: str = "", **fields) -> None:
    before = order.status
    if not guarded_status_change(order, to, SUGGESTION_TRANSITIONS, **fields):
        raise Conflict("This suggestion has changed meanwhile; reload it.", code="concurrent_update")
    SuggestedOrderEvent.objects.create(order=order, from_status=before, to_status=to, user=by, note=note[:500])


def _lines_for(distributor, params: list[ReplenishmentParameter]) -> list[SuggestedOrderLine]:
    stock = positions(distributor_id=distributor.pk, sku_ids=[p.sku_id for p in params])
    lines = []
    for p in params:
        position = stock.get(p.sku_id, Position())
        figures = domain.Parameters(Decimal(p.weekly_demand), p.safety_stock, p.reorder_point, p.order_up_to)
        suggestion = domain.suggest(position=position.total, params=figures, min_order_quantity=p.min_order_quantity,
                                    units_per_case=p.sku.units_per_case)
        if suggestion.quantity <= 0:
            continue
        lines.append(SuggestedOrderLine(
            sku=p.sku, available=position.available, in_transit=position.in_transit, on_order=position.on_order,
            demand_lead_time=domain.demand_over([p.weekly_demand], p.lead_time_days).quantize(Decimal("0.01")),
            reorder_point=p.reorder_point, order_up_to=p.order_up_to, suggested_quantity=suggestion.quantity,
            quantity=suggestion.quantity, price=p.sku.base_price, reason=suggestion.reason[:300]))
    return lines


@transaction.atomic
def suggested_orders_generate(*, by=None, distributor_ids: Iterable[int] | None = None) -> list[SuggestedOrder]:
    """Propose a primary order for each distributor with computed parameters whose inventory
    position of some SKU is at or below its reorder point, delivered to its first selling
    warehouse; an open proposal for the warehouse is superseded. Where the distributor's autonomy
    policy is on and the order is within its guardrails, it is approved at once (mode
    autonomous); otherwise the breaches are the proposal's reason. ``by`` None: the system."""
    from distra.partners.models import Distributor

    if by is not None:
        require_perm(by, GENERATE_PERM)
    qs = Distributor.objects.all() if by is None else Distributor.objects.for_user(by)
    if distributor_ids is not None:
        qs = qs.filter(pk__in=list(distributor_ids))
    created = []
    for distributor in qs.order_by("pk"):
        order = _generate_one(distributor, by)
        if order is not None:
            created.append(order)
    return created


def _generate_one(distributor, by) -> SuggestedOrder | None:
    warehouses = selling_warehouses(distributor.pk)
    params = list(ReplenishmentParameter.objects.filter(distributor=distributor).select_related("sku").order_by("sku__code"))
    if not warehouses or not params:
        return None
    for old in SuggestedOrder.objects.select_for_update(of=("self",)).filter(warehouse_id=warehouses[0], status=SuggestionStatus.PROPOSED):
        _record(old, SuggestionStatus.SUPERSEDED, by=by, note="a newer suggestion replaces it")
    lines = _lines_for(distributor, params)
    if not lines:
        return None
    order = SuggestedOrder.objects.create(distributor=distributor, warehouse_id=warehouses[0], run_id=params[0].run_id)
    for line in lines:
        line.order = order
    SuggestedOrderLine.objects.bulk_create(lines)
    order.total = _total(lines)
    SuggestedOrderEvent.objects.create(order=order, from_status="", to_status=SuggestionStatus.PROPOSED, user=by,
                                       note=f"{len(lines)} SKUs at or below their reorder point")
    _autonomy(order, lines)
    return order


def _total(lines) -> Decimal:
    from distra.purchasing.domain import line_amount, order_total

    return order_total(line_amount(line.price, line.quantity) for line in lines if line.quantity > 0)


def _last_quantities(distributor_id: int) -> dict[int, int]:
    from distra.purchasing.models import PurchaseOrder

    last = PurchaseOrder.objects.filter(distributor_id=distributor_id).exclude(status__in=["draft", "cancelled"]).order_by("-created_at", "-id").first()
    return {} if last is None else dict(last.lines.values_list("sku_id", "quantity"))


def _autonomy(order: SuggestedOrder, lines: list[SuggestedOrderLine]) -> None:
    policy = AutonomyPolicy.objects.filter(distributor_id=order.distributor_id, enabled=True).select_related("act_as").first()
    if policy is None:
        SuggestedOrder.objects.filter(pk=order.pk).update(total=order.total, reason="for review: autonomy is off")
        order.reason = "for review: autonomy is off"
        return
    breaches = domain.guardrail_breaches(value=order.total, value_cap=policy.value_cap, quantities={line.sku_id: line.quantity for line in lines},
                                         last_quantities=_last_quantities(order.distributor_id), max_change_pct=policy.max_change_pct)
    if breaches:
        order.reason = ("for review: " + "; ".join(breaches))[:500]
        SuggestedOrder.objects.filter(pk=order.pk).update(total=order.total, reason=order.reason)
        return
    order.reason = "within the guardrails: submitted automatically"
    SuggestedOrder.objects.filter(pk=order.pk).update(total=order.total, reason=order.reason, mode=SuggestionMode.AUTONOMOUS)
    order.mode = SuggestionMode.AUTONOMOUS
    _raise_po(order, acting=policy.act_as, by=None, note="autonomous: " + order.reason)


def _locked(by, order: SuggestedOrder) -> SuggestedOrder:
    locked = SuggestedOrder.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    if locked is None or not SuggestedOrder.objects.for_user(by).filter(pk=order.pk).exists():
        raise NotFound(f"No suggested order with id {order.pk}.")
    if locked.status != SuggestionStatus.PROPOSED:
        raise Conflict(f"This suggestion is {locked.status}; only a proposed one can be changed.", code="not_proposed")
    return locked


@transaction.atomic
def suggested_order_lines_set(*, by, order: SuggestedOrder, quantities: Mapping[int, int]) -> SuggestedOrder:
    """Edit the quantities to order (line id → base units; 0 drops the line). 422 per line for an
    unknown line or a quantity that is not a whole number >= 0. Locks the suggestion."""
    require_perm(by, CHANGE_PERM)
    order = _locked(by, order)
    lines = {line.pk: line for line in order.lines.select_related("sku")}
    problems = {}
    for line_id, qty in quantities.items():
        if line_id not in lines:
            problems[f"quantities.{line_id}"] = [FieldProblem("not_found", f"No line {line_id} on this suggestion.")]
        elif isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= 10**9:
            problems[f"quantities.{line_id}"] = [FieldProblem("invalid_quantity", "A whole number of units, 0 or more.")]
    if problems:
        raise ValidationFailed(problems)
    for line_id, qty in quantities.items():
        lines[line_id].quantity = qty
    SuggestedOrderLine.objects.bulk_update(lines.values(), ["quantity", "updated_at"])
    order.total = _total(lines.values())
    SuggestedOrder.objects.filter(pk=order.pk).update(total=order.total, updated_at=timezone.now())
    return order


def _acting_user(by, order: SuggestedOrder):
    """Who raises the purchase order: the approver when it may raise orders (a distributor user);
    for a brand approving a managed distributor's suggestion, the policy's ``act_as`` user."""
    from distra.purchasing.services.orders import ORDER_PERM

    if by.has_perm(ORDER_PERM):
        return by
    policy = AutonomyPolicy.objects.filter(distributor_id=order.distributor_id, act_as__isnull=False).select_related("act_as").first()
    if policy is None:
        raise Forbidden("No one at this distributor is set to raise its orders (autonomy policy: act as).")
    return policy.act_as


def _raise_po(order: SuggestedOrder, *, acting, by, note: str) -> None:
    from distra.purchasing.services.orders import po_create, po_submit

    lines = [{"sku_id": line.sku_id, "quantity": int(line.quantity)} for line in order.lines.all() if line.quantity > 0]
    if not lines:
        raise ValidationFailed({"lines": [FieldProblem("required", "Every line is 0; dismiss the suggestion instead.")]})
    po = po_create(by=acting, warehouse=order.warehouse, lines=lines, note=f"Suggested order #{order.pk}"[:200],
                   idempotency_key=f"suggested-{order.pk}", channel="web")
    if po.status == "draft":
        po = po_submit(by=acting, order=po, channel="web")
    _record(order, SuggestionStatus.APPROVED, by=by, note=note, purchase_order=po, decided_by=by, decided_at=timezone.now())


@transaction.atomic
def suggested_order_approve(*, by, order: SuggestedOrder, note: str = "") -> SuggestedOrder:
    """Approve a proposal: raise and submit the purchase order for its non-zero lines (as the
    approver, or the distributor's act-as user when the brand approves). 409 unless proposed;
    422 (nothing written) when the purchasing rules refuse a line (e.g. below the MOQ)."""
    require_perm(by, APPROVE_PERM)
    order = _locked(by, order)
    _raise_po(order, acting=_acting_user(by, order), by=by, note=note or "approved")
    return order


@transaction.atomic
def suggested_order_dismiss(*, by, order: SuggestedOrder, note: str = "") -> SuggestedOrder:
    require_perm(by, APPROVE_PERM)
    order = _locked(by, order)
    _record(order, SuggestionStatus.DISMISSED, by=by, note=note or "dismissed", decided_by=by, decided_at=timezone.now())
    return order


# Policies ---------------------------------------------------------------------------------------------------

@transaction.atomic
def autonomy_policy_set(*, by, distributor, enabled: bool, value_cap: Decimal | None = None, max_change_pct: Decimal | None = None,
                        act_as=None) -> AutonomyPolicy:
    """Turn autonomous submission on or off for a distributor, with its guardrails. Turning it on
    needs a user of that distributor allowed to raise purchase orders (``act_as``; the acting user
    by default)."""
    from distra.partners.models import Distributor

    require_perm(by, "replenishment.change_autonomypolicy")
    if not Distributor.objects.for_user(by).filter(pk=distributor.pk).exists():
        raise NotFound("No such distributor in your scope.")
    act_as = act_as or (by if getattr(by, "distributor_id", None) == distributor.pk else None)
    problems = {}
    if enabled and (act_as is None or act_as.distributor_id != distributor.pk or not act_as.has_perm("purchasing.add_purchaseorder")):
        problems["act_as"] = [FieldProblem("required", "Name a user of this distributor who may raise purchase orders.")]
    if value_cap is not None and value_cap < 0:
        problems["value_cap"] = [FieldProblem("invalid", "The cap is 0 or more.")]
    if max_change_pct is not None and max_change_pct < 0:
        problems["max_change_pct"] = [FieldProblem("invalid", "The largest change is 0 % or more.")]
    if problems:
        raise ValidationFailed(problems)
    policy, _ = AutonomyPolicy.objects.update_or_create(
        distributor=distributor, defaults={"enabled": enabled, "value_cap": value_cap, "max_change_pct": max_change_pct, "act_as": act_as})
    return policy


# Fair share --------------------------------------------------------------------------------------------

@transaction.atomic
def fair_share_confirm(*, by, depot_id: int, note: str = "", channel: str = "api") -> list[dict]:
    """Confirm every submitted purchase order in ``by``'s scope with each line cut to its fair
    share of ``depot_id``'s available stock (``selectors.fair_share_plan``, per SKU: orders
    confirmed earlier keep what they were promised; the submitted ones share what is left,
    equalising days of cover). An order of which nothing would be confirmed stays submitted.
    Locks the submitted orders (in id order) for the whole plan, so nothing confirmed meanwhile
    can be promised twice. Returns, per order, what was confirmed per line and why."""
    from distra.partners.models import Warehouse
    from distra.purchasing.models import PurchaseOrder, PurchaseOrderLine
    from distra.purchasing.services.orders import MANAGE_PERM, po_confirm
    from distra.replenishment.selectors import _fair_shares

    require_perm(by, MANAGE_PERM)
    depot = Warehouse.objects.for_user(by).filter(pk=depot_id, distributor__isnull=True).first()
    if depot is None:
        raise NotFound(f"No depot with id {depot_id}.")
    visible = PurchaseOrder.objects.for_user(by).filter(status="submitted").values("id")
    orders = list(PurchaseOrder.objects.select_for_update(of=("self",)).filter(pk__in=visible).order_by("pk"))
    lines = list(PurchaseOrderLine.objects.filter(order__in=orders).select_related("sku").order_by("order_id", "id"))
    shares: dict[int, domain.Share] = {}
    for sku_id in sorted({line.sku_id for line in lines}):
        for share in _fair_shares(depot, sku_id)[1]:
            if share.claimant[0].status == "submitted":
                shares[share.claimant[1].pk] = share
    results = []
    for order in orders:
        own = [line for line in lines if line.order_id == order.pk]
        quantities = {line.pk: shares[line.pk].allocated if line.pk in shares else 0 for line in own}
        explained = [{"line_id": line.pk, "sku_id": line.sku_id, "requested": line.quantity, "confirmed": quantities[line.pk],
                      "explanation": shares[line.pk].explanation if line.pk in shares else ""} for line in own]
        confirmed = any(quantities.values())
        if confirmed:
            cut = ", ".join(f"{line.sku.code} {quantities[line.pk]}/{line.quantity}" for line in own if quantities[line.pk] < line.quantity)
            text = note or f"Fair share of {depot.code}" + (f": {cut}" if cut else ": in full")
            po_confirm(by=by, order=order, quantities=quantities, note=text[:200], channel=channel)
        results.append({"purchase_order_id": order.pk, "number": order.number, "distributor_id": order.distributor_id,
                        "confirmed": confirmed, "lines": explained})
    return results
