"""The pricing engine, without the database: which price applies to a line, which schemes apply,
what each gives and why, and what a buyer would need to do to get the ones that did not.

Pure and deterministic: the same facts price the same, whatever the order of the lines, price
lists or schemes given (everything is sorted on stable keys first).

Rounding (the one rule of distra.core.money): each scheme's benefit on a line is rounded half-up
to the paisa; a line's discount is the sum of its rounded benefits, net = gross - discount,
tax = net x rate rounded half-up, total = net + tax; the basket's totals are the sums of its lines.

Prices. For each SKU the applicable price lists (valid on the day, matching the outlet, holding
the SKU, whose price plus tax is within the MRP) are ranked by ``price_rank``: the most specific
wins: an outlet list beats a distributor list, beats a deeper geography node, beats an outlet
class, beats a channel; then the higher ``priority``; then the later ``valid_from``; then the
smaller code. Without any, the SKU's catalog base price applies.

Schemes. A scheme is considered for a basket when it is valid on the day and its outlet targets
match (performance-tier and first-order conditions are explained when they fail). Schemes are
applied one after the other in ``scheme_rank`` order (higher priority first, then code). On
each line: a combinable scheme applies unless an exclusive scheme has already applied there; an
exclusive scheme applies only where nothing has applied yet, and then nothing after it applies
there. So the winner among competing schemes is the higher priority; the services refuse two
exclusive schemes of equal priority that overlap. Percentages are of the line's gross; every
benefit is capped at what is left of the line's net, so net is never negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from distra.core.money import MINOR_UNIT, round_money

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def _round(amount: Decimal) -> Decimal:
    """``round_money`` for an amount that is a Decimal already (the engine's thousands of calls
    per quote skip its conversion; the rounding is the same)."""
    return amount.quantize(MINOR_UNIT, ROUND_HALF_UP)
# Kinds (the values of choices.SchemeKind; repeated here so that the engine imports no Django model).
PERCENT_OFF, AMOUNT_OFF, QUANTITY_SLAB, FREE_GOODS = "percent_off", "amount_off", "quantity_slab", "free_goods"
VALUE_SLAB, COMBO, FIRST_ORDER = "value_slab", "combo", "first_order"
EXCLUSIVE, CASE, VALUE, QUANTITY = "exclusive", "case", "value", "quantity"


# Facts ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutletFacts:
    outlet_id: int
    distributor_id: int
    geo_path: str  # the territory's materialised path, "/1/4/9/"
    channel: str
    outlet_class: str
    previous_orders: int = 0
    last_quarter_value: Decimal = ZERO


@dataclass(frozen=True)
class SkuFacts:
    id: int
    code: str
    brand_id: int
    category_path: str
    units_per_case: int
    tax_rate: Decimal
    mrp: Decimal
    base_price: Decimal
    is_active: bool = True

    @property
    def keys(self) -> frozenset:
        """What a scheme's product targets may name to reach this SKU: itself, its brand, its
        category and every category above it (a category target includes its children)."""
        cached = self.__dict__.get("_keys")
        if cached is None:
            parts = self.category_path.strip("/").split("/") if self.category_path.strip("/") else []
            paths = ("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
            cached = frozenset({("s", self.id), ("b", self.brand_id), *(("c", p) for p in paths)})
            object.__setattr__(self, "_keys", cached)
        return cached


@dataclass(frozen=True)
class PriceListFacts:
    id: int
    code: str
    priority: int
    valid_from: date
    valid_to: date | None
    items: Mapping[int, tuple[Decimal, Decimal]]  # sku id -> (selling price, landing price)
    geo_path: str = ""
    channel: str = ""
    outlet_class: str = ""
    distributor_id: int | None = None
    outlet_id: int | None = None


@dataclass(frozen=True)
class Slab:
    low: Decimal
    high: Decimal | None  # quantity slabs: inclusive; value slabs: exclusive; None: no upper bound
    percent: Decimal


@dataclass(frozen=True)
class SchemeFacts:
    id: int
    code: str
    name: str
    kind: str
    valid_from: date
    valid_to: date | None = None
    priority: int = 0
    stacking: str = "combinable"
    funding_share: Decimal = HUNDRED
    percent: Decimal | None = None
    amount: Decimal | None = None
    per: str = "unit"
    slabs: tuple[Slab, ...] = ()
    buy: int | None = None
    free: int | None = None
    free_sku_id: int | None = None
    max_free: int | None = None
    combo: tuple[tuple[int, int], ...] = ()  # (sku id, units per set)
    min_last_quarter_value: Decimal | None = None
    budget_basis: str = ""
    geo_paths: tuple[str, ...] = ()
    channels: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    distributor_ids: frozenset[int] = frozenset()
    outlet_ids: frozenset[int] = frozenset()
    sku_ids: frozenset[int] = frozenset()
    category_paths: tuple[str, ...] = ()
    brand_ids: frozenset[int] = frozenset()

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def targets_outlet(self, outlet: OutletFacts) -> bool:
        return ((not self.geo_paths or any(outlet.geo_path.startswith(p) for p in self.geo_paths))
                and (not self.channels or outlet.channel in self.channels)
                and (not self.classes or outlet.outlet_class in self.classes)
                and (not self.distributor_ids or outlet.distributor_id in self.distributor_ids)
                and (not self.outlet_ids or outlet.outlet_id in self.outlet_ids))

    @property
    def product_keys(self) -> frozenset:
        """The product targets as SkuFacts.keys name them (empty: every SKU)."""
        cached = self.__dict__.get("_product_keys")
        if cached is None:
            cached = frozenset({*(("s", i) for i in self.sku_ids), *(("b", i) for i in self.brand_ids),
                                *(("c", p) for p in self.category_paths)})
            object.__setattr__(self, "_product_keys", cached)
        return cached

    @property
    def percent_text(self) -> str:
        """``percent`` as the reasons show it ("2.5 %"), formatted once per scheme."""
        cached = self.__dict__.get("_percent_text")
        if cached is None:
            cached = _pct(self.percent) if self.percent is not None else ""
            object.__setattr__(self, "_percent_text", cached)
        return cached

    def targets_sku(self, sku: SkuFacts) -> bool:
        keys = self.product_keys
        return not keys or not keys.isdisjoint(sku.keys)


# Results ----------------------------------------------------------------------------------------

class AppliedScheme(NamedTuple):
    """One scheme's benefit on one line (a tuple: thousands are made per quote)."""

    scheme_id: int
    code: str
    name: str
    kind: str
    benefit: Decimal  # the discount, or the free goods at their selling price
    discount: Decimal  # what it took off the line's net (0 for free goods)
    free_quantity: int
    free_sku_id: int | None
    funding_share: Decimal
    brand_funded: Decimal
    reason: str
    hint: str = ""  # a better slab within reach


