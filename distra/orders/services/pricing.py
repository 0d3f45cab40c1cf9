"""Pricing order lines with the pricing engine (``distra.pricing.services.price_order_lines``).

An order keeps the prices it was priced at: each line stores its unit and landing prices, the
price list, what the schemes took off and, in ``OrderLine.pricing``, the explanation (the price's
reason, each applied scheme with its benefit and reason); the order stores in ``Order.pricing``
the schemes considered and not applied, what the order would use of scheme budgets and the day it
was priced on. Pages and the API show these; nothing is priced again to show an order.

How a line's money is made (docs/orders.md, "How a line is priced"): gross = unit price ×
quantity; the schemes' discounts (engine, rounded per benefit); then the manual ``discount_pct``
on what the schemes left (rounded half-up); net = gross − both; tax = net × rate (rounded
half-up); total = net + tax. Free goods become free lines (one per scheme and free SKU): the free
SKU's selling price × units, discounted in full, so net, tax and total are 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.money import round_money
from distra.core.sql import load
from distra.orders.choices import OrderStatus
from distra.orders.models import Order, OrderLine
from distra.partners.models import Outlet
from distra.pricing import live
from distra.pricing.domain import (
    AppliedScheme,
    OutletFacts,
    PricedBasket,
    PricedLine,
    PriceListFacts,
)
from distra.pricing.services.quoting import price_order_lines

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Entry:
    """A line to price: a checked SKU, its quantity in base units and the manual discount."""

    sku: SKU
    quantity: int
    discount_pct: Decimal = ZERO


def _applied(a: AppliedScheme) -> dict:
    return {"scheme_id": a.scheme_id, "code": a.code, "name": a.name, "kind": a.kind, "benefit": str(a.benefit),
            "discount": str(a.discount), "free_quantity": a.free_quantity, "free_sku_id": a.free_sku_id,
            "funding_share": str(a.funding_share), "brand_funded": str(a.brand_funded), "reason": a.reason, "hint": a.hint}


def line_snapshot(p: PricedLine, manual: Decimal) -> dict:
    return {"price_list_id": p.price_list_id, "price_list_code": p.price_list_code, "price_reason": p.price_reason,
            "mrp": str(p.mrp), "applied": [_applied(a) for a in p.applied], "manual_discount": str(manual)}


def order_snapshot(priced: PricedBasket, on: date, excluded: Sequence[dict] = (), budgeted: frozenset[int] | None = None) -> dict:
    """What ``Order.pricing`` keeps of a basket: the day, the schemes not applied (with why and
    what is missing), the budget each applied scheme uses and the schemes left out because
    their budget ran out while the order was placed. With ``budgeted`` (the schemes that have a
    budget), only their use is kept: allocation then has nothing to look up for the others."""
    return {
        "on": on.isoformat(),
        "not_applied": [{"scheme_id": n.scheme_id, "code": n.code, "name": n.name, "reason_code": n.reason_code, "message": n.message,
                         "shortfall": None if n.shortfall is None else str(n.shortfall)} for n in priced.not_applied],
        "usage": {str(sid): str(used) for sid, used in sorted(priced.usage.items()) if used > 0 and (budgeted is None or sid in budgeted)},
        "distributor_id": priced.distributor_id,
        "excluded": list(excluded),
    }


def line_amounts_after_schemes(gross: Decimal, scheme_discount: Decimal, pct: Decimal, tax_rate: Decimal) -> dict:
    manual = round_money((gross - scheme_discount) * pct / HUNDRED)
    discount = scheme_discount + manual
    net = gross - discount
    tax = round_money(net * tax_rate / HUNDRED)
    return {"gross": gross, "scheme_discount": scheme_discount, "discount": discount, "net": net, "tax": tax, "total": net + tax}


def priced_lines(order: Order, entries: Sequence[Entry], priced: PricedBasket) -> list[OrderLine]:
    """Order lines (unsaved) for ``entries`` as the engine priced them, then one free line per
    (scheme, free SKU) of free goods, numbered after the bought lines."""
    lines = []
    for i, (entry, p) in enumerate(zip(entries, priced.lines, strict=True), start=1):
        money = line_amounts_after_schemes(p.gross, p.discount, entry.discount_pct, p.tax_rate)
        lines.append(OrderLine(order=order, line_no=i, sku=entry.sku, quantity=entry.quantity, unit_price=p.unit_price,
                               landing_price=p.landing_price, price_list_id=p.price_list_id, discount_pct=entry.discount_pct,
                               tax_rate=p.tax_rate, pricing=line_snapshot(p, money["discount"] - p.discount), **money))
    return lines + _free_lines(order, entries, priced, start=len(lines) + 1)


def _free_lines(order: Order, entries: Sequence[Entry], priced: PricedBasket, *, start: int) -> list[OrderLine]:
    given: dict[tuple[int, int], list[AppliedScheme]] = {}
    for p in priced.lines:
        for a in p.applied:
            if a.free_quantity:
                given.setdefault((a.scheme_id, a.free_sku_id), []).append(a)
    if not given:
        return []
    skus = {e.sku.pk: e.sku for e in entries}
    missing = {sku_id for _, sku_id in given if sku_id not in skus}
    if missing:
        skus.update(load(SKU, missing, user=None))
    from distra.pricing.selectors import landing_price

    landing = {p.sku_id: p.landing_price for p in priced.lines}  # a free unit of a bought SKU lands at that line's price
    lines = []
    for n, ((scheme_id, sku_id), benefits) in enumerate(sorted(given.items()), start=start):
        sku, units = skus[sku_id], sum(a.free_quantity for a in benefits)
        value = sum((a.benefit for a in benefits), ZERO)
        first = benefits[0]
        snapshot = {"free_of": {"scheme_id": scheme_id, "code": first.code, "name": first.name, "reason": first.reason},
                    "applied": [_applied(a) for a in benefits], "manual_discount": "0.00"}
        lines.append(OrderLine(order=order, line_no=n, sku=sku, quantity=units, unit_price=round_money(value / units),
                               landing_price=landing[sku_id] if sku_id in landing else landing_price(distributor_id=order.distributor_id, sku=sku),
                               free_of_id=scheme_id,
                               discount_pct=ZERO, tax_rate=sku.tax_rate, pricing=snapshot,
                               gross=value, scheme_discount=value, discount=value, net=ZERO, tax=ZERO, total=ZERO))
    return lines


def bought(lines: Iterable[OrderLine]) -> list[OrderLine]:
    """The lines the outlet ordered (not the free lines)."""
    return [line for line in lines if line.free_of_id is None]


def entries_of(lines: Iterable[OrderLine]) -> list[Entry]:
    """The entries an order's saved lines were priced from (to price them again)."""
    return [Entry(line.sku, line.quantity, line.discount_pct) for line in sorted(bought(lines), key=lambda ln: ln.line_no)]


