"""Pricing a basket: for the order flow (``price_order_lines``), for the quote endpoint
(``quote``: the same engine behind the user's scope and input checks) and for a preview of a
draft price list or scheme."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import NotFound
from distra.core.permissions import require_perm
from distra.partners.choices import OutletStatus
from distra.partners.models import Outlet
from distra.pricing import live
from distra.pricing.domain import PricedBasket, price_basket
from distra.pricing.models import PriceList, Scheme
from distra.pricing.services.common import Problems, add, raise_if

MAX_LINES = 200
VIEW = "pricing.view_scheme"


def price_order_lines(*, outlet: Outlet, warehouse=None, lines: Sequence[tuple[SKU, int]], on: date | None = None,
                      exclude_scheme_ids: Iterable[int] = (), extra_schemes: Sequence = (), extra_price_lists: Sequence = ()) -> PricedBasket:
    """Price ``lines`` ((SKU, quantity in base units), one per SKU, already checked by the caller)
    for ``outlet`` on ``on`` (today by default) with the live price lists and schemes. Reads: the
    cache token, the SKUs, the outlet (with its order history only when a live scheme needs it)
    and the budgets left (only when a live scheme has one): at most 4 queries. ``warehouse`` does
    not change prices today; it is accepted so that the order flow need not change when it does.
    ``exclude_scheme_ids``: schemes left out (a budget ran out, see SchemeBudgetExhausted);
    ``extra_*``: drafts to preview as if they were live."""
    on = on or timezone.localdate()
    facts = live.live_facts()
    excluded = set(exclude_scheme_ids)
    extra_ids = {s.id for s in extra_schemes}
    schemes = [s for s in facts.schemes if s.id not in excluded and s.id not in extra_ids] + list(extra_schemes)
    extra_lists = {pl.id for pl in extra_price_lists}
    price_lists = [pl for pl in facts.price_lists if pl.id not in extra_lists] + list(extra_price_lists)
    sku_ids = {sku.pk for sku, _ in lines} | facts.free_sku_ids | {s.free_sku_id for s in extra_schemes if s.free_sku_id}
    skus = live.sku_facts(sku_ids)
    history = facts.needs_history or any(s.kind == "first_order" or s.min_last_quarter_value is not None for s in extra_schemes)
    outlet_facts = live.outlet_facts(outlet, on, history=history)
    budgeted = [s.id for s in schemes if s.id in facts.budgeted and s.valid_on(on)]
    left = live.budget_left(budgeted, outlet_facts.distributor_id) if budgeted else {}
    return price_basket(outlet=outlet_facts, lines=[(sku.pk, qty) for sku, qty in lines], skus=skus, price_lists=price_lists,
                        schemes=schemes, on=on, budget_left=left)


@dataclass(frozen=True)
class _Sku:
    """What a quote needs of a SKU it was given (a full SKU row is not)."""

    pk: int
    code: str
    is_active: bool


@dataclass(frozen=True)
class _Outlet:
    pk: int
    code: str
    status: str


def _checked_lines(lines: Sequence[dict]) -> list[tuple[SKU, int]]:
    """``[{"sku_id", "quantity"}]`` checked: known active SKUs, once each, quantities 1 to 10^9."""
    problems: Problems = {}
    if not lines:
        add(problems, "lines", "required", "A basket has at least one line.")
    if len(lines) > MAX_LINES:
        add(problems, "lines", "too_many_lines", f"A basket has at most {MAX_LINES} lines.")
    raise_if(problems)
    known = {row[0]: _Sku(*row) for row in SKU.objects.filter(pk__in=[line["sku_id"] for line in lines]).values_list("pk", "code", "is_active")}
    checked, seen = [], set()
    for i, line in enumerate(lines):
        sku, qty = known.get(line["sku_id"]), line["quantity"]
        if sku is None:
            add(problems, f"lines[{i}].sku_id", "not_found", f"No SKU with id {line['sku_id']}.")
            continue
        if not sku.is_active:
            add(problems, f"lines[{i}].sku_id", "sku_inactive", f"{sku.code} is not sold any more.")
        if sku.pk in seen:
            add(problems, f"lines[{i}].sku_id", "duplicate_sku", f"{sku.code} is on another line.")
        if not isinstance(qty, int) or not 1 <= qty <= 10**9:
            add(problems, f"lines[{i}].quantity", "invalid_quantity", "A quantity is a whole number of units from 1.")
        seen.add(sku.pk)
        checked.append((sku, qty))
    raise_if(problems)
    return checked


def _outlet_in_scope(by, outlet_id: int) -> _Outlet:
    row = Outlet.objects.for_user(by).filter(pk=outlet_id).values_list("pk", "code", "status").first()
    if row is None:
        raise NotFound(f"No outlet with id {outlet_id}.")
    outlet = _Outlet(*row)
    if outlet.status != OutletStatus.ACTIVE:
        problems: Problems = {}
        add(problems, "outlet_id", "outlet_inactive", f"Outlet {outlet.code} is {outlet.status}; it cannot order.")
        raise_if(problems)
    return outlet


def quote(*, by, outlet_id: int, lines: Sequence[dict], on: date | None = None) -> tuple[_Outlet, PricedBasket]:
    """Price a basket for an outlet in ``by``'s scope without ordering (the rep app's and the
    retailer's view). Writes nothing."""
    require_perm(by, VIEW)
    outlet = _outlet_in_scope(by, outlet_id)
    return outlet, price_order_lines(outlet=outlet, lines=_checked_lines(lines), on=on)


def preview(*, by, outlet_id: int, lines: Sequence[dict], on: date | None = None, scheme: Scheme | None = None,
            price_list: PriceList | None = None) -> tuple[_Outlet, PricedBasket]:
    """A quote with a draft (or paused) scheme or price list taken as live: what it would do to
    this basket."""
    require_perm(by, VIEW)
    outlet = _outlet_in_scope(by, outlet_id)
    extra_schemes = live.load_schemes([scheme.pk]) if scheme is not None else []
    extra_lists = live.load_price_lists([price_list.pk]) if price_list is not None else []
    basket = price_order_lines(outlet=outlet, lines=_checked_lines(lines), on=on, extra_schemes=extra_schemes, extra_price_lists=extra_lists)
    return outlet, basket