@dataclass(frozen=True)
class PricedLine:
    sku_id: int
    quantity: int
    unit_price: Decimal
    landing_price: Decimal
    mrp: Decimal
    price_list_id: int | None
    price_list_code: str
    price_reason: str
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    applied: tuple[AppliedScheme, ...] = ()
    sku_code: str = ""

    @property
    def margin(self) -> Decimal:
        """The distributor's margin per unit: selling price less landing price (before tax)."""
        return self.unit_price - self.landing_price

    @property
    def discount_pct(self) -> Decimal:
        return (self.discount * HUNDRED / self.gross).quantize(Decimal("0.01")) if self.gross else ZERO


@dataclass(frozen=True)
class NotApplied:
    scheme_id: int
    code: str
    name: str
    reason_code: str
    message: str
    shortfall: Decimal | None = None


@dataclass(frozen=True)
class PricedBasket:
    lines: tuple[PricedLine, ...]
    not_applied: tuple[NotApplied, ...]
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    usage: Mapping[int, Decimal] = field(default_factory=dict)  # scheme id -> budget used (its basis)
    distributor_id: int | None = None  # the outlet's distributor, whose scheme budgets the order uses

    @property
    def free_goods(self) -> list[tuple[int, int, int]]:
        """(scheme id, SKU id, free units) of every free-goods benefit."""
        return [(a.scheme_id, a.free_sku_id, a.free_quantity) for line in self.lines for a in line.applied if a.free_quantity]

    def schemes_applied(self) -> set[int]:
        return {a.scheme_id for line in self.lines for a in line.applied}


