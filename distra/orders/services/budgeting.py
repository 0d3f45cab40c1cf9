"""Scheme budgets and benefits along an order's life (docs/orders.md, "Schemes and budgets").

- Allocation takes what the order uses of its schemes' budgets (``consume_budgets``, in the
  order's transaction, before stock is reserved). A budget that ran out since the order was
  priced: the order is priced again without that scheme (same day, same lines) and carries on;
  the order's pricing names the scheme left out and why, and an event shows the difference.
- Cancelling gives everything back (``scheme_budgets_release``); proof of delivery and returns
  give back the share of each scheme's benefit that was not delivered or came back
  (``settle_budgets``).
- A back-order carries its share of the original's benefits (``split_benefits``) and of its
  budget use (``scheme_budgets_pass_on``): its cancel gives back its part, the original's the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from distra.core.money import round_money
from distra.orders.choices import EventKind
from distra.orders.models import Order, OrderLine, OrderReturnLine
from distra.orders.services.pricing import entries_of, line_differences, save_benefits
from distra.pricing.models import SchemeBenefit
from distra.pricing.services.budgets import (
    SchemeBudgetExhausted,
    scheme_budgets_consume,
    scheme_budgets_keep,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class _Usage:
    """What ``scheme_budgets_consume`` reads of a priced basket, from ``Order.pricing``."""

    usage: dict[int, Decimal] = field(default_factory=dict)
    distributor_id: int | None = None


def _usage(order: Order) -> _Usage:
    stored = order.pricing or {}
    return _Usage({int(k): Decimal(v) for k, v in stored.get("usage", {}).items()}, stored.get("distributor_id"))


def consume_budgets(*, by, order: Order, lines: list[OrderLine], channel: str) -> None:
    """Take the order's scheme budget use. While a budget is short, price the order again without
    the schemes that ran out and try again (``lines`` is changed in place: the caller's list holds
    the new lines). Each round leaves out at least one scheme, so it ends."""
    from distra.orders.services.ordering import price_entries, record

    usage, excluded = _usage(order), list((order.pricing or {}).get("excluded", []))
    while usage.usage:
        try:
            scheme_budgets_consume(priced=usage, order_id=order.pk)
            return
        except SchemeBudgetExhausted as exc:
            names = _applied_names(lines)
            excluded += [{"scheme_id": sid, "code": names.get(sid, ("", ""))[0], "name": names.get(sid, ("", ""))[1],
                          "reason": "its budget ran out while the order was placed"} for sid in exc.scheme_ids]
        on = date.fromisoformat(order.pricing["on"]) if (order.pricing or {}).get("on") else None
        old = list(lines)
        lines[:] = price_entries(order, entries_of(old), on=on, exclude=[e["scheme_id"] for e in excluded], excluded=excluded,
                                 pinned=old)
        _note_lost(lines, excluded)
        _put_repriced(order, old, lines)
        record(order, by=None, channel=channel, kind=EventKind.REPRICED, reason="scheme_budget_exhausted",
               schemes=[e["code"] for e in excluded], pricing=line_differences(old, lines))
        usage = _usage(order)


def _applied_names(lines: list[OrderLine]) -> dict[int, tuple[str, str]]:
    return {a["scheme_id"]: (a["code"], a["name"]) for line in lines for a in (line.pricing or {}).get("applied", [])}


def _note_lost(lines: list[OrderLine], excluded: list[dict]) -> None:
    """Each line's explanation names the schemes left out of the whole order."""
    for line in lines:
        line.pricing["left_out"] = excluded


def _put_repriced(order: Order, old: list[OrderLine], new: list[OrderLine]) -> None:
    """Save the re-priced lines of an order whose lines are in the database (a later allocation);
    an order being created keeps them in memory (written once at the end, ``creating._building``)."""
    from distra.orders.services.ordering import set_totals

    set_totals(order, new)
    if all(line.pk is None for line in old):
        return
    OrderLine.objects.filter(pk__in=[line.pk for line in old if line.pk]).delete()
    OrderLine.objects.bulk_create(new)
    save_benefits(order, new)
    order.save(update_fields=["gross", "discount", "net", "tax", "total", "pricing", "updated_at"])


# Back-orders ----------------------------------------------------------------------------------------

def _share(amount: Decimal, part: int, whole: int) -> Decimal:
    return round_money(amount * part / whole) if whole else Decimal("0.00")


