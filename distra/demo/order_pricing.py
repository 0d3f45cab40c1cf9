"""The demo's history orders priced as the order flow prices them: the delivered orders of the
last months get the price lists' prices and the schemes that applied on their day (benefits,
reasons, hints, schemes not applied), their SchemeBenefit rows (dated when the order was placed)
and what they took from scheme budgets; so a scheme's spend to date, its budget left and the
claims have real rows. Live orders (distra.demo.live_orders) go through ``order_create`` and are
priced there.

History orders carry no free lines (their stock moves are planned without them), so free-goods
and first-order schemes are left out of the history; everything else is priced by the same
engine (``distra.pricing.domain.price_basket``) with the same rounding.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from distra.core.bulk import insert_rows
from distra.orders.models import Order, OrderLine
from distra.orders.services.pricing import line_amounts_after_schemes, line_snapshot, order_snapshot
from distra.pricing import live
from distra.pricing.domain import price_basket
from distra.pricing.models import SchemeBenefit, SchemeBudget, SchemeBudgetSlot, SchemeBudgetUse

LEFT_OUT_KINDS = ("free_goods", "first_order")
BENEFIT_FIELDS = ("order_id", "order_line_id", "scheme_id", "benefit", "discount", "free_quantity", "free_sku_id",
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


def price_history(*, today: date, months: int = 3) -> dict[str, int]:
    """Price the delivered history orders placed in the last ``months`` months (not priced yet),
    oldest first, each on the day it was placed; returns counts."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=30 * months), time.min))
    facts = live.live_facts()
    schemes = [s for s in facts.schemes if s.kind not in LEFT_OUT_KINDS]
    orders = list(Order.objects.filter(status="delivered", created_at__gte=since, pricing={}).select_related("outlet")
                  .order_by("created_at", "id"))
    lines = defaultdict(list)
    for line in OrderLine.objects.filter(order__in=orders).select_related("sku").order_by("line_no"):
        lines[line.order_id].append(line)
    skus = live.sku_facts({line.sku_id for group in lines.values() for line in group})
    budgets, outlets = _Budgets(), {}
    benefits, changed = [], []
    for order in orders:
        on = timezone.localdate(order.created_at)
        key = (order.outlet_id, on.year, (on.month - 1) // 3)
        if key not in outlets:
            outlets[key] = _outlet_facts(order.outlet, on, history=facts.needs_history)
        mine = lines[order.pk]
        priced = price_basket(outlet=outlets[key], lines=[(ln.sku_id, ln.quantity) for ln in mine], skus=skus,
                              price_lists=facts.price_lists, schemes=schemes, on=on,
                              budget_left=budgets.for_distributor(order.distributor_id))
        budgets.take(priced.usage, order.distributor_id, order.pk, order.created_at)
        _apply(order, mine, priced, on)
        changed += mine
        benefits += [(order.pk, line.pk, a.scheme_id, a.benefit, a.discount, 0, None, a.funding_share, a.brand_funded, a.reason[:300],
                      order.created_at, order.created_at)
                     for line, p in zip(mine, priced.lines, strict=True) for a in p.applied]
    OrderLine.objects.bulk_update(changed, LINE_PRICED, batch_size=500)
    Order.objects.bulk_update(orders, ["gross", "discount", "net", "tax", "total", "pricing"], batch_size=500)
    insert_rows(SchemeBenefit, BENEFIT_FIELDS, benefits)
    return {"orders": len(orders), "benefits": len(benefits), "budget_uses": budgets.write()}


def _outlet_facts(outlet, on: date, *, history: bool):
    """The engine's facts of ``outlet`` on ``on`` (distra.pricing.live reads them with the token
    in its newer form, alone in its older one)."""
    if hasattr(live, "outlet_read"):
        return live.outlet_read(outlet.pk, on, history=history).facts
    return live.outlet_facts(outlet, on, history=history)


def _apply(order: Order, lines: list[OrderLine], priced, on: date) -> None:
    totals = [Decimal("0.00")] * 4
    for line, p in zip(lines, priced.lines, strict=True):
        money = line_amounts_after_schemes(p.gross, p.discount, line.discount_pct, p.tax_rate)
        line.unit_price, line.landing_price, line.price_list_id = p.unit_price, p.landing_price, p.price_list_id
        for name, value in money.items():
            setattr(line, name, value)
        line.pricing = line_snapshot(p, money["discount"] - p.discount)
        totals = [t + money[n] for t, n in zip(totals, ("gross", "discount", "net", "tax"), strict=True)]
    order.gross, order.discount, order.net, order.tax = totals
    order.total = order.net + order.tax
    order.pricing = order_snapshot(priced, on)
