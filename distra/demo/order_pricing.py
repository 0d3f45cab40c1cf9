"""The demo's history orders priced as the order flow prices them: the delivered orders of the
last months get the price lists' prices and the schemes that applied on their day (benefits,
reasons, hints, schemes not applied), their SchemeBenefit rows (dated when the order was placed)
and what they took from scheme budgets; so a scheme's spend to date, its budget left and the
claims have real rows. Live orders (distra.demo.live_orders) go through ``order_create`` and are
priced there.

Every live scheme applies to the history as to a new order, priced by the same engine
(``distra.pricing.domain.price_basket``) with the same rounding: free goods become free lines as
``order_create`` makes them (one per scheme and free SKU, net 0), allocated and delivered from the
history's batches first expiry first (distra.demo.free_stock) before its stock is posted; each
outlet's first order in the history gets the first-order scheme (it is priced even when older than
the priced months).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from distra.core.bulk import insert_rows
from distra.demo.free_stock import FreeStock
from distra.inventory.history import HistoricMove, HistoricReservation
from distra.orders.models import Order, OrderLine
from distra.orders.services.pricing import (
    line_amounts_after_schemes,
    line_snapshot,
    order_snapshot,
    priced_lines,
)
from distra.pricing import live
from distra.pricing.domain import price_basket
from distra.pricing.models import SchemeBenefit, SchemeBudget, SchemeBudgetSlot, SchemeBudgetUse
from distra.pricing.services.budgets import scheme_benefits_build

BENEFIT_FIELDS = ("order_id", "order_line_id", "scheme_id", "benefit", "discount", "free_quantity", "free_sku_id", "free_line_id",
                  "funding_share_pct", "brand_funded", "reason", "created_at", "updated_at")
LINE_PRICED = ["unit_price", "landing_price", "price_list_id", "gross", "scheme_discount", "discount", "net", "tax", "total", "pricing"]


class _Budgets:
    """What is left of each budget (overall and per distributor) while the history is priced, and
    what each order took, written at the end as uses of the budgets' slots."""

    def __init__(self):
        self.left: dict[tuple[int, int | None], Decimal] = {}
        self.budget: dict[tuple[int, int | None], int] = {}
        for b in SchemeBudget.objects.annotate(left=Sum("slots__remaining")):
            self.left[(b.scheme_id, b.distributor_id)] = b.left or Decimal(0)
            self.budget[(b.scheme_id, b.distributor_id)] = b.pk
        self.uses: list[tuple[int, int, Decimal, datetime]] = []  # (budget, order, amount, when)

    def for_distributor(self, distributor_id: int) -> dict[int, Decimal]:
        out: dict[int, Decimal] = {}
        for (scheme_id, owner), left in self.left.items():
            if owner is None or owner == distributor_id:
                out[scheme_id] = min(out.get(scheme_id, left), left)
        return out

    def take(self, usage, distributor_id: int, order_id: int, when: datetime) -> None:
        for scheme_id, used in usage.items():
            for owner in (None, distributor_id):
                key = (scheme_id, owner)
                if used > 0 and key in self.left:
                    self.left[key] -= used
                    self.uses.append((self.budget[key], order_id, used, when))

    def write(self) -> int:
        """Take the uses from the slots, filling each slot's remaining amount in turn."""
        slots = defaultdict(list)
        for slot in SchemeBudgetSlot.objects.order_by("budget_id", "number"):
            slots[slot.budget_id].append(slot)
        rows = []
        for budget_id, order_id, amount, when in self.uses:
            need = amount
            for slot in slots[budget_id]:
                part = min(slot.remaining, need)
                if part > 0:
                    slot.remaining -= part
                    need -= part
                    rows.append((budget_id, slot.number, order_id, part, when))
                if not need:
                    break
        SchemeBudgetSlot.objects.bulk_update([s for group in slots.values() for s in group], ["remaining"], batch_size=500)
        insert_rows(SchemeBudgetUse, ("budget_id", "slot_number", "order_id", "amount", "created_at"), rows)
        return len(rows)


