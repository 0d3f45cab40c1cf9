"""What the engine needs, read from the database in a few queries.

The active price lists (with their items) and active schemes (with their targets) are cached per
process with the ``PricingVersion`` token they were read at, and indexed by what they target
(``LiveIndex``); each quote reads the token (with the outlet, in one statement) and reloads when
it moved, so a change is seen by the very next quote. The SKUs and the budget balances are read
per quote too, together in a second statement.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from distra.catalog.models import SKU, Category
from distra.pricing.choices import Lifecycle, SchemeKind, TargetKind
from distra.pricing.domain import (
    COMBO,
    OutletFacts,
    PriceListFacts,
    SchemeFacts,
    SkuFacts,
    Slab,
    price_list_applies,
    price_rank,
    scheme_rank,
)
from distra.pricing.models import (
    PriceList,
    PriceListItem,
    PricingVersion,
    Scheme,
    SchemeBudget,
    SchemeBudgetSlot,
    SchemeTarget,
)

_lock = threading.Lock()
_cache: dict[str, object] = {"token": None, "facts": None}


_MEMO_SIZE = 4096  # outlets (or days) whose lookups a LiveIndex remembers before starting afresh


class LiveIndex:
    """The live schemes and price lists arranged by what they target, built once per cache
    version, so that a quote looks only at those that can apply to its outlet and lines.

    ``schemes_for`` returns every scheme that is valid on the day, targets the outlet and may
    touch one of the basket's SKU keys (``SkuFacts.keys``), in ``scheme_rank`` order: exactly the
    schemes the engine would consider out of all of them (test_live_index checks it), so giving
    the engine these instead of all prices the basket the same. ``price_lists_for`` returns the
    lists that apply to the outlet on the day, in ``price_rank`` order."""

    _OUTLET_TARGETS = (("channels", "channel"), ("classes", "outlet_class"), ("distributor_ids", "distributor_id"),
                       ("outlet_ids", "outlet_id"))

    def __init__(self, schemes: Iterable[SchemeFacts], price_lists: Iterable[PriceListFacts]):
        self.schemes = tuple(sorted(schemes, key=scheme_rank))
        self.price_lists = tuple(sorted(price_lists, key=price_rank))
        self._any_sku: set[int] = set()  # positions in self.schemes
        self._by_key: dict[tuple, set[int]] = defaultdict(set)
        self._free = {attr: set() for attr, _ in self._OUTLET_TARGETS}  # positions not restricted on attr
        self._named: dict[str, dict[object, set[int]]] = {attr: defaultdict(set) for attr, _ in self._OUTLET_TARGETS}
        self._geo_free: set[int] = set()
        self._geo_named: dict[str, set[int]] = defaultdict(set)
        for at, s in enumerate(self.schemes):
            keys = {("s", sku_id) for sku_id, _ in s.combo} if s.kind == COMBO else s.product_keys
            for key in keys:
                self._by_key[key].add(at)
            if not keys:
                self._any_sku.add(at)
            for attr, _ in self._OUTLET_TARGETS:
                for value in getattr(s, attr) or [None]:
                    (self._named[attr][value] if value is not None else self._free[attr]).add(at)
            for path in s.geo_paths or [None]:
                (self._geo_named[path] if path is not None else self._geo_free).add(at)
        self._memo: dict[tuple, object] = {}

    def _remember(self, key: tuple, make):
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = make()
        return found

    def _valid_on(self, on: date) -> frozenset[int]:
        return self._remember(("on", on), lambda: frozenset(at for at, s in enumerate(self.schemes) if s.valid_on(on)))

    def _on_geo(self, geo_path: str) -> frozenset[int]:
        def make():
            return frozenset(self._geo_free.union(*(ats for path, ats in self._geo_named.items() if geo_path.startswith(path))))
        return self._remember(("geo", geo_path), make)

    def _for_outlet(self, outlet: OutletFacts, on: date) -> set[int]:
        """Positions of the schemes valid on ``on`` whose outlet targets match ``outlet``."""
        found = self._valid_on(on) & self._on_geo(outlet.geo_path)
        for attr, outlet_attr in self._OUTLET_TARGETS:
            named = self._named[attr].get(getattr(outlet, outlet_attr))
            found &= self._free[attr] | named if named else self._free[attr]
        return found

    def outlet_schemes(self, outlet: OutletFacts, on: date) -> list[SchemeFacts]:
        """The schemes valid on ``on`` that target ``outlet``, whatever the basket."""
        return [self.schemes[at] for at in sorted(self._for_outlet(outlet, on))]

    def schemes_for(self, outlet: OutletFacts, on: date, sku_keys: Iterable[tuple]) -> list[SchemeFacts]:
        touching = set(self._any_sku).union(*(self._by_key.get(key, ()) for key in set(sku_keys)))
        return [self.schemes[at] for at in sorted(touching & self._for_outlet(outlet, on))]

    def price_lists_for(self, outlet: OutletFacts, on: date) -> tuple[PriceListFacts, ...]:
        key = ("lists", on, outlet.outlet_id, outlet.distributor_id, outlet.geo_path, outlet.channel, outlet.outlet_class)
        return self._remember(key, lambda: tuple(pl for pl in self.price_lists if price_list_applies(pl, outlet, on)))


@dataclass(frozen=True)
class LiveFacts:
    price_lists: tuple[PriceListFacts, ...]
    schemes: tuple[SchemeFacts, ...]
    free_sku_ids: frozenset[int]
    budgeted: frozenset[int]  # schemes with a budget
    needs_history: bool  # a scheme looks at the outlet's previous orders or last quarter
    index: LiveIndex = field(default=None, compare=False)  # type: ignore[assignment]


def _rows(sql: str, params) -> list[tuple]:
    """Raw SQL for the order hot path: the ORM's query building costs more than these small
    indexed reads themselves (each statement is written once, below, with placeholders). Run by
    ``core.sql.execute``: prepared on PostgreSQL, as the order path's other statements."""
    from distra.core.sql import execute

    return execute(sql, params)