def save_benefits(order: Order, lines: Sequence[OrderLine]) -> None:
    """Write the SchemeBenefit rows of the basket ``order`` was just priced with (its saved lines),
    once: a second call writes nothing until the order is priced again."""
    from distra.pricing.services.budgets import scheme_benefits_insert

    priced = getattr(order, "_priced", None)
    if priced is not None:
        scheme_benefits_insert(priced=priced, order_lines=lines)
        order._priced = None


def line_differences(before: Iterable[OrderLine], after: Iterable[OrderLine]) -> list[dict]:
    """What pricing again changed, per SKU of the bought lines (unit price and total, before and
    after), for the order's event: only lines that differ, by SKU code."""
    was = {line.sku_id: line for line in bought(before)}
    out = []
    for line in sorted(bought(after), key=lambda ln: ln.sku.code):
        old = was.get(line.sku_id)
        if old is None or (old.unit_price, old.total, old.quantity) == (line.unit_price, line.total, line.quantity):
            continue
        out.append({"sku": line.sku.code, "quantity": line.quantity, "was_unit_price": str(old.unit_price),
                    "now_unit_price": str(line.unit_price), "was_total": str(old.total), "now_total": str(line.total),
                    "difference": str(line.total - old.total)})
    return out


# Pricing an order that exists again -----------------------------------------------------------------