def price_history(*, today: date, stock: FreeStock, months: int = 3) -> tuple[dict[str, int], list[HistoricMove], list]:
    """Price the delivered history orders placed in the last ``months`` months, and each outlet's
    first order (not priced yet), oldest first, each on the day it was placed; free goods become
    free lines taking their stock from ``stock``. Returns the counts, the free lines' sale issues
    and the (line id, reservation) their allocations hold, for the caller to post with the rest
    of the history (distra.demo.history_writer)."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=30 * months), time.min))
    facts = live.live_facts()
    delivered = Order.objects.filter(status="delivered", pricing={})
    firsts = {min(rows) for rows in _first_orders()}
    orders = list(delivered.filter(Q(created_at__gte=since) | Q(pk__in=[pk for _at, pk in firsts])).select_related("outlet")
                  .order_by("created_at", "id"))
    first_ids = {pk for _at, pk in firsts}
    lines = defaultdict(list)
    for line in OrderLine.objects.filter(order__in=orders).select_related("sku").order_by("line_no"):
        lines[line.order_id].append(line)
    skus = live.sku_facts({line.sku_id for group in lines.values() for line in group} | set(facts.free_sku_ids))
    budgets, outlets = _Budgets(), {}
    changed, free, benefits = [], [], []
    for order in orders:
        on = timezone.localdate(order.created_at)
        key = (order.outlet_id, on.year, (on.month - 1) // 3)
        if key not in outlets:
            outlets[key] = _outlet_facts(order.outlet, on, history=facts.needs_history)
        outlet = outlets[key]
        outlet = replace(outlet, previous_orders=0 if order.pk in first_ids else max(outlet.previous_orders, 1))
        mine = lines[order.pk]
        priced = price_basket(outlet=outlet, lines=[(ln.sku_id, ln.quantity) for ln in mine], skus=skus,
                              price_lists=facts.price_lists, schemes=facts.schemes, on=on,
                              budget_left=budgets.for_distributor(order.distributor_id))
        budgets.take(priced.usage, order.distributor_id, order.pk, order.created_at)
        given = _free_lines(order, mine, priced, stock)
        _apply(order, mine, given, priced, on)
        changed += mine
        free += given
        benefits += scheme_benefits_build(priced=priced, order_lines=mine + given, instances=False)
    OrderLine.objects.bulk_update(changed, LINE_PRICED, batch_size=500)
    OrderLine.objects.bulk_create(free, batch_size=500)
    OrderLine.objects.bulk_update(free, ["created_at", "updated_at"], batch_size=500)  # bulk_create stamped them now
    Order.objects.bulk_update(orders, ["gross", "discount", "net", "tax", "total", "pricing"], batch_size=500)
    when = {order.pk: order.created_at for order in orders}
    insert_rows(SchemeBenefit, BENEFIT_FIELDS, (
        (b.order_id, b.order_line.pk, b.scheme_id, b.benefit, b.discount, b.free_quantity, b.free_sku_id,
         b.free_line.pk if b.free_line is not None else None, b.funding_share_pct, b.brand_funded, b.reason,
         when[b.order_id], when[b.order_id]) for b in benefits))
    moves, held = _free_stock_rows(free, {order.pk: order for order in orders})
    counts = {"orders": len(orders), "benefits": len(benefits), "budget_uses": budgets.write(), "free_lines": len(free),
              "free_units": sum(line.delivered for line in free), "first_orders": len(first_ids)}
    return counts, moves, held


def _first_orders():
    """Per outlet, its orders as (placed at, id): the first one is the outlet's first order."""
    per_outlet = defaultdict(list)
    for outlet_id, at, pk in Order.objects.exclude(status__in=("cancelled", "rejected")).values_list(
            "outlet_id", "created_at", "id"):
        per_outlet[outlet_id].append((at, pk))
    return per_outlet.values()


def _free_lines(order: Order, mine: list[OrderLine], priced, stock: FreeStock) -> list[OrderLine]:
    """The free lines ``order_create`` would add (distra.orders.services.pricing.priced_lines),
    allocated and delivered from the batches ``stock`` can spare at the delivery (the rest
    cancelled, as a stockout's shortfall)."""
    given = priced_lines(order, mine, priced)[len(mine):]
    for line in given:
        line.picks = stock.take(order.warehouse_id, line.sku_id, line.quantity, order.delivered_at, case=line.sku.units_per_case)
        line.allocated = line.delivered = sum(units for _batch, units in line.picks)
        line.cancelled = line.quantity - line.allocated
        line.created_at, line.updated_at = order.created_at, order.delivered_at
    return given


def _free_stock_rows(free: list[OrderLine], orders: dict[int, Order]) -> tuple[list[HistoricMove], list]:
    """The sale issues of the free lines and the closed reservations their allocations hold, as
    history_writer makes them for the bought lines."""
    moves, held = [], []
    for line in free:
        order = orders[line.order_id]
        for batch_id, units in line.picks:
            moves.append(HistoricMove(order.warehouse_id, line.sku_id, batch_id, -units, "sale_issue", order.delivered_at,
                                      f"order:{order.pk}:{line.line_no}:{batch_id}:sale_issue", source_type="order",
                                      source_id=str(order.pk), source_line=line.line_no))
            held.append((line.pk, HistoricReservation(order.warehouse_id, line.sku_id, batch_id, units,
                                                      f"order-line:{order.pk}:{line.line_no}:{batch_id}", order.allocated_at,
                                                      order.delivered_at, order.created_by_id)))
    return moves, held


def _outlet_facts(outlet, on: date, *, history: bool):
    """The engine's facts of ``outlet`` on ``on`` (distra.pricing.live reads them with the token
    in its newer form, alone in its older one)."""
    if hasattr(live, "outlet_read"):
        return live.outlet_read(outlet.pk, on, history=history).facts
    return live.outlet_facts(outlet, on, history=history)


def _apply(order: Order, lines: list[OrderLine], free: list[OrderLine], priced, on: date) -> None:
    totals = [Decimal("0.00")] * 4
    for line, p in zip(lines, priced.lines, strict=True):
        money = line_amounts_after_schemes(p.gross, p.discount, line.discount_pct, p.tax_rate)
        line.unit_price, line.landing_price, line.price_list_id = p.unit_price, p.landing_price, p.price_list_id
        for name, value in money.items():
            setattr(line, name, value)
        line.pricing = line_snapshot(p, money["discount"] - p.discount)
        totals = [t + money[n] for t, n in zip(totals, ("gross", "discount", "net", "tax"), strict=True)]
    for line in free:  # net 0: their value counts in gross and discount, as on an order order_create priced
        totals = [totals[0] + line.gross, totals[1] + line.discount, *totals[2:]]
    order.gross, order.discount, order.net, order.tax = totals
    order.total = order.net + order.tax
    order.pricing = order_snapshot(priced, on)
