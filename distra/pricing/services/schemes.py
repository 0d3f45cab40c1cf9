"""Schemes: create and edit drafts (parameters, targets, budgets), then activate, pause or end.

Every refusal is a 422 at the field to fix, and nothing is written: a window that ends before it
starts, missing or out-of-range parameters, slabs that are not positive, overlap or leave a gap,
an inactive free SKU, or an exclusive scheme of the same priority overlapping another on the same
targets and period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction

from distra.catalog.models import SKU, Brand, Category
from distra.core.errors import NotFound
from distra.core.permissions import require_perm
from distra.core.services import apply_changes, save_validated
from distra.geography.models import GeoNode
from distra.partners.choices import Channel, OutletClass
from distra.partners.models import Distributor, Outlet
from distra.pricing.choices import (
    EDITABLE,
    SLAB_KINDS,
    BudgetBasis,
    EventKind,
    Lifecycle,
    SchemeKind,
    Stacking,
    TargetKind,
)
from distra.pricing.live import load_schemes
from distra.pricing.models import Scheme, SchemeBudget, SchemeBudgetSlot, SchemeTarget
from distra.pricing.services.common import (
    Problems,
    TransitionNotAllowed,
    add,
    move_to,
    raise_if,
    record,
    window_problems,
)

ADD, CHANGE = "pricing.add_scheme", "pricing.change_scheme"
FIELDS = {
    "code", "name", "description", "kind", "valid_from", "valid_to", "priority", "stacking", "funding_share_pct", "percent",
    "amount", "per", "slabs", "buy_quantity", "free_quantity", "free_sku", "max_free_per_order", "combo_items",
    "min_last_quarter_value", "budget_basis",
}
# Target kinds: the payload key listing them, the model the ids name (None: a choice value), the target column.
TARGET_KEYS = {
    TargetKind.GEOGRAPHY: ("geography_ids", GeoNode, "geography"),
    TargetKind.CHANNEL: ("channels", None, "value"),
    TargetKind.OUTLET_CLASS: ("outlet_classes", None, "value"),
    TargetKind.DISTRIBUTOR: ("distributor_ids", Distributor, "distributor"),
    TargetKind.OUTLET: ("outlet_ids", Outlet, "outlet"),
    TargetKind.SKU: ("sku_ids", SKU, "sku"),
    TargetKind.CATEGORY: ("category_ids", Category, "category"),
    TargetKind.BRAND: ("brand_ids", Brand, "brand"),
}
CHOICES = {TargetKind.CHANNEL: Channel.values, TargetKind.OUTLET_CLASS: OutletClass.values}
PERCENT_KINDS = {SchemeKind.PERCENT_OFF, SchemeKind.COMBO, SchemeKind.FIRST_ORDER}


def _number(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# Parameters -----------------------------------------------------------------------------------------

def _percent_problems(value, name: str, problems: Problems) -> None:
    if value is None:
        add(problems, name, "required", "This kind of scheme needs a percentage.")
    elif not Decimal(0) < value <= Decimal(100):
        add(problems, name, "invalid_percent", "A percentage is more than 0 and at most 100.")


def slab_problems(kind: str, slabs, problems: Problems) -> list[dict]:
    """Slabs ``[{"min", "max", "percent"}]``, sorted by min: positive bounds; quantity slabs
    whole numbers with inclusive bounds (5-9 then 10-); value slabs from min up to (not
    including) max, the next starting at that max; no gap, no overlap, only the last open-ended,
    percentages above 0, at most 100 and never lower than the slab below. Returns them cleaned."""
    if not isinstance(slabs, list) or not slabs:
        add(problems, "slabs", "required", "A slab scheme needs at least one slab.")
        return []
    quantity = kind == SchemeKind.QUANTITY_SLAB
    parsed = []
    for i, slab in enumerate(slabs):
        at = f"slabs[{i}]"
        low, high, pct = (_number(slab.get(k)) if isinstance(slab, dict) and slab.get(k) not in (None, "") else None
                          for k in ("min", "max", "percent"))
        if low is None or low <= 0:
            add(problems, f"{at}.min", "slab_not_positive", "A slab starts above zero.")
        if pct is None or not Decimal(0) < pct <= Decimal(100):
            add(problems, f"{at}.percent", "invalid_percent", "A slab's percentage is more than 0 and at most 100.")
        if quantity and any(v is not None and v != v.to_integral_value() for v in (low, high)):
            add(problems, at, "slab_not_whole", "Quantity slabs are whole numbers.")
        if high is not None and low is not None and (high < low if quantity else high <= low):
            add(problems, f"{at}.max", "slab_empty", "A slab's max is above its min.")
        parsed.append((low, high, pct, at))
    if problems:
        return []
    parsed.sort(key=lambda s: s[0])
    step = Decimal(1) if quantity else Decimal(0)
    for (low, high, pct, at), (nlow, _, npct, nat) in zip(parsed, parsed[1:], strict=False):
        if high is None:
            add(problems, f"{at}.max", "slab_overlap", "Only the highest slab may be open-ended.")
        elif nlow < high + step:
            add(problems, f"{nat}.min", "slab_overlap", f"This slab overlaps the one from {low}.")
        elif nlow > high + step:
            add(problems, f"{nat}.min", "slab_gap", f"There is a gap between {high} and {nlow}.")
        if npct < pct:
            add(problems, f"{nat}.percent", "slab_percent_decreasing", "A higher slab gives at least the percentage of the one below.")
    return [{"min": str(low), "max": None if high is None else str(high), "percent": str(pct)} for low, high, pct, _ in parsed]


def _free_goods_problems(s: Scheme, problems: Problems) -> None:
    for name in ("buy_quantity", "free_quantity"):
        if not getattr(s, name):
            add(problems, name, "required", "Buy X get Y needs both quantities, from 1.")
    if s.max_free_per_order is not None and s.max_free_per_order < 1:
        add(problems, "max_free_per_order", "invalid", "The cap is at least 1 free unit.")
    if s.free_sku_id and not s.free_sku.is_active:
        add(problems, "free_sku_id", "free_sku_inactive", f"The free SKU {s.free_sku.code} is not sold any more.")


def _combo_problems(s: Scheme, problems: Problems) -> None:
    items = s.combo_items if isinstance(s.combo_items, list) else []
    if len(items) < 2:
        add(problems, "combo_items", "combo_too_small", "A combo has at least two SKUs.")
        return
    ids = [item.get("sku_id") if isinstance(item, dict) else None for item in items]
    known = SKU.objects.in_bulk([i for i in ids if isinstance(i, int)])
    for i, item in enumerate(items):
        sku = known.get(ids[i])
        if sku is None or not sku.is_active:
            add(problems, f"combo_items[{i}].sku_id", "sku_inactive" if sku else "not_found", "Name an active SKU.")
        if ids.count(ids[i]) > 1:
            add(problems, f"combo_items[{i}].sku_id", "duplicate_sku", "This SKU is in the combo twice.")
        qty = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= 10**6:
            add(problems, f"combo_items[{i}].quantity", "invalid_quantity", "Units per set: a whole number from 1.")
    s.combo_items = [{"sku_id": i["sku_id"], "quantity": i["quantity"]} for i in items if isinstance(i, dict)]


def parameter_problems(s: Scheme) -> Problems:
    problems: Problems = {}
    window_problems(s.valid_from, s.valid_to, problems)
    if s.kind in PERCENT_KINDS:
        _percent_problems(s.percent, "percent", problems)
    elif s.kind == SchemeKind.AMOUNT_OFF and (s.amount is None or s.amount <= 0):
        add(problems, "amount", "required", "An amount-off scheme needs an amount above 0.")
    elif s.kind in SLAB_KINDS:
        s.slabs = slab_problems(s.kind, s.slabs, problems)
    elif s.kind == SchemeKind.FREE_GOODS:
        _free_goods_problems(s, problems)
    if s.kind == SchemeKind.COMBO:
        _combo_problems(s, problems)
    return problems


# Targets and budgets ------------------------------------------------------------------------------

def parse_targets(targets: Mapping[str, Sequence], problems: Problems) -> list[SchemeTarget]:
    """Target rows from ``{"geography_ids": [...], "channels": [...], ...}``; unknown ids and
    values are problems at their key."""
    rows = []
    for kind, (key, model, column) in TARGET_KEYS.items():
        values = list(dict.fromkeys(targets.get(key) or ()))
        if model is None:
            bad = [v for v in values if v not in CHOICES[kind]]
            if bad:
                add(problems, key, "invalid_choice", f"Unknown: {', '.join(map(str, bad))}; one of {', '.join(CHOICES[kind])}.")
            rows += [SchemeTarget(kind=kind, value=v) for v in values if v not in bad]
            continue
        found = model.objects.in_bulk([v for v in values if isinstance(v, int)])
        missing = [v for v in values if v not in found]
        if missing:
            add(problems, key, "not_found", f"No {model._meta.verbose_name} with id {', '.join(map(str, missing))}.")
        rows += [SchemeTarget(kind=kind, **{column: found[v]}) for v in values if v in found]
    return rows


def parse_budgets(scheme: Scheme, budgets: Sequence[Mapping[str, Any]], problems: Problems) -> list[tuple[int | None, Decimal]]:
    """``[{"distributor_id": id or None, "limit": amount}]``: one overall budget at most and one
    per distributor; a quantity budget is whole units; a budget needs a basis."""
    parsed, seen = [], set()
    distributors = Distributor.objects.in_bulk([b.get("distributor_id") for b in budgets if isinstance(b.get("distributor_id"), int)])
    for i, budget in enumerate(budgets):
        at = f"budgets[{i}]"
        limit, who = _number(budget.get("limit")), budget.get("distributor_id")
        if limit is None or limit <= 0 or limit > Decimal("999999999999") or limit != limit.quantize(Decimal("0.01")):
            add(problems, f"{at}.limit", "invalid_budget", "A budget is a positive amount with at most 2 decimals.")
        elif scheme.budget_basis == BudgetBasis.QUANTITY and limit != limit.to_integral_value():
            add(problems, f"{at}.limit", "invalid_budget", "A quantity budget is a whole number of units.")
        if who is not None and who not in distributors:
            add(problems, f"{at}.distributor_id", "not_found", f"No distributor with id {who}.")
        if who in seen:
            add(problems, f"{at}.distributor_id", "duplicate_budget", "One budget per distributor, and one overall.")
        seen.add(who)
        if limit is not None:
            parsed.append((who, limit))
    if budgets and not scheme.budget_basis:
        add(problems, "budget_basis", "required", "Say whether the budget counts value or quantity.")
    return parsed


def write_budgets(scheme: Scheme, budgets: list[tuple[int | None, Decimal]]) -> None:
    """Each budget with its remaining amount split over DISTRA_SCHEME_BUDGET_SLOTS slot rows (the
    first takes the remainder of the split)."""
    slots = int(getattr(settings, "DISTRA_SCHEME_BUDGET_SLOTS", 8))
    scheme.budgets.all().delete()
    for distributor_id, limit in budgets:
        budget = SchemeBudget.objects.create(scheme=scheme, distributor_id=distributor_id, limit=limit)
        unit = Decimal(1) if scheme.budget_basis == BudgetBasis.QUANTITY else Decimal("0.01")
        share = (limit / slots / unit).to_integral_value(rounding="ROUND_FLOOR") * unit
        amounts = [limit - share * (slots - 1)] + [share] * (slots - 1)
        SchemeBudgetSlot.objects.bulk_create([SchemeBudgetSlot(budget=budget, number=n, remaining=a) for n, a in enumerate(amounts)])


# Exclusive overlap -------------------------------------------------------------------------------

def _disjoint(a, b) -> bool:
    return bool(a) and bool(b) and not (set(a) & set(b))


def _paths_disjoint(a, b) -> bool:
    return bool(a) and bool(b) and not any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def schemes_overlap(a, b) -> bool:
    """Whether two schemes (SchemeFacts) could both apply to one line on one day: their windows
    meet and no target kind that both set is disjoint."""
    if (a.valid_to is not None and a.valid_to < b.valid_from) or (b.valid_to is not None and b.valid_to < a.valid_from):
        return False
    sets = ("channels", "classes", "distributor_ids", "outlet_ids", "sku_ids", "brand_ids")
    if any(_disjoint(getattr(a, n), getattr(b, n)) for n in sets):
        return False
    return not (_paths_disjoint(a.geo_paths, b.geo_paths) or _paths_disjoint(a.category_paths, b.category_paths))


def _exclusive_overlap_problems(scheme: Scheme, problems: Problems) -> None:
    if scheme.stacking != Stacking.EXCLUSIVE:
        return
    rivals = (Scheme.objects.filter(stacking=Stacking.EXCLUSIVE, priority=scheme.priority)
              .exclude(status=Lifecycle.ENDED).exclude(pk=scheme.pk).values_list("pk", flat=True))
    if not rivals:
        return
    mine = load_schemes([scheme.pk])[0]
    for other in load_schemes(list(rivals)):
        if schemes_overlap(mine, other):
            add(problems, "priority", "exclusive_overlap",
                f"{other.code} is also exclusive at priority {other.priority} and overlaps this scheme's targets and period; "
                "give one of them another priority.")


def _facts_check(scheme: Scheme) -> None:
    problems: Problems = {}
    _exclusive_overlap_problems(scheme, problems)
    raise_if(problems)


# Services ----------------------------------------------------------------------------------------------

def _save(scheme: Scheme, targets: Mapping[str, Sequence] | None, budgets: Sequence[Mapping[str, Any]] | None) -> None:
    problems = parameter_problems(scheme)
    rows = parse_targets(targets, problems) if targets is not None else None
    parsed_budgets = parse_budgets(scheme, budgets, problems) if budgets is not None else None
    raise_if(problems)
    save_validated(scheme)
    if rows is not None:
        scheme.targets.all().delete()
        for row in rows:
            row.scheme = scheme
        SchemeTarget.objects.bulk_create(rows)
    if parsed_budgets is not None:
        write_budgets(scheme, parsed_budgets)
    _facts_check(scheme)  # reads the rows just written; a refusal rolls them back with the transaction


@transaction.atomic
def scheme_create(*, by, targets: Mapping[str, Sequence] | None = None, budgets: Sequence[Mapping[str, Any]] = (), **fields: Any) -> Scheme:
    """A draft scheme with its targets and budgets; nothing is written if anything is wrong."""
    require_perm(by, ADD)
    scheme = Scheme(created_by=by)
    apply_changes(scheme, fields, FIELDS)
    _save(scheme, targets or {}, list(budgets))
    record(scheme, by=by, kind=EventKind.CREATED, to_status=scheme.status)
    return scheme


def lock(scheme: Scheme) -> Scheme:
    row = Scheme.objects.select_for_update(of=("self",)).select_related("free_sku").filter(pk=scheme.pk).first()
    if row is None:
        raise NotFound(f"No scheme with id {scheme.pk}.")
    return row


@transaction.atomic
def scheme_update(*, by, scheme: Scheme, targets: Mapping[str, Sequence] | None = None,
                  budgets: Sequence[Mapping[str, Any]] | None = None, **changes: Any) -> Scheme:
    """Change a draft scheme (targets or budgets replaced when given)."""
    require_perm(by, CHANGE)
    row = lock(scheme)
    if row.status not in EDITABLE:
        raise TransitionNotAllowed(row, "edited")
    changed = apply_changes(row, changes, FIELDS - {"code"})
    _save(row, targets, None if budgets is None else list(budgets))
    record(row, by=by, kind=EventKind.EDITED, fields=sorted(changed) + [k for k, v in (("targets", targets), ("budgets", budgets)) if v is not None])
    return row


@transaction.atomic
def scheme_transition(*, by, scheme: Scheme, to: str, note: str = "") -> Scheme:
    """Activate, pause or end a scheme (LIFECYCLE_TRANSITIONS). Activation checks it again (the
    free SKU may have been discontinued, another exclusive scheme may have gone live)."""
    require_perm(by, CHANGE)
    row = lock(scheme)
    if to == Lifecycle.ACTIVE:
        raise_if(parameter_problems(row))
        _facts_check(row)
    move_to(row, to, by=by, note=note)
    return row