def price_existing(order: Order, lines: Sequence[tuple[SKU, int]], *, on: date, exclude_scheme_ids: Iterable[int] = (),
                   pinned: Sequence[OrderLine] | None = None) -> PricedBasket:
    """Price ``lines`` for an order that is already written (a re-price, an edit, the approval
    preview, a budget that ran out at allocation) as ``price_order_lines`` would, with two
    differences. The order and its back-order family are not the outlet's history: they do not
    count as previous orders (a first-order scheme stays) nor in last quarter's value. With
    ``pinned`` (the order's current lines), each bought SKU keeps the price list and the prices it
    was priced at (``pinned_price_lists``); the other SKUs (free goods not bought) are priced by
    the lists live today that apply on ``on``."""
    pin = (lambda lists: pinned_price_lists(pinned, lists)) if pinned is not None else None
    return price_order_lines(outlet=Outlet(pk=order.outlet_id), lines=lines, on=on, exclude_scheme_ids=exclude_scheme_ids,
                             adjust_outlet=lambda facts: without_own_history(order, facts, on), adjust_price_lists=pin)


def order_family(order: Order) -> set[int]:
    """The ids of ``order``, the order it is a back-order of (up to the first) and all their
    back-orders: one purchase, split by stock."""
    ids, up = {order.pk}, order.backorder_of_id
    while up is not None and up not in ids:
        ids.add(up)
        up = Order.objects.filter(pk=up).values_list("backorder_of_id", flat=True).first()
    frontier = set(ids)
    while frontier:
        frontier = set(Order.objects.filter(backorder_of_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids |= frontier
    return ids


def without_own_history(order: Order, outlet: OutletFacts, on: date) -> OutletFacts:
    """``outlet``'s history (as ``live.outlet_read`` counted it: orders not cancelled or rejected,
    last quarter's by creation time) less ``order``'s family (``order_family``)."""
    if order.pk is None:
        return outlet
    start, end = live.previous_quarter(on)
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    own = (Order.objects.filter(pk__in=order_family(order)).exclude(status__in=(OrderStatus.CANCELLED, OrderStatus.REJECTED))
           .aggregate(n=Count("pk"), value=Sum("total", filter=Q(created_at__gte=since, created_at__lt=until))))
    return replace(outlet, previous_orders=max(outlet.previous_orders - own["n"], 0),
                   last_quarter_value=max(outlet.last_quarter_value - (own["value"] or ZERO), ZERO))


def pinned_price_lists(lines: Sequence[OrderLine], live_lists: Sequence[PriceListFacts]) -> list[PriceListFacts]:
    """The price lists to price an order's ``lines`` again at the prices they were priced at:
    each list a bought line names holds that line's SKU at the line's unit and landing prices
    (read from the line, so a list paused or edited since still gives the same price); the
    bought SKUs are taken out of every other list, so a line that had no list keeps the catalog
    base price; the other SKUs (free goods not bought) keep today's live lists."""
    named: dict[int, dict[int, tuple[Decimal, Decimal]]] = {}
    held = set()
    for line in bought(lines):
        held.add(line.sku_id)
        if line.price_list_id:
            named.setdefault(line.price_list_id, {})[line.sku_id] = (line.unit_price, line.landing_price)
    by_id = {pl.id: pl for pl in live_lists}
    missing = sorted(set(named) - set(by_id))
    live_ids = set(by_id)
    by_id.update({pl.id: pl for pl in live.load_price_lists(missing)} if missing else {})
    out = []
    for pl in by_id.values():
        items = {sku_id: price for sku_id, price in pl.items.items() if sku_id not in held} if pl.id in live_ids else {}
        out.append(replace(pl, items={**items, **named.get(pl.id, {})}))
    return out