def _dec(value, places: str = "0.01") -> Decimal:
    """A decimal column as read raw (SQLite gives floats or ints; PostgreSQL Decimals)."""
    return value.quantize(Decimal(places)) if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal(places))


def current_token() -> str:
    rows = _rows(f"SELECT token FROM {PricingVersion._meta.db_table} WHERE id = 1", [])
    return rows[0][0] if rows else ""


def live_facts(token: str | None = None) -> LiveFacts:
    """The active price lists and schemes, from the per-process cache when it is current.
    ``token``: the current token, when the caller has just read it (else it is read here)."""
    token = current_token() if token is None else token
    if _cache["token"] == token and _cache["facts"] is not None:
        return _cache["facts"]
    with _lock:
        schemes = tuple(load_schemes())
        price_lists = tuple(load_price_lists())
        facts = LiveFacts(price_lists, schemes, frozenset(s.free_sku_id for s in schemes if s.free_sku_id),
                          frozenset(load_budgeted_ids()),
                          any(s.kind == SchemeKind.FIRST_ORDER or s.min_last_quarter_value is not None for s in schemes),
                          LiveIndex(schemes, price_lists))
        _cache.update(token=token, facts=facts)
    return facts


def cached_facts() -> LiveFacts | None:
    """The facts cached by this process, current or not (a guess of what the next quote reads)."""
    return _cache["facts"]


def load_price_lists(ids=None) -> list[PriceListFacts]:
    qs = PriceList.objects.select_related("geography") if ids is not None else (
        PriceList.objects.filter(status=Lifecycle.ACTIVE).select_related("geography"))
    lists = list(qs.filter(pk__in=ids) if ids is not None else qs)
    items: dict[int, dict[int, tuple[Decimal, Decimal]]] = {pl.pk: {} for pl in lists}
    for pl_id, sku_id, selling, landing in PriceListItem.objects.filter(price_list__in=[pl.pk for pl in lists]).values_list(
            "price_list_id", "sku_id", "selling_price", "landing_price"):
        items[pl_id][sku_id] = (selling, landing)
    return [price_list_facts(pl, items[pl.pk]) for pl in lists]


