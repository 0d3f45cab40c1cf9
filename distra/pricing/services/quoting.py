"""Pricing a basket: for the order flow (``price_order_lines``), for the quote endpoint
(``quote``: the same engine behind the user's scope and input checks) and for a preview of a
draft price list or scheme."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import NotFound
from distra.core.permissions import require_perm
from distra.core.scoping import scope_for
from distra.partners.choices import OutletStatus
from distra.partners.models import Outlet
from distra.pricing import live
from distra.pricing.domain import OutletFacts, PricedBasket, SkuFacts, price_basket
from distra.pricing.models import PriceList, Scheme
from distra.pricing.services.common import Problems, add, raise_if

MAX_LINES = 200
VIEW = "pricing.view_scheme"


def price_order_lines(*, outlet: Outlet, warehouse=None, lines: Sequence[tuple[SKU, int]], on: date | None = None,
                      exclude_scheme_ids: Iterable[int] = (), extra_schemes: Sequence = (), extra_price_lists: Sequence = (),
                      adjust_outlet: Callable[[OutletFacts], OutletFacts] | None = None,
                      adjust_price_lists: Callable[[list], list] | None = None,
                      outlet_read: live.OutletRead | None = None) -> PricedBasket:
    """Price ``lines`` ((SKU, quantity in base units), one per SKU, already checked by the caller)
    for ``outlet`` on ``on`` (today by default) with the live price lists and schemes. Reads: the
    outlet with the cache token (and its order history when a live scheme needs it), then the
    SKUs with the budgets left of the budgeted schemes for the outlet: 2 queries (3 when the cache
    has just moved to schemes that need the history; reloading the cache itself reads more).
    ``warehouse`` does not change prices today;
    it is accepted so that the order flow need not change when it does. ``exclude_scheme_ids``:
    schemes left out (a budget ran out, see SchemeBudgetExhausted); ``extra_*``: drafts to
    preview as if they were live. ``adjust_outlet`` changes the outlet's history as read (when it
    was read: a live scheme needs it) before the basket's budgets are read; ``adjust_price_lists``
    the price lists that apply (an order priced again: ``orders.services.pricing.price_existing``).
    ``outlet_read``: the outlet as the caller has just read it (``live.outlet_columns``, in its own
    statement), used instead of reading it again when it holds what the live schemes need."""
    on = on or timezone.localdate()
    seen, facts = _read_outlet(outlet.pk, on, extra_schemes, outlet_read)
    if seen is None:
        raise NotFound(f"No outlet with id {outlet.pk}.")
    own = adjust_outlet(seen.facts) if adjust_outlet is not None and seen.history else seen.facts
    skus, left = _read_basket(facts, own, on, {sku.pk for sku, _ in lines}, extra_schemes)
    return _price(facts, own, skus, left, [(sku.pk, qty) for sku, qty in lines], on, exclude_scheme_ids=exclude_scheme_ids,
                  extra_schemes=extra_schemes, extra_price_lists=extra_price_lists, adjust_price_lists=adjust_price_lists)


def _needs_history(facts: live.LiveFacts | None, extra_schemes: Sequence) -> bool:
    return (facts is None or facts.needs_history
            or any(s.kind == "first_order" or s.min_last_quarter_value is not None for s in extra_schemes))


def outlet_history_wanted() -> bool:
    """Whether a quote would read the outlet's order history now (the live schemes cached so far
    need it): for a caller that reads the outlet for a quote in its own statement."""
    return _needs_history(live.cached_facts(), ())


def _read_outlet(outlet_id: int, on: date, extra_schemes: Sequence,
                 known: live.OutletRead | None = None) -> tuple[live.OutletRead | None, live.LiveFacts | None]:
    """The outlet (with the token) and the live facts at that token. Whether the outlet's history
    is read is guessed from the facts cached so far; a wrong guess (the cache has just moved to
    schemes that need it) costs one more read. ``known``: the outlet as the caller read it (not
    read again unless the guess wants the history it lacks)."""
    need = _needs_history(live.cached_facts(), extra_schemes)
    if known is not None and (known.history or not need):
        seen = known
    else:
        seen = live.outlet_read(outlet_id, on, history=need)
    if seen is None:
        return None, None
    facts = live.live_facts(seen.token)
    if not seen.history and _needs_history(facts, extra_schemes):
        seen = live.outlet_read(outlet_id, on, history=True)
    return seen, facts


def _read_basket(facts: live.LiveFacts, outlet: OutletFacts, on: date, sku_ids: set[int],
                 extra_schemes: Sequence) -> tuple[dict[int, SkuFacts], dict[int, Decimal]]:
    """The SKUs (the lines' and the schemes' free SKUs) and the budgets left of the budgeted
    schemes that target the outlet on the day, in one statement."""
    free = {s.free_sku_id for s in extra_schemes if s.free_sku_id}
    budgeted = {s.id for s in [*facts.index.outlet_schemes(outlet, on), *extra_schemes] if s.id in facts.budgeted and s.valid_on(on)}
    return live.basket_facts(sku_ids | facts.free_sku_ids | free, budgeted, outlet.distributor_id)


def _price(facts: live.LiveFacts, outlet: OutletFacts, skus: dict[int, SkuFacts], left: dict[int, Decimal], lines: list[tuple[int, int]],
           on: date, *, exclude_scheme_ids: Iterable[int], extra_schemes: Sequence, extra_price_lists: Sequence,
           adjust_price_lists: Callable[[list], list] | None = None) -> PricedBasket:
    """The engine on the schemes and price lists that can apply (``LiveIndex``: the same result as
    on all of them), with the budgets ``left``."""
    keys = set().union(*(skus[sku_id].keys for sku_id, _ in lines))
    left_out = set(exclude_scheme_ids) | {s.id for s in extra_schemes}
    schemes = [s for s in facts.index.schemes_for(outlet, on, keys) if s.id not in left_out] + list(extra_schemes)
    extra_lists = {pl.id for pl in extra_price_lists}
    price_lists = [pl for pl in facts.index.price_lists_for(outlet, on) if pl.id not in extra_lists] + list(extra_price_lists)
    if adjust_price_lists is not None:
        price_lists = adjust_price_lists(price_lists)
    return price_basket(outlet=outlet, lines=lines, skus=skus, price_lists=price_lists, schemes=schemes, on=on, budget_left=left)


@dataclass(frozen=True)
class _Outlet:
    pk: int
    code: str
    status: str


def _checked_outlet(by, outlet_id: int, seen: live.OutletRead | None) -> _Outlet:
    """The outlet read, if it is in ``by``'s scope (else 404, as for no outlet) and active."""
    if seen is None or not Outlet.scope_contains(scope_for(by), distributor_id=seen.facts.distributor_id, territory_id=seen.territory_id):
        raise NotFound(f"No outlet with id {outlet_id}.")
    outlet = _Outlet(outlet_id, seen.code, seen.status)
    if outlet.status != OutletStatus.ACTIVE:
        problems: Problems = {}
        add(problems, "outlet_id", "outlet_inactive", f"Outlet {outlet.code} is {outlet.status}; it cannot order.")
        raise_if(problems)
    return outlet