def backorder_line(line: OrderLine, backorder: Order, line_no: int) -> OrderLine:
    """The back-order's line for ``line``'s back-ordered units, at the same prices: the scheme
    discount is the back-ordered share of the line's (half-up), the manual discount on top."""
    units = line.backordered
    gross = round_money(line.unit_price * units)
    scheme = min(_share(line.scheme_discount, units, line.quantity), gross)
    manual = round_money((gross - scheme) * line.discount_pct / HUNDRED)
    net = gross - scheme - manual
    tax = round_money(net * line.tax_rate / HUNDRED)
    return OrderLine(order=backorder, line_no=line_no, sku=line.sku, quantity=units, unit_price=line.unit_price,
                     landing_price=line.landing_price, price_list_id=line.price_list_id, free_of_id=line.free_of_id,
                     discount_pct=line.discount_pct, tax_rate=line.tax_rate, pricing={**line.pricing, "backorder_of_line": line.pk},
                     gross=gross, scheme_discount=scheme, discount=scheme + manual, net=net, tax=tax, total=net + tax)


def split_benefits(lines: list[OrderLine], new_lines: list[OrderLine]) -> dict[int, Decimal]:
    """Move the back-ordered share of each benefit of ``lines`` to the back-order's lines
    (``new_lines``, saved): a discount by the share of its line back-ordered, free goods by the
    share of their free line. The two rows add up to the original. Returns, per scheme, the share
    of its benefit on the order that moved (what the back-order carries of its budget use)."""
    to_new = {line.pk: new for line in lines for new in new_lines if line.backordered and new.pricing.get("backorder_of_line") == line.pk}
    if not to_new:
        return {}
    covered = {line.pk: line for line in lines}
    moved, changed = [], []
    whole, carried = defaultdict(Decimal), defaultdict(Decimal)
    for row in SchemeBenefit.objects.filter(order_line__in=[ln.pk for ln in lines]):
        whole[row.scheme_id] += row.benefit
        basis = covered.get(row.free_line_id if row.free_line_id else row.order_line_id)
        new_anchor = to_new.get(row.order_line_id)
        if basis is None or not basis.backordered:
            continue
        part = _split_row(row, basis)
        part.order_id = next(iter(to_new.values())).order_id
        part.order_line = new_anchor or to_new.get(basis.pk)
        part.free_line = to_new.get(row.free_line_id) if row.free_line_id else None
        if part.order_line is None:
            continue
        carried[row.scheme_id] += part.benefit
        moved.append(part)
        changed.append(row)
    SchemeBenefit.objects.bulk_update(changed, ["benefit", "discount", "free_quantity", "brand_funded"])
    SchemeBenefit.objects.bulk_create(moved)
    return {sid: carried[sid] / whole[sid] for sid in carried if whole[sid] > 0}


_SPLIT = ("benefit", "discount", "free_quantity", "brand_funded")


def _split_row(row: SchemeBenefit, basis: OrderLine) -> SchemeBenefit:
    """Take the back-ordered share off ``row`` (changed in place) and return it as a new row."""
    units, whole = basis.backordered, basis.quantity
    part = SchemeBenefit(scheme_id=row.scheme_id, free_sku_id=row.free_sku_id, funding_share_pct=row.funding_share_pct,
                         reason=row.reason, benefit=_share(row.benefit, units, whole), discount=_share(row.discount, units, whole),
                         free_quantity=row.free_quantity * units // whole if whole else 0,
                         brand_funded=_share(row.brand_funded, units, whole))
    for name in _SPLIT:
        setattr(row, name, getattr(row, name) - getattr(part, name))
    return part


# Delivery and returns -------------------------------------------------------------------------------

def kept_shares(order: Order) -> dict[int, Decimal]:
    """Per scheme, the share of its benefit on ``order`` the outlet kept: per benefit row, the
    units of its line (the free line for free goods) delivered less returned, over the units it
    covers (quantity less back-ordered), weighted by the benefit (by units when no benefit has a
    value)."""
    lines = {line.pk: line for line in order.lines.all()}
    returned = dict(OrderReturnLine.objects.filter(line__order=order).values("line_id").annotate(n=Sum("quantity")).values_list("line_id", "n"))
    weight, kept = defaultdict(Decimal), defaultdict(Decimal)
    for row in SchemeBenefit.objects.filter(order=order):
        line = lines.get(row.free_line_id or row.order_line_id)
        if line is None:
            continue
        covered = line.quantity - line.backordered
        if covered <= 0:
            continue
        units = max(line.delivered - returned.get(line.pk, 0), 0)
        value = row.benefit if row.benefit > 0 else Decimal(covered)
        weight[row.scheme_id] += value
        kept[row.scheme_id] += value * units / covered
    return {sid: (kept[sid] / weight[sid]) if weight[sid] else Decimal(0) for sid in weight}


def settle_budgets(order: Order) -> Decimal:
    """After proof of delivery or a return: give back to each scheme's budget the share of what
    the order took that was not delivered or came back. Returns what was given back."""
    return scheme_budgets_keep(order_id=order.pk, kept=kept_shares(order))