# Prices -----------------------------------------------------------------------------------------

def price_list_applies(pl: PriceListFacts, outlet: OutletFacts, on: date) -> bool:
    return (pl.valid_from <= on and (pl.valid_to is None or on <= pl.valid_to)
            and (not pl.geo_path or outlet.geo_path.startswith(pl.geo_path))
            and (not pl.channel or pl.channel == outlet.channel)
            and (not pl.outlet_class or pl.outlet_class == outlet.outlet_class)
            and (pl.distributor_id is None or pl.distributor_id == outlet.distributor_id)
            and (pl.outlet_id is None or pl.outlet_id == outlet.outlet_id))


def price_rank(pl: PriceListFacts) -> tuple:
    """Sort key: the first is the winner (see the module's docstring)."""
    depth = pl.geo_path.count("/") - 1 if pl.geo_path else 0
    specific = (pl.outlet_id is not None, pl.distributor_id is not None, depth, bool(pl.outlet_class), bool(pl.channel))
    return (tuple(-int(x) for x in specific), -pl.priority, -pl.valid_from.toordinal(), pl.code)


def specificity_words(pl: PriceListFacts) -> str:
    cached = pl.__dict__.get("_words")  # the same for every SKU of the list: worded once
    if cached is None:
        parts = [name for name, on in (("outlet", pl.outlet_id), ("distributor", pl.distributor_id), ("geography", pl.geo_path),
                                       ("outlet class", pl.outlet_class), ("channel", pl.channel)) if on]
        cached = ", ".join(parts) or "brand-wide"
        object.__setattr__(pl, "_words", cached)
    return cached


def within_mrp(price: Decimal, sku: SkuFacts) -> bool:
    """Whether ``price`` (before tax) plus tax is within the SKU's MRP (which includes tax)."""
    return round_money(price * (1 + sku.tax_rate / HUNDRED)) <= sku.mrp


@dataclass(frozen=True)
class UnitPrice:
    selling: Decimal
    landing: Decimal
    list_id: int | None
    list_code: str
    reason: str


def unit_price(sku: SkuFacts, ranked: Sequence[PriceListFacts]) -> UnitPrice:
    """The price of one unit of ``sku`` from the applicable lists, best first (``ranked``)."""
    holding = [pl for pl in ranked if sku.id in pl.items]
    for pl in holding:
        selling, landing = pl.items[sku.id]
        if within_mrp(selling, sku):
            others = len(holding) - 1
            why = f"price list {pl.code} ({specificity_words(pl)}, priority {pl.priority})"
            why += f"; the most specific of {others + 1} applicable lists" if others else ""
            return UnitPrice(selling, landing, pl.id, pl.code, why)
    return UnitPrice(sku.base_price, sku.base_price, None, "", "catalog base price (no price list applies)")


# Schemes: helpers -------------------------------------------------------------------------------

def scheme_rank(s: SchemeFacts) -> tuple:
    return (-s.priority, s.code, s.id)


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def _money(value: Decimal) -> str:
    return f"{round_money(value):,}"


def _in_per(qty: int, sku: SkuFacts, per: str) -> int:
    """Quantity in the scheme's unit: whole cases (loose units do not count) or units."""
    return qty // sku.units_per_case if per == CASE else qty


