"""27 months of secondary sales and stock, planned without the database.

``plan_history(plan, today=...)`` draws the outlets' orders from the demand model
(distra.demo.demand), then replays the distributors' warehouses day by day: opening stock in 2-4
batches per SKU, a weekly replenishment review that receives whole cases of the newest batch
(enough for the next two weeks of demand), FEFO allocation of every order line (never an expired
batch), expired stock written off 30 days after expiry, and a few stockouts (replenishment of a
SKU at a warehouse withheld for a while, so that orders there lose sales: the shortfall is
cancelled). A handful of slow positions receive stock that ends near or past expiry, so the stock
alerts have something to say today. Same seed and same ``today``: the same history.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from distra.demo.demand import (
    FESTIVALS,
    Promotion,
    festival_factors,
    promotion_on,
    season,
    trend,
)
from distra.demo.plan import DemoPlan

HISTORY_MONTHS = 27
WRITE_OFF_AFTER_DAYS = 30
REORDER_COVER_DAYS = 8  # the review orders when usable stock covers less than this ...
ORDER_UP_TO_DAYS = 21  # ... and then up to this many days of coming demand
# Per outlet class: chance a weekly visit produces an order, share of the SKUs the outlet stocks,
# chance each of them is on an order, typical line in cases.
CLASS_HABITS = {"A": (0.26, 0.22, 0.17, 0.8), "B": (0.12, 0.13, 0.22, 0.35), "C": (0.05, 0.07, 0.3, 0.15)}
CHANNEL_SIZE = {"general_trade": 1.0, "modern_trade": 1.6, "pharmacy": 0.7, "horeca": 0.9, "wholesale": 3.0}
CHANNEL_AFFINITY = {
    "pharmacy": {"SOAP": 3.0, "SHMP": 3.0, "BISC": 0.8, "TEA": 0.6, "*": 0.15},
    "horeca": {"TEA": 3.0, "CSD": 3.0, "NOOD": 2.0, "NAMK": 1.0, "*": 0.2},
}
# Reps visit Monday to Saturday (weights); modern trade and wholesale also take Sunday orders.
BEAT_DAYS = (1.15, 1.0, 0.95, 1.0, 1.1, 1.3, 0.0)
SUNDAY_CHANNELS = {"modern_trade": 0.6, "wholesale": 0.4}
WEEKDAY_SIZE = (1.05, 1.0, 0.95, 1.0, 1.05, 1.15, 1.0)


@dataclass(frozen=True, slots=True)
class BatchSpec:
    sku_code: str
    number: str
    manufactured_on: date
    expires_on: date


@dataclass(slots=True)
class LinePlan:
    sku_code: str
    quantity: int
    discount_pct: int
    allocated: int = 0
    picks: list[tuple[str, int]] = field(default_factory=list)  # (batch number, quantity), FEFO order


@dataclass(slots=True)
class OrderPlan:
    outlet_code: str
    distributor_code: str
    warehouse_code: str
    placed_at: datetime
    lines: list[LinePlan]
    invoiced_at: datetime | None = None
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MovePlan:
    """A stock move other than a sale issue (those come from the orders' picks)."""

    warehouse_code: str
    sku_code: str
    batch_number: str
    quantity: int
    kind: str
    at: datetime
    key: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Stockout:
    warehouse_code: str
    sku_code: str
    start: date
    end: date


@dataclass
class HistoryPlan:
    start: date
    end: date
    batches: list[BatchSpec]
    orders: list[OrderPlan]
    moves: list[MovePlan]
    promotions: list[Promotion]
    stockouts: list[Stockout]
    near_expiry: list[tuple[str, str]]  # (warehouse, sku) positions planted with stock near expiry
    expired: list[tuple[str, str]]  # ... and with expired stock still on hand


def months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def plan_history(plan: DemoPlan, *, today: date, tz: tzinfo, depots: bool = False, progress=None) -> HistoryPlan:
    rng = random.Random(f"history-{plan.seed}")
    end = today - timedelta(days=1)
    start = months_back(today, HISTORY_MONTHS)
    skus = {s.code: s for s in plan.catalog.skus}
    batches = _plan_batches(rng, plan, start, today)
    promotions = _plan_promotions(rng, plan, start, end)
    orders = _plan_orders(rng, plan, start, end, promotions, tz, progress)
    sim = _Simulation(rng, plan, skus, batches, start, end, tz)
    sim.demand_from(orders)
    sim.plan_stockouts()
    near, expired = sim.plan_aging(today)
    sim.run(orders, progress)
    if depots:
        sim.depot_opening([d.code for d in plan.depots])
    orders = [o for o in orders if any(line.allocated for line in o.lines)]
    _stamp_deliveries(rng, orders, end, tz)
    return HistoryPlan(start=start, end=end, batches=sim.used_batches(), orders=orders, moves=sim.moves,
                       promotions=promotions, stockouts=sim.stockouts(), near_expiry=near, expired=expired)


def warehouse_for(plan: DemoPlan) -> dict[str, str]:
    """Each outlet's warehouse: the distributor's warehouse in the outlet's territory (a second
    warehouse stands in its second territory), else its first."""
    by_code = {d.code: d for d in plan.distributors}
    result = {}
    for o in plan.outlets:
        d = by_code[o.distributor_code]
        index = d.territory_codes.index(o.territory_code)
        result[o.code] = d.warehouses[min(index, len(d.warehouses) - 1)].code
    return result


# Batches and promotions ------------------------------------------------------------------------

def _plan_batches(rng: random.Random, plan: DemoPlan, start: date, today: date) -> dict[str, list[BatchSpec]]:
    """Per SKU, the batches the brand made, every 10-24 days from well before the history to now."""
    result = {}
    for sku in plan.catalog.skus:
        cycle = rng.randint(10, 24)
        day = start - timedelta(days=min(sku.shelf_life_days - 30, 150) - rng.randint(0, cycle))
        made = []
        while day <= today - timedelta(days=3):
            made.append(BatchSpec(sku.code, f"{sku.code.replace('-', '')}{day:%y%m%d}", day,
                                  day + timedelta(days=sku.shelf_life_days)))
            day += timedelta(days=cycle + rng.randint(-2, 2))
        result[sku.code] = made
    return result


def _plan_promotions(rng: random.Random, plan: DemoPlan, start: date, end: date) -> list[Promotion]:
    """Two or three trade promotions a quarter, each on a few SKUs of one category for 2-4 weeks."""
    by_category: dict[str, list[str]] = {}
    for sku in plan.catalog.skus:
        by_category.setdefault(sku.category_code, []).append(sku.code)
    promotions, quarter, number = [], start, 1
    while quarter < end:
        for _ in range(rng.randint(2, 3)):
            category = rng.choice(sorted(by_category))
            codes = by_category[category]
            chosen = frozenset(rng.sample(codes, max(1, min(len(codes), rng.randint(1, 4)))))
            begin = quarter + timedelta(days=rng.randint(0, 75))
            promotions.append(Promotion(
                code=f"PROMO-{number:03d}", name=f"{category} offer {begin:%b %Y}", sku_codes=chosen, start=begin,
                end=min(end, begin + timedelta(days=rng.choice((13, 20, 27)))), uplift=rng.uniform(1.3, 1.9),
                discount_pct=rng.choice((5, 7, 8, 10)),
            ))
            number += 1
        quarter += timedelta(days=91)
    return promotions


# Orders ---------------------------------------------------------------------------------------

def _day_factors(plan: DemoPlan, start: date, end: date) -> list[dict[str, float]]:
    """Per day of the history: the demand factor per category (season × festival × trend) and,
    under ``*``, the factor on an outlet ordering at all."""
    categories = sorted({s.category_code for s in plan.catalog.skus})
    festivals = festival_factors(start, end)
    result = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        fest = festivals.get(day, {})
        growth = trend(day, start)
        factors = {c: season(c, day) * fest.get(c, fest.get("*", 1.0)) * growth for c in categories}
        factors["*"] = growth * (1 + (max(fest.values(), default=1.0) - 1) * 0.5)
        result.append(factors)
    return result


def _basket(rng: random.Random, plan: DemoPlan, popularity: dict[str, float], channel: str, share: float) -> list[str]:
    """The SKUs an outlet stocks: a weighted sample without replacement (popular SKUs and those
    its channel sells more likely)."""
    affinity = CHANNEL_AFFINITY.get(channel, {})
    keyed = []
    for sku in plan.catalog.skus:
        weight = popularity[sku.code] * affinity.get(sku.category_code, affinity.get("*", 1.0))
        keyed.append((rng.random() ** (1 / weight), sku.code))
    count = max(2, round(share * len(keyed)))
    return [code for _, code in sorted(keyed, reverse=True)[:count]]


def _plan_orders(rng, plan: DemoPlan, start: date, end: date, promotions: list[Promotion], tz, progress) -> list[OrderPlan]:
    skus = {s.code: s for s in plan.catalog.skus}
    ranks = list(skus)
    rng.shuffle(ranks)
    popularity = {code: 1 / (rank + 1) ** 0.7 for rank, code in enumerate(ranks)}
    promos_by_sku: dict[str, list[Promotion]] = {}
    for promo in promotions:
        for code in promo.sku_codes:
            promos_by_sku.setdefault(code, []).append(promo)
    factors = _day_factors(plan, start, end)
    warehouses = warehouse_for(plan)
    rate = plan.scale.order_rate
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    orders: list[OrderPlan] = []
    active = [o for o in plan.outlets if o.status == "active"]
    bar = progress(total=len(active), desc="Planning order history") if progress else None
    for outlet in active:
        p_order, share, p_line, cases = CLASS_HABITS[outlet.outlet_class]
        days = list(BEAT_DAYS[:6]) + [SUNDAY_CHANNELS.get(outlet.channel, 0.0)]
        beat = rng.choices(range(7), weights=days)[0]
        basket = _basket(rng, plan, popularity, outlet.channel, share)
        stocked = [(code, skus[code].category_code, promos_by_sku.get(code),
                    max(1.0, skus[code].units_per_case * cases * CHANNEL_SIZE[outlet.channel] * rng.uniform(0.6, 1.4)))
                   for code in basket]
        for week in range(weeks):
            day = first_monday + timedelta(days=week * 7 + beat)
            offset = (day - start).days
            # Orders placed on the last day would be delivered today: they are not history.
            if offset < 0 or day >= end or rng.random() > p_order * rate * factors[offset]["*"]:
                continue
            lines, today_factors, weekday_size = [], factors[offset], WEEKDAY_SIZE[day.weekday()]
            for code, category, promos, size in stocked:
                promo = promotion_on(promos, code, day) if promos else None
                lift = math.sqrt(today_factors[category] * (promo.uplift if promo else 1.0))
                if rng.random() < p_line * lift:
                    quantity = max(1, round(size * rng.lognormvariate(0, 0.5) * lift * weekday_size))
                    lines.append(LinePlan(code, quantity, promo.discount_pct if promo else 0))
            if lines:
                placed = datetime.combine(day, time(9), tz) + timedelta(minutes=rng.randint(0, 600))
                orders.append(OrderPlan(outlet.code, outlet.distributor_code, warehouses[outlet.code], placed, lines))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    orders.sort(key=lambda o: (o.placed_at, o.outlet_code))
    return orders


def _stamp_deliveries(rng: random.Random, orders: list[OrderPlan], end: date, tz) -> None:
    """Invoiced early the next working day, dispatched within the hour, delivered that day."""
    for order in orders:
        day = order.placed_at.date() + timedelta(days=1)
        if day.weekday() == 6:
            day += timedelta(days=1)
        day = min(day, end)
        order.invoiced_at = datetime.combine(day, time(7), tz) + timedelta(minutes=rng.randint(0, 50))
        order.dispatched_at = order.invoiced_at + timedelta(minutes=rng.randint(20, 60))
        order.delivered_at = order.dispatched_at + timedelta(minutes=rng.randint(60, 480))


# The warehouses, day by day -------------------------------------------------------------------

class _Simulation:
    """Stock per (warehouse, SKU): a list of [expires_on, batch number, quantity], earliest
    expiry first."""

    def __init__(self, rng, plan: DemoPlan, skus, batches: dict[str, list[BatchSpec]], start: date, end: date, tz):
        self.rng, self.plan, self.skus, self.batches = rng, plan, skus, batches
        self.start, self.end, self.tz = start, end, tz
        self.days = (end - start).days + 1
        self.stock: dict[tuple[str, str], list[list]] = {}
        self.demand: dict[tuple[str, str], list[int]] = {}
        self.moves: list[MovePlan] = []
        self.withheld: dict[tuple[str, str], tuple[int, int]] = {}  # (first day, days out of stock)
        self.out_since: dict[tuple[str, str], int] = {}
        self.planted: dict[int, list[tuple[str, str, BatchSpec, int]]] = {}
        self.extra_batches: list[BatchSpec] = []
        self.made_on = {code: [b.manufactured_on for b in made] for code, made in batches.items()}
        self.used: set[tuple[str, str]] = set()
        warehouses = [w.code for d in plan.distributors for w in d.warehouses]
        self.review_day = {code: rng.choice((0, 0, 1, 2)) for code in warehouses}

    def demand_from(self, orders: list[OrderPlan]) -> None:
        for order in orders:
            offset = (order.placed_at.date() - self.start).days
            for line in order.lines:
                series = self.demand.setdefault((order.warehouse_code, line.sku_code), [0] * self.days)
                series[offset] += line.quantity

    def _at(self, offset: int, hour: int) -> datetime:
        return datetime.combine(self.start + timedelta(days=offset), time(hour), self.tz)

    def _ranked(self) -> list[tuple[str, str]]:
        return sorted(self.demand, key=lambda pair: (-sum(self.demand[pair]), pair))

    def plan_stockouts(self) -> None:
        """A few popular positions whose replenishment stops, until they have been out of stock
        (orders there short) for 2-4 weeks; one never resumes (still out of stock today)."""
        ranked = self._ranked()
        count = max(3, len({w for w, _ in ranked}) // 3)
        # The busiest position is the one still out today: it surely runs out within 60 days.
        self.withheld[ranked[0]] = (self.days - 60, self.days)
        for pair in sorted(self.rng.sample(ranked[1: max(count, len(ranked) // 8)], min(count, len(ranked)) - 1)):
            self.withheld[pair] = (self.rng.randint(60, self.days - 120), self.rng.randint(14, 28))

    def stockouts(self) -> list[Stockout]:
        """The stockouts as they happened: from the first short order to the first receipt after."""
        result = []
        for pair, (_, length) in sorted(self.withheld.items()):
            out = self.out_since.get(pair)
            if out is not None:
                last = min(out + length, self.days - 1)
                result.append(Stockout(pair[0], pair[1], self.start + timedelta(days=out), self.start + timedelta(days=last)))
        return result

    def plan_aging(self, today: date) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Slow positions that get a delivery of an old batch: four end near expiry, two past it
        (expired stock is written off only 30 days after expiry)."""
        ranked = [pair for pair in self._ranked() if pair not in self.withheld and sum(self.demand[pair][-60:]) > 0]
        slow = ranked[len(ranked) // 2:]
        chosen = self.rng.sample(slow, min(6, len(slow)))
        near, expired = chosen[:4], chosen[4:]
        for pair, (arrive, expires) in [(p, (self.days - 20, today + timedelta(days=self.rng.randint(8, 25)))) for p in near] + \
                [(p, (self.days - 50, today - timedelta(days=self.rng.randint(3, 12)))) for p in expired]:
            sku = self.skus[pair[1]]
            made = expires - timedelta(days=sku.shelf_life_days)
            batch = BatchSpec(sku.code, f"{sku.code.replace('-', '')}{made:%y%m%d}R", made, expires)
            self.extra_batches.append(batch)
            sold = sum(self.demand[pair][arrive:(expires - self.start).days + 1])
            quantity = sold + 2 * sku.units_per_case
            self.planted.setdefault(arrive, []).append((pair[0], pair[1], batch, quantity))
        return near, expired

    def run(self, orders: list[OrderPlan], progress) -> None:
        by_day: dict[int, list[OrderPlan]] = {}
        for order in orders:
            by_day.setdefault((order.placed_at.date() - self.start).days, []).append(order)
        self._opening()
        bar = progress(total=self.days, desc="Replaying 27 months of stock") if progress else None
        for offset in range(self.days):
            weekday = (self.start + timedelta(days=offset)).weekday()
            for warehouse, sku_code, batch, quantity in self.planted.get(offset, []):
                self._receive(warehouse, sku_code, batch, quantity, offset, "receipt", f"demo:aging:{warehouse}:{batch.number}")
            for pair in self.demand:
                if self.review_day[pair[0]] == weekday:
                    self._review(pair, offset)
            for order in by_day.get(offset, []):
                for line in order.lines:
                    self._allocate(order.warehouse_code, line, offset)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()

    def _opening(self) -> None:
        """Opening stock at the start: three weeks of demand and a case, in 2-4 batches (the
        newest holding most), each made before the start and good for at least three weeks."""
        for pair in sorted(self.demand):
            sku = self.skus[pair[1]]
            usable = [b for b in self.batches[sku.code]
                      if b.manufactured_on <= self.start - timedelta(days=5) and b.expires_on >= self.start + timedelta(days=21)]
            if not usable:
                continue
            chosen = usable[-self.rng.randint(2, 4):]
            cases = math.ceil(sum(self.demand[pair][:21]) * 1.3 / sku.units_per_case) + len(chosen)
            weights = [i + 1 for i in range(len(chosen))]
            for batch, weight in zip(chosen, weights, strict=True):
                quantity = max(1, round(cases * weight / sum(weights))) * sku.units_per_case
                self._receive(pair[0], sku.code, batch, quantity, 0, "opening", f"demo:opening:{pair[0]}:{batch.number}", hour=6)

    def _receive(self, warehouse: str, sku_code: str, batch: BatchSpec, quantity: int, offset: int, kind: str, key: str,
                 hour: int = 7) -> None:
        lots = self.stock.setdefault((warehouse, sku_code), [])
        for lot in lots:
            if lot[1] == batch.number:
                lot[2] += quantity
                break
        else:
            lots.append([batch.expires_on, batch.number, quantity])
            lots.sort()
        self.used.add((sku_code, batch.number))
        self.moves.append(MovePlan(warehouse, sku_code, batch.number, quantity, kind, self._at(offset, hour), key))

    def _review(self, pair: tuple[str, str], offset: int) -> None:
        """The weekly review: write off stock expired 30 days ago, then (unless replenishment is
        withheld) receive whole cases of the newest batch up to two weeks of coming demand."""
        day = self.start + timedelta(days=offset)
        lots = self.stock.get(pair, [])
        for lot in [lot for lot in lots if lot[0] <= day - timedelta(days=WRITE_OFF_AFTER_DAYS) and lot[2] > 0]:
            self.moves.append(MovePlan(pair[0], pair[1], lot[1], -lot[2], "adjustment", self._at(offset, 8),
                                       f"demo:writeoff:{pair[0]}:{lot[1]}", reason="expiry_write_off"))
            lot[2] = 0
        lots[:] = [lot for lot in lots if lot[2] > 0]
        withheld = self.withheld.get(pair)
        if withheld and offset >= withheld[0]:
            out = self.out_since.get(pair)
            if out is None or offset - out < withheld[1]:
                return
        sku = self.skus[pair[1]]
        series = self.demand[pair]
        usable = sum(lot[2] for lot in lots if lot[0] > day + timedelta(days=7))
        if usable >= math.ceil(sum(series[offset:offset + REORDER_COVER_DAYS]) * 1.2):
            return
        need = math.ceil(sum(series[offset:offset + ORDER_UP_TO_DAYS]) * 1.15)
        made = self.made_on[sku.code]
        batch = self.batches[sku.code][bisect.bisect_right(made, day - timedelta(days=4)) - 1]
        quantity = max(1, math.ceil((need - usable) / sku.units_per_case)) * sku.units_per_case
        self._receive(pair[0], sku.code, batch, quantity, offset, "receipt", f"demo:receipt:{pair[0]}:{sku.code}:{day:%Y%m%d}")

    def _allocate(self, warehouse: str, line: LinePlan, offset: int) -> None:
        """FEFO: the batches expiring first, never one expiring before tomorrow."""
        tomorrow = self.start + timedelta(days=offset + 1)
        wanted = line.quantity
        for lot in self.stock.get((warehouse, line.sku_code), []):
            if wanted == 0:
                break
            if lot[0] < tomorrow or lot[2] == 0:
                continue
            take = min(wanted, lot[2])
            lot[2] -= take
            wanted -= take
            line.picks.append((lot[1], take))
        line.allocated = line.quantity - wanted
        if wanted and (warehouse, line.sku_code) in self.withheld:
            self.out_since.setdefault((warehouse, line.sku_code), offset)

    def depot_opening(self, depots: list[str]) -> None:
        """The brand depots' stock, opened ten days ago: 2-4 recent batches per SKU, 10-60 cases each."""
        offset = self.days - 10
        made_before = self.start + timedelta(days=offset - 2)
        for depot in depots:
            for sku in self.skus.values():
                recent = [b for b in self.batches[sku.code] if b.manufactured_on <= made_before][-self.rng.randint(2, 4):]
                for batch in recent:
                    self._receive(depot, sku.code, batch, self.rng.randint(10, 60) * sku.units_per_case, offset, "opening",
                                  f"demo:opening:{depot}:{batch.number}", hour=6)

    def used_batches(self) -> list[BatchSpec]:
        every = [b for made in self.batches.values() for b in made] + self.extra_batches
        # Two slow positions of one SKU may get the same old batch (same dates, same number).
        unique = {(b.sku_code, b.number): b for b in every}
        return [b for key, b in unique.items() if key in self.used]


def festival_names() -> dict[str, str]:
    return {key: spec.name for key, spec in FESTIVALS.items()}