def _check_line_count(lines: Sequence[dict]) -> None:
    problems: Problems = {}
    if not lines:
        add(problems, "lines", "required", "A basket has at least one line.")
    if len(lines) > MAX_LINES:
        add(problems, "lines", "too_many_lines", f"A basket has at most {MAX_LINES} lines.")
    raise_if(problems)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sku_ids(lines: Sequence[dict]) -> set[int]:
    return {line["sku_id"] for line in lines if _is_id(line["sku_id"])}


def _checked_lines(lines: Sequence[dict], skus: dict[int, SkuFacts]) -> list[tuple[int, int]]:
    """``[{"sku_id", "quantity"}]`` checked against the SKUs read (``skus``): known active SKUs,
    once each, quantities 1 to 10^9; as (SKU id, quantity)."""
    problems: Problems = {}
    checked, seen = [], set()
    for i, line in enumerate(lines):
        sku_id, qty = line["sku_id"], line["quantity"]
        sku = skus.get(sku_id) if _is_id(sku_id) else None
        if sku is None:
            add(problems, f"lines[{i}].sku_id", "not_found", f"No SKU with id {sku_id}.")
            continue
        if not sku.is_active:
            add(problems, f"lines[{i}].sku_id", "sku_inactive", f"{sku.code} is not sold any more.")
        if sku.id in seen:
            add(problems, f"lines[{i}].sku_id", "duplicate_sku", f"{sku.code} is on another line.")
        if not isinstance(qty, int) or not 1 <= qty <= 10**9:
            add(problems, f"lines[{i}].quantity", "invalid_quantity", "A quantity is a whole number of units from 1.")
        seen.add(sku.id)
        checked.append((sku.id, qty))
    raise_if(problems)
    return checked


def _quote(by, outlet_id: int, lines: Sequence[dict], on: date | None, extra_schemes: Sequence = (),
           extra_price_lists: Sequence = ()) -> tuple[_Outlet, PricedBasket]:
    """A quote's reads: the outlet with the token (checked against ``by``'s scope and status),
    then the SKUs of the lines and the schemes' free SKUs (the lines are checked against them)
    with the budgets left."""
    on = on or timezone.localdate()
    seen, facts = _read_outlet(outlet_id, on, extra_schemes)
    outlet = _checked_outlet(by, outlet_id, seen)
    _check_line_count(lines)
    skus, left = _read_basket(facts, seen.facts, on, _sku_ids(lines), extra_schemes)
    checked = _checked_lines(lines, skus)
    return outlet, _price(facts, seen.facts, skus, left, checked, on, exclude_scheme_ids=(), extra_schemes=extra_schemes,
                          extra_price_lists=extra_price_lists)


def quote(*, by, outlet_id: int, lines: Sequence[dict], on: date | None = None) -> tuple[_Outlet, PricedBasket]:
    """Price a basket for an outlet in ``by``'s scope without ordering (the rep app's and the
    retailer's view). Writes nothing. Two queries on a current cache: the outlet with the
    token, then the SKUs with the budgets."""
    require_perm(by, VIEW)
    return _quote(by, outlet_id, lines, on)


def preview(*, by, outlet_id: int, lines: Sequence[dict], on: date | None = None, scheme: Scheme | None = None,
            price_list: PriceList | None = None) -> tuple[_Outlet, PricedBasket]:
    """A quote with a draft (or paused) scheme or price list taken as live: what it would do to
    this basket."""
    require_perm(by, VIEW)
    extra_schemes = live.load_schemes([scheme.pk]) if scheme is not None else []
    extra_lists = live.load_price_lists([price_list.pk]) if price_list is not None else []
    return _quote(by, outlet_id, lines, on, extra_schemes, extra_lists)