def _slab_for(slabs: Sequence[Slab], measure: Decimal, *, high_inclusive: bool) -> tuple[Slab | None, Slab | None]:
    """The slab ``measure`` falls in, and the next one above it (either may be None)."""
    current = None
    for slab in slabs:
        above_high = slab.high is not None and (measure > slab.high if high_inclusive else measure >= slab.high)
        if measure >= slab.low and not above_high:
            current = slab
        elif measure < slab.low:
            return current, slab
    return current, None


@dataclass
class _Line:
    """A line while schemes are being applied (the engine's working state)."""

    sku: SkuFacts
    quantity: int
    price: UnitPrice
    gross: Decimal
    left: Decimal  # what is left of the net for further discounts
    keys: frozenset = frozenset()  # the SKU's keys (SkuFacts.keys), computed once
    exclusive: bool = False  # an exclusive scheme has applied
    touched: bool = False  # some scheme has applied
    applied: list[AppliedScheme] = field(default_factory=list)


# A named tuple made from a plain tuple, without its generated __new__ (a Python function): the
# engine makes about a thousand per quote.
_new = tuple.__new__


class _Give(NamedTuple):
    line: _Line
    amount: Decimal  # the raw benefit, before rounding and capping
    free_quantity: int = 0
    free_sku_id: int | None = None
    reason: str = ""
    hint: str = ""


@dataclass(frozen=True)
class _Ctx:
    outlet: OutletFacts
    skus: Mapping[int, SkuFacts]
    prices: Mapping[int, Decimal]  # the selling price of every active SKU known
    lines: Sequence[_Line] = ()  # the basket's lines, by SKU id
    by_key: Mapping[tuple, tuple[int, ...]] = field(default_factory=dict)  # SKU key -> positions in ``lines``


class _NotNow(Exception):
    def __init__(self, code: str, message: str, shortfall: Decimal | None = None):
        super().__init__(message)
        self.code, self.message, self.shortfall = code, message, shortfall


# Schemes: what each kind gives ------------------------------------------------------------------

def _percent_of(lines: Sequence[_Line], pct: Decimal, reason: str, hint: str = "") -> list[_Give]:
    rate = pct / HUNDRED  # exact (a shift of the decimal point), so gross x rate = gross x pct / 100
    return [_new(_Give, (line, line.gross * rate, 0, None, reason, hint)) for line in lines]