def price_list_facts(pl: PriceList, items) -> PriceListFacts:
    return PriceListFacts(pl.pk, pl.code, pl.priority, pl.valid_from, pl.valid_to, items,
                          geo_path=pl.geography.path if pl.geography_id else "", channel=pl.channel,
                          outlet_class=pl.outlet_class, distributor_id=pl.distributor_id, outlet_id=pl.outlet_id)


def load_schemes(ids=None) -> list[SchemeFacts]:
    qs = Scheme.objects.filter(pk__in=ids) if ids is not None else Scheme.objects.filter(status=Lifecycle.ACTIVE)
    schemes = list(qs)
    targets: dict[int, list[SchemeTarget]] = {s.pk: [] for s in schemes}
    for t in SchemeTarget.objects.filter(scheme__in=[s.pk for s in schemes]).select_related("geography", "category"):
        targets[t.scheme_id].append(t)
    return [scheme_facts(s, targets[s.pk]) for s in schemes]


def load_budgeted_ids() -> list[int]:
    return list(Scheme.objects.filter(status=Lifecycle.ACTIVE, budgets__isnull=False).values_list("pk", flat=True).distinct())


def _slabs(rows) -> tuple[Slab, ...]:
    return tuple(Slab(Decimal(str(r["min"])), Decimal(str(r["max"])) if r.get("max") not in (None, "") else None,
                      Decimal(str(r["percent"]))) for r in rows or ())


def scheme_facts(s: Scheme, targets: list[SchemeTarget]) -> SchemeFacts:
    """The engine's view of a scheme and its target rows."""
    def of(kind, attr):
        return [getattr(t, attr) for t in targets if t.kind == kind]

    return SchemeFacts(
        id=s.pk, code=s.code, name=s.name, kind=s.kind, valid_from=s.valid_from, valid_to=s.valid_to, priority=s.priority,
        stacking=s.stacking, funding_share=s.funding_share_pct, percent=s.percent, amount=s.amount, per=s.per,
        slabs=_slabs(s.slabs), buy=s.buy_quantity, free=s.free_quantity, free_sku_id=s.free_sku_id, max_free=s.max_free_per_order,
        combo=tuple((int(c["sku_id"]), int(c["quantity"])) for c in s.combo_items or ()),
        min_last_quarter_value=s.min_last_quarter_value, budget_basis=s.budget_basis,
        geo_paths=tuple(t.geography.path for t in targets if t.kind == TargetKind.GEOGRAPHY),
        channels=frozenset(of(TargetKind.CHANNEL, "value")), classes=frozenset(of(TargetKind.OUTLET_CLASS, "value")),
        distributor_ids=frozenset(of(TargetKind.DISTRIBUTOR, "distributor_id")), outlet_ids=frozenset(of(TargetKind.OUTLET, "outlet_id")),
        sku_ids=frozenset(of(TargetKind.SKU, "sku_id")), category_paths=tuple(t.category.path for t in targets if t.kind == TargetKind.CATEGORY),
        brand_ids=frozenset(of(TargetKind.BRAND, "brand_id")),
    )


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def basket_facts(sku_ids, budget_scheme_ids, distributor_id: int | None) -> tuple[dict[int, SkuFacts], dict[int, Decimal]]:
    """The SKUs' facts, and per scheme of ``budget_scheme_ids`` what is left of its overall budget
    and of the distributor's, whichever is less (a scheme without a budget is absent): one
    statement, the two reads joined by UNION ALL (rows marked 0 and 1) to spare a round trip."""
    sku_ids, scheme_ids = sorted(sku_ids), sorted(budget_scheme_ids)
    parts, params = [], []
    if sku_ids:
        parts.append(f"SELECT 0, s.id, s.code, s.brand_id, c.path, s.units_per_case, s.tax_rate, s.mrp, s.base_price, s.is_active "
                     f"FROM {SKU._meta.db_table} s JOIN {Category._meta.db_table} c ON c.id = s.category_id WHERE s.id IN ({_marks(sku_ids)})")
        params += sku_ids
    if scheme_ids:
        parts.append(f"SELECT 1, b.scheme_id, NULL, b.id, NULL, NULL, NULL, SUM(x.remaining), NULL, NULL "
                     f"FROM {SchemeBudgetSlot._meta.db_table} x JOIN {SchemeBudget._meta.db_table} b ON b.id = x.budget_id "
                     f"WHERE b.scheme_id IN ({_marks(scheme_ids)}) AND (b.distributor_id IS NULL OR b.distributor_id = %s) "
                     f"GROUP BY b.scheme_id, b.id")
        params += [*scheme_ids, distributor_id]
    skus: dict[int, SkuFacts] = {}
    left: dict[int, Decimal] = {}
    for r in _rows(" UNION ALL ".join(parts), params) if parts else ():
        if r[0] == 0:
            skus[r[1]] = SkuFacts(r[1], r[2], r[3], r[4], r[5], _dec(r[6]), _dec(r[7]), _dec(r[8]), bool(r[9]))
        else:
            total = _dec(r[7])
            left[r[1]] = min(left.get(r[1], total), total)
    return skus, left


