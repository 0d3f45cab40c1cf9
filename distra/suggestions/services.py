"""Writes of outlet suggestions: recording a suggestion given (for the acceptance KPI), and
keeping must-sell lists. Each is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm
from distra.partners.choices import Channel, OutletClass, OutletStatus
from distra.suggestions import selectors
from distra.suggestions.choices import GivenThrough
from distra.suggestions.models import MustSellItem, MustSellList, Suggestion, SuggestionLine


def suggestion_give(
    *, by, outlet_id: int, shelf_counts: Sequence[dict] | None = None, through: str = GivenThrough.API,
    now: datetime | None = None, use_forecast: bool = True,
) -> tuple[Suggestion, selectors.Proposal]:
    """Compute the outlet's suggestion (``selectors.suggestion_for``) and record it as given to
    ``by``: it holds for ``valid_days()`` days. An earlier suggestion given to the same user for
    the same outlet on the same day is superseded (a refreshed page or a repeated call is not a
    second suggestion). 403 without the permission, 404 for an outlet out of scope, 422
``outlet_inactive`` for an outlet that is not active (it cannot order; GET still previews)."""
    require_model_perm(by, Suggestion, "add")
    now = now or timezone.now()
    proposal = selectors.suggestion_for(user=by, outlet_id=outlet_id, shelf_counts=shelf_counts, now=now, use_forecast=use_forecast)
    if proposal.outlet.status != OutletStatus.ACTIVE:
        raise ValidationFailed({"outlet_id": [FieldProblem("outlet_inactive", f"Outlet {proposal.outlet.code} is {proposal.outlet.status}; it cannot order.")]})
    day = timezone.localdate(now)
    with transaction.atomic():
        earlier = Suggestion.objects.filter(outlet_id=proposal.outlet.pk, given_by=by, superseded_at__isnull=True,
                                            given_at__date=day)
        earlier.update(superseded_at=now)
        suggestion = Suggestion.objects.create(
            outlet=proposal.outlet, distributor_id=proposal.outlet.distributor_id, given_by=by, given_at=now,
            valid_until=now + timedelta(days=selectors.valid_days()), through=through, cycle_days=proposal.cycle.days,
            cover_days=proposal.cover_days, shelf_counted=proposal.shelf_counted, fallback=proposal.fallback)
        SuggestionLine.objects.bulk_create([
            SuggestionLine(suggestion=suggestion, sku=line.sku, quantity=line.quantity, in_cases=line.in_cases, basis=line.basis,
                           reason=line.reason[:500], figures=line.figures)
            for line in proposal.lines])
    return suggestion, proposal


# Must-sell lists ------------------------------------------------------------------------------------

def _list_problems(*, code: str | None, name: str, channel: str, outlet_class: str) -> dict[str, list[FieldProblem]]:
    problems: dict[str, list[FieldProblem]] = {}
    if code is not None and not code.strip():
        problems["code"] = [FieldProblem("required", "A list has a code.")]
    if not name.strip():
        problems["name"] = [FieldProblem("required", "A list has a name.")]
    if channel and channel not in Channel.values:
        problems["channel"] = [FieldProblem("invalid_choice", f"Unknown channel {channel!r}.")]
    if outlet_class and outlet_class not in OutletClass.values:
        problems["outlet_class"] = [FieldProblem("invalid_choice", f"Unknown outlet class {outlet_class!r}.")]
    return problems


def _checked_items(items: Sequence[dict]) -> list[tuple[SKU, int | None]]:
    problems: dict[str, list[FieldProblem]] = {}
    known = SKU.objects.in_bulk([item["sku_id"] for item in items])
    found, seen = [], set()
    for i, item in enumerate(items):
        sku, qty = known.get(item["sku_id"]), item.get("quantity")
        if sku is None:
            problems[f"items[{i}].sku_id"] = [FieldProblem("not_found", f"No SKU with id {item['sku_id']}.")]
        elif not sku.is_active:
            problems[f"items[{i}].sku_id"] = [FieldProblem("sku_inactive", f"{sku.code} is not sold any more.")]
        elif sku.pk in seen:
            problems[f"items[{i}].sku_id"] = [FieldProblem("duplicate_sku", f"{sku.code} is on the list twice.")]
        if qty is not None and not (isinstance(qty, int) and 1 <= qty <= 10**9):
            problems[f"items[{i}].quantity"] = [FieldProblem("invalid_quantity", "A starter quantity is a whole number of units from 1.")]
        if sku is not None:
            seen.add(sku.pk)
            found.append((sku, qty))
    if problems:
        raise ValidationFailed(problems)
    return found


def must_sell_list_save(
    *, by, must_sell_list: MustSellList | None = None, code: str | None = None, name: str, channel: str = "",
    outlet_class: str = "", is_active: bool = True, items: Sequence[dict] | None = None,
) -> MustSellList:
    """Create a must-sell list (``must_sell_list`` None) or change one; ``items``
    (``[{"sku_id", "quantity"}]``), when given, replace its SKUs. 422 per field; 409-free: a code
    taken is a 422 on ``code``."""
    require_model_perm(by, MustSellList, "add" if must_sell_list is None else "change")
    problems = _list_problems(code=code if must_sell_list is None else None, name=name, channel=channel, outlet_class=outlet_class)
    if problems:
        raise ValidationFailed(problems)
    checked = _checked_items(items) if items is not None else None
    try:
        with transaction.atomic():
            if must_sell_list is None:
                must_sell_list = MustSellList.objects.create(code=code.strip(), name=name.strip(), channel=channel,
                                                             outlet_class=outlet_class, is_active=is_active)
            else:
                must_sell_list = MustSellList.objects.select_for_update().get(pk=must_sell_list.pk)
                must_sell_list.name, must_sell_list.channel = name.strip(), channel
                must_sell_list.outlet_class, must_sell_list.is_active = outlet_class, is_active
                must_sell_list.save()
            if checked is not None:
                MustSellItem.objects.filter(must_sell_list=must_sell_list).delete()
                MustSellItem.objects.bulk_create([MustSellItem(must_sell_list=must_sell_list, sku=sku, quantity=qty)
                                                  for sku, qty in checked])
    except IntegrityError as exc:
        raise ValidationFailed({"code": [FieldProblem("taken", f"A must-sell list {code!r} exists already.")]}) from exc
    return must_sell_list