def _give_percent(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    return _percent_of(lines, s.percent, f"{s.percent_text} off")


def _give_amount(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    gives = []
    for line in lines:
        count = _in_per(line.quantity, line.sku, s.per)
        if count:
            gives.append(_Give(line, s.amount * count, reason=f"{_money(s.amount)} off per {s.per} × {count}"))
    if not gives:
        raise _NotNow("below_minimum", f"needs at least 1 full {s.per} of a targeted SKU", Decimal(1))
    return gives


def _give_quantity_slab(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    measure = Decimal(sum(_in_per(line.quantity, line.sku, s.per) for line in lines))
    slab, nxt = _slab_for(s.slabs, measure, high_inclusive=True)
    unit = f"{s.per}s" if s.per == CASE else "units"
    hint = f"{(nxt.low - measure).normalize():f} more {unit} for the {_pct(nxt.percent)} slab" if nxt else ""
    if slab is None:
        raise _NotNow("below_slab", f"needs {hint}", nxt.low - measure if nxt else None)
    reason = f"{_pct(slab.percent)} slab for {measure.normalize():f} {unit} (slab from {slab.low.normalize():f})"
    return _percent_of(lines, slab.percent, reason, hint)


def _give_value_slab(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    measure = sum((line.gross for line in lines), ZERO)
    slab, nxt = _slab_for(s.slabs, measure, high_inclusive=False)
    hint = f"{_money(nxt.low - measure)} more for the {_pct(nxt.percent)} slab" if nxt else ""
    if slab is None:
        raise _NotNow("below_slab", f"needs {hint}", round_money(nxt.low - measure) if nxt else None)
    reason = f"{_pct(slab.percent)} slab for an order value of {_money(measure)} (slab from {_money(slab.low)})"
    return _percent_of(lines, slab.percent, reason, hint)


def _give_free_goods(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    """Buy ``buy`` get ``free``: whole multiples only (never a fractional free unit), capped per
    order. Without a free SKU each line earns its own SKU free; with one, the targeted lines pool
    their quantities and the free units are booked on the line with the largest gross."""
    unit = f"{s.per}s" if s.per == CASE else "units"
    if s.free_sku_id is None:
        gives, cap = [], s.max_free
        for line in sorted(lines, key=lambda ln: (-ln.gross, ln.sku.id)):
            count = (_in_per(line.quantity, line.sku, s.per) // s.buy) * s.free
            free = min(count, cap) if cap is not None else count
            if free:
                cap = None if cap is None else cap - free
                gives.append(_Give(line, line.price.selling * free, free, line.sku.id, f"buy {s.buy} get {s.free} free: {free} free units"))
        if not gives:
            raise _NotNow("below_minimum", f"needs {s.buy} {unit} of one targeted SKU for {s.free} free")
        return gives
    bought = sum(_in_per(line.quantity, line.sku, s.per) for line in lines)
    count = (bought // s.buy) * s.free
    free = min(count, s.max_free) if s.max_free is not None else count
    free_price = ctx.prices.get(s.free_sku_id)
    if free_price is None:
        raise _NotNow("free_sku_unavailable", "the free SKU is not sold any more")
    if not free:
        missing = s.buy - bought % s.buy
        raise _NotNow("below_minimum", f"needs {missing} more {unit} for {s.free} free", Decimal(missing))
    anchor = min(lines, key=lambda ln: (-ln.gross, ln.sku.id))
    capped = " (capped per order)" if free < count else ""
    return [_Give(anchor, free_price * free, free, s.free_sku_id, f"buy {s.buy} get {s.free} free: {free} free units{capped}")]


def _sku_code(ctx: _Ctx, sku_id: int) -> str:
    sku = ctx.skus.get(sku_id)
    return sku.code if sku else f"SKU {sku_id}"


def _give_combo(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    by_sku = {line.sku.id: line for line in lines}
    missing = [(sku_id, need - (by_sku[sku_id].quantity if sku_id in by_sku else 0)) for sku_id, need in s.combo]
    sets = min(by_sku[sku_id].quantity // need if sku_id in by_sku else 0 for sku_id, need in s.combo)
    if not sets:
        short = [f"{qty} more units of {_sku_code(ctx, sku_id)}" for sku_id, qty in missing if qty > 0]
        raise _NotNow("combo_incomplete", "needs " + ", ".join(short) + " to complete the combo", Decimal(sum(q for _, q in missing if q > 0)))
    reason = f"combo of {len(s.combo)} SKUs × {sets} sets: {s.percent_text} off the sets"
    return [_Give(by_sku[sku_id], by_sku[sku_id].price.selling * need * sets * s.percent / HUNDRED, reason=reason) for sku_id, need in s.combo]


def _give_first_order(s: SchemeFacts, lines, ctx: _Ctx) -> list[_Give]:
    if ctx.outlet.previous_orders:
        raise _NotNow("not_first_order", "only on an outlet's first order")
    return _percent_of(lines, s.percent, f"first order of a new outlet: {s.percent_text} off")


GIVERS = {
    PERCENT_OFF: _give_percent, AMOUNT_OFF: _give_amount, QUANTITY_SLAB: _give_quantity_slab, VALUE_SLAB: _give_value_slab,
    FREE_GOODS: _give_free_goods, COMBO: _give_combo, FIRST_ORDER: _give_first_order,
}


# Schemes: applying them -------------------------------------------------------------------------

def _candidate_lines(s: SchemeFacts, ctx: _Ctx) -> list[_Line]:
    """The lines a scheme targets, in the basket's order: a combo's SKUs, else the lines one of
    whose keys (SkuFacts.keys) the scheme names (every line when it names none)."""
    keys = {("s", sku_id) for sku_id, _ in s.combo} if s.kind == COMBO else s.product_keys
    if not keys:
        return list(ctx.lines)
    if len(keys) == 1:
        (key,) = keys
        return [ctx.lines[i] for i in ctx.by_key.get(key, ())]  # positions are in the basket's order
    at = {i for key in keys for i in ctx.by_key.get(key, ())}
    return [ctx.lines[i] for i in sorted(at)]


def _may_touch(s: SchemeFacts, in_basket: frozenset) -> bool:
    """Whether a scheme targets any SKU of the basket (``in_basket``: the union of the lines' keys)."""
    if s.kind == COMBO:
        return any(("s", sku_id) in in_basket for sku_id, _ in s.combo)
    return not s.product_keys or not s.product_keys.isdisjoint(in_basket)


def _budget_use(s: SchemeFacts, gives: Sequence[tuple[_Give, Decimal]]) -> Decimal:
    if s.budget_basis == QUANTITY:
        return Decimal(sum(g.free_quantity if g.free_quantity else g.line.quantity for g, _ in gives))
    return sum((amount for _, amount in gives), ZERO)


def _apply_one(s: SchemeFacts, ctx: _Ctx, budget_left: Mapping[int, Decimal]) -> Decimal:
    """Apply scheme ``s`` to the lines open to it; return the budget it uses. Raises _NotNow."""
    bought = ctx.outlet.last_quarter_value
    if s.min_last_quarter_value is not None and bought < s.min_last_quarter_value:
        raise _NotNow("below_tier", f"for outlets that bought at least {_money(s.min_last_quarter_value)} last quarter "
                      f"(this one: {_money(bought)})", round_money(s.min_last_quarter_value - bought))
    candidates = _candidate_lines(s, ctx)
    # A combinable scheme is open where no exclusive one applied; an exclusive one where nothing
    # applied (an exclusive line is a touched line, so "not touched" says both).
    if s.stacking == EXCLUSIVE:
        open_lines = [line for line in candidates if not line.touched]
    else:
        open_lines = [line for line in candidates if not line.exclusive]
    if not open_lines:
        if not candidates:
            raise _NotNow("not_targeted", "no line of the basket is targeted")
        raise _NotNow("stacked_out", "another scheme of higher priority already applies to its lines and they do not stack")
    gives = GIVERS[s.kind](s, open_lines, ctx)
    rounded = []
    for g in gives:
        if g.free_quantity:
            rounded.append((g, _round(g.amount)))
        else:
            amount = min(_round(g.amount), g.line.left)  # never more than what is left of the net
            if amount > 0:
                rounded.append((g, amount))
    if not rounded:
        raise _NotNow("nothing_left", "the lines are already fully discounted")
    used = _budget_use(s, rounded)
    left = budget_left.get(s.id)
    if left is not None and used > left:
        raise _NotNow("budget_exhausted", f"its budget has {left.normalize():f} left, this basket would use {used.normalize():f}")
    exclusive, whole = s.stacking == EXCLUSIVE, s.funding_share == HUNDRED
    for g, amount in rounded:
        discount = ZERO if g.free_quantity else amount
        g.line.left -= discount
        g.line.touched = True
        g.line.exclusive = g.line.exclusive or exclusive
        # amount is in whole paise already, so a 100 % share funds exactly it.
        funded = amount if whole else _round(amount * s.funding_share / HUNDRED)
        g.line.applied.append(_new(AppliedScheme, (s.id, s.code, s.name, s.kind, amount, discount, g.free_quantity, g.free_sku_id,
                                                   s.funding_share, funded, g.reason, g.hint)))
    return used


def _finish(line: _Line) -> PricedLine:
    discount = line.gross - line.left  # the sum of the applied discounts, each taken off ``left``
    net = line.gross - discount
    tax = round_money(net * line.sku.tax_rate / HUNDRED)
    p = line.price
    return PricedLine(line.sku.id, line.quantity, p.selling, p.landing, line.sku.mrp, p.list_id, p.list_code, p.reason,
                      line.gross, discount, net, line.sku.tax_rate, tax, net + tax, tuple(line.applied), line.sku.code)


def price_basket(*, outlet: OutletFacts, lines: Sequence[tuple[int, int]], skus: Mapping[int, SkuFacts],
                 price_lists: Iterable[PriceListFacts], schemes: Iterable[SchemeFacts], on: date,
                 budget_left: Mapping[int, Decimal] | None = None) -> PricedBasket:
    """Price ``lines`` ((SKU id, quantity in base units), one line per SKU) for ``outlet`` on
    ``on``. ``skus`` holds every SKU of the lines and every free SKU of the schemes;
    ``budget_left`` the budget left of the budgeted schemes, in their basis (a scheme whose
    benefit on this basket would exceed it does not apply). Lines come back in the given order."""
    if len({sku_id for sku_id, _ in lines}) != len(lines):
        raise ValueError("one line per SKU")
    ranked = sorted((pl for pl in price_lists if price_list_applies(pl, outlet, on)), key=price_rank)
    wanted = {sku_id for sku_id, _ in lines}
    found = {sku.id: unit_price(sku, ranked) for sku in skus.values() if sku.is_active or sku.id in wanted}
    prices = {sku_id: price.selling for sku_id, price in found.items() if skus[sku_id].is_active}
    work, by_key = [], {}
    for at, (sku_id, quantity) in enumerate(sorted(lines)):
        sku = skus[sku_id]
        price = found[sku_id]
        gross = _round(price.selling * quantity)
        work.append(_Line(sku, quantity, price, gross, gross, sku.keys))
        for key in work[-1].keys:
            by_key[key] = (*by_key.get(key, ()), at)
    usage, not_applied = {}, []
    ctx = _Ctx(outlet, skus, prices, work, by_key)
    in_basket = frozenset(by_key)
    live = sorted((s for s in schemes if s.valid_on(on) and s.targets_outlet(outlet) and _may_touch(s, in_basket)), key=scheme_rank)
    for s in live:
        try:
            usage[s.id] = _apply_one(s, ctx, budget_left or {})
        except _NotNow as why:
            if why.code != "not_targeted":
                not_applied.append(NotApplied(s.id, s.code, s.name, why.code, why.message, why.shortfall))
    by_sku = {line.sku.id: _finish(line) for line in work}
    priced = tuple(by_sku[sku_id] for sku_id, _ in lines)
    totals = [sum((getattr(line, name) for line in priced), ZERO) for name in ("gross", "discount", "net", "tax")]
    return PricedBasket(priced, tuple(not_applied), *totals, totals[2] + totals[3], usage, outlet.distributor_id)


# Re-pricing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineDifference:
    sku_id: int
    quantity: int
    was_unit_price: Decimal
    now_unit_price: Decimal
    was_total: Decimal
    now_total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.now_total - self.was_total


def reprice_difference(*, placed: Iterable, priced: PricedBasket) -> list[LineDifference]:
    """What changes if lines placed earlier (objects with ``sku_id``, ``quantity``, ``unit_price``
    and ``total``, e.g. order lines, which keep the prices they were placed at) were priced again
    as ``priced``. Only lines whose total or unit price differs are returned, by SKU id."""
    now = {line.sku_id: line for line in priced.lines}
    out = []
    for line in sorted(placed, key=lambda ln: ln.sku_id):
        new = now.get(line.sku_id)
        if new is None:
            continue
        if new.total != line.total or new.unit_price != line.unit_price:
            out.append(LineDifference(line.sku_id, line.quantity, line.unit_price, new.unit_price, line.total, new.total))
    return out
