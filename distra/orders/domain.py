"""Order calculations without the database: line amounts, totals, approval rules, shortfalls.

The rounding rule (distra.core.money): each line's gross, discount and tax are rounded half-up to
the paisa; net = gross - discount and total = net + tax are exact on the rounded figures; an
order's totals are the sums of its rounded lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from distra.core.money import round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(*, quantity: int, unit_price: Decimal, discount_pct: Decimal, tax_rate: Decimal) -> LineAmounts:
    """The amounts of ``quantity`` units at ``unit_price`` (before tax) less ``discount_pct``,
    with tax at ``tax_rate`` % computed on the net."""
    gross = round_money(unit_price * quantity)
    discount = round_money(gross * discount_pct / HUNDRED)
    net = gross - discount
    tax = round_money(net * tax_rate / HUNDRED)
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


def order_totals(lines: Iterable[LineAmounts]) -> LineAmounts:
    """The sums of the lines' rounded amounts."""
    zero = Decimal("0.00")
    gross = discount = net = tax = zero
    for line in lines:
        gross, discount, net, tax = gross + line.gross, discount + line.discount, net + line.net, tax + line.tax
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


@dataclass(frozen=True)
class ApprovalRules:
    """When an order must wait for approval; ``None`` switches a rule off."""

    value_above: Decimal | None = None
    discount_above: Decimal | None = None


def approval_reasons(*, rules: ApprovalRules, total: Decimal, discount_pcts: Iterable[Decimal]) -> list[str]:
    """Why an order with ``total`` and these line discounts needs approval (empty: it does not)."""
    reasons = []
    if rules.value_above is not None and total > rules.value_above:
        reasons.append(f"order value {total} is above {rules.value_above}")
    if rules.discount_above is not None:
        highest = max(discount_pcts, default=Decimal(0))
        if highest > rules.discount_above:
            reasons.append(f"a line discount of {highest} % is above {rules.discount_above} %")
    return reasons


@dataclass(frozen=True)
class FillRate:
    """Fill rates of delivered orders: the share of ordered lines delivered in full and of orders
    delivered in full (lines and orders that were cancelled before allocation are not counted)."""

    lines: int
    lines_filled: int
    orders: int
    orders_filled: int

    @property
    def line_rate(self) -> Decimal | None:
        return (Decimal(self.lines_filled) / self.lines).quantize(Decimal("0.0001")) if self.lines else None

    @property
    def order_rate(self) -> Decimal | None:
        return (Decimal(self.orders_filled) / self.orders).quantize(Decimal("0.0001")) if self.orders else None