def sku_facts(ids) -> dict[int, SkuFacts]:
    return basket_facts(ids, (), None)[0]


def sku_fact(sku: SKU, category_path: str = "") -> SkuFacts:
    return SkuFacts(sku.pk, sku.code, sku.brand_id, category_path, sku.units_per_case, sku.tax_rate, sku.mrp, sku.base_price, sku.is_active)


def previous_quarter(on: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter before the one ``on`` falls in."""
    first_this = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    last_prev = first_this - timedelta(days=1)
    return date(last_prev.year, 3 * ((last_prev.month - 1) // 3) + 1, 1), last_prev


@dataclass(frozen=True)
class OutletRead:
    """An outlet as a quote reads it: the engine's facts, what the scope and status checks need,
    and the pricing token current at the same moment."""

    facts: OutletFacts
    code: str
    status: str
    territory_id: int
    token: str
    history: bool  # whether ``facts`` holds the outlet's order history


def outlet_columns(on: date, *, history: bool) -> tuple[str, list]:
    """What a quote reads of outlet ``o`` (joined to its territory ``g``), as a select list and
    its parameters: the engine's facts, code, status, territory, the pricing token and, with
    ``history``, its earlier orders (cancelled and rejected ones do not count) and what it bought
    in the previous calendar quarter. ``outlet_from_row`` reads them back. For a statement that
    reads the outlet for more than pricing (taking an order: ``orders.services.creating``)."""
    from django.utils import timezone

    from distra.orders.choices import OrderStatus
    from distra.orders.models import Order

    columns = (f"o.id, o.distributor_id, g.path, o.channel, o.outlet_class, o.code, o.status, o.territory_id, "
               f"(SELECT v.token FROM {PricingVersion._meta.db_table} v WHERE v.id = 1)")
    if not history:
        return columns, []
    start, end = previous_quarter(on)
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    orders, gone = Order._meta.db_table, (OrderStatus.CANCELLED, OrderStatus.REJECTED)
    mine = f"FROM {orders} x WHERE x.outlet_id = o.id AND x.status NOT IN (%s, %s)"
    columns += f", (SELECT COUNT(*) {mine}), (SELECT COALESCE(SUM(x.total), 0) {mine} AND x.created_at >= %s AND x.created_at < %s)"
    return columns, [*gone, *gone, since, until]


def outlet_from_row(row, *, history: bool) -> OutletRead:
    """The OutletRead from the values of ``outlet_columns`` (in that order)."""
    known = {"previous_orders": row[9], "last_quarter_value": _dec(row[10])} if history else {}
    return OutletRead(OutletFacts(*row[:5], **known), row[5], row[6], row[7], row[8] or "", history)


def outlet_read(outlet_id: int, on: date, *, history: bool) -> OutletRead | None:
    """The outlet and the pricing token in one query (None: no such outlet); with ``history``,
    also its order history (``outlet_columns``)."""
    from distra.geography.models import GeoNode
    from distra.partners.models import Outlet

    columns, params = outlet_columns(on, history=history)
    rows = _rows(f"SELECT {columns} FROM {Outlet._meta.db_table} o JOIN {GeoNode._meta.db_table} g ON g.id = o.territory_id "  # noqa: S608
                 f"WHERE o.id = %s", [*params, outlet_id])
    if not rows:
        return None
    (row,) = rows
    return outlet_from_row(row, history=history)
