"""Billing calculations without the database: invoice and credit line amounts, the financial
year, ageing buckets, oldest-first payment allocation and amounts in words.

The rounding rule (the orders' rule, distra.core.money): a line's gross, discount and each tax
component are rounded half-up to the paisa; taxable = gross - discount, total = taxable + tax
components, exact on the rounded figures; a document's totals are the sums of its rounded lines.
The grand total is not rounded to the rupee (no round-off line).

A credit of part of a line is computed by the same rule for the credited quantity, capped at what
is left of the line; the credit that takes the line's last units reverses exactly what is left, so
the credits of a fully credited line add up to the invoice line to the paisa.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from distra.billing.tax import Party, TaxRegime
from distra.core.money import round_money

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Amounts:
    """The money of an invoice or credit line (or of a whole document: the sums of its lines)."""

    gross: Decimal = ZERO
    discount: Decimal = ZERO
    taxable: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO
    igst: Decimal = ZERO
    vat: Decimal = ZERO

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst + self.vat

    @property
    def total(self) -> Decimal:
        return self.taxable + self.tax

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: Amounts) -> Amounts:
        return Amounts(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def capped_at(self, other: Amounts) -> Amounts:
        return Amounts(**{f.name: min(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)})

    def as_dict(self) -> dict[str, Decimal]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def line_amounts(*, regime: TaxRegime, seller: Party, buyer: Party, quantity: int, unit_price: Decimal,
                 discount_pct: Decimal, tax_rate: Decimal, hsn: str = "", discount_of: tuple[Decimal, int] | None = None) -> Amounts:
    """``quantity`` units at ``unit_price`` less ``discount_pct``, taxed by ``regime`` on the net.
    With ``discount_of`` = (a discount, the units it was given on), the discount is instead that
    discount's share for ``quantity`` units, rounded half-up and at most the gross (an order
    line's scheme and manual discounts, as priced: see docs/orders.md)."""
    gross = round_money(unit_price * quantity)
    if discount_of is not None:
        given, units = discount_of
        discount = min(round_money(given * quantity / units), gross) if units else Decimal("0.00")
    else:
        discount = round_money(gross * discount_pct / HUNDRED)
    taxable = gross - discount
    taxes = {"cgst": ZERO, "sgst": ZERO, "igst": ZERO, "vat": ZERO}
    for component in regime.components(seller=seller, buyer=buyer, net=taxable, rate=tax_rate, hsn=hsn):
        taxes[component.name.lower()] += component.amount
    return Amounts(gross=gross, discount=discount, taxable=taxable, **taxes)


def effective_pct(money: Amounts) -> Decimal:
    """A line's discount as a percentage of its gross (two decimals, half-up): what an invoice
    line shows when the discount is an amount (schemes) rather than a rate."""
    if not money.gross:
        return ZERO
    return min((money.discount * HUNDRED / money.gross).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), HUNDRED)


def total_of(lines: Iterable[Amounts]) -> Amounts:
    result = Amounts()
    for line in lines:
        result = result + line
    return result


def credit_amounts(*, invoiced: Amounts, invoiced_quantity: int, credited: Amounts, credited_quantity: int,
                   quantity: int, proportional: Amounts) -> Amounts:
    """What crediting ``quantity`` more units of an invoice line reverses: ``proportional`` (the
    line rule applied to ``quantity``) capped at what is left, or exactly what is left when these
    are the line's last units."""
    left = invoiced - credited
    if credited_quantity + quantity >= invoiced_quantity:
        return left
    return proportional.capped_at(left)


def financial_year(day: date) -> int:
    """India's financial year runs April to March; 2025 is 1 April 2025 to 31 March 2026."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    """"2526" for the year starting April 2025 (short, so a number fits GST's 16 characters)."""
    return f"{year % 100:02d}{(year + 1) % 100:02d}"


# Ageing ---------------------------------------------------------------------------------------------

AGEING_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


def ageing_bucket(days_past_due: int) -> str:
    """Not yet due (or due today) is current; then 1–30, 31–60, 61–90 and over 90 days past due."""
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "over_90"


def ageing(items: Iterable[tuple[date, Decimal]], *, as_of: date) -> dict[str, Decimal]:
    """Outstanding amounts by bucket, from (due date, outstanding) pairs."""
    buckets = dict.fromkeys(AGEING_BUCKETS, ZERO)
    for due_on, outstanding in items:
        buckets[ageing_bucket((as_of - due_on).days)] += outstanding
    return buckets


def allocate_oldest_first(amount: Decimal, outstanding: Iterable[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Spread ``amount`` over (key, outstanding) pairs in the order given (oldest first); what
    does not fit stays unallocated."""
    plan, left = [], amount
    for key, due in outstanding:
        if left <= 0:
            break
        take = min(left, due)
        if take > 0:
            plan.append((key, take))
            left -= take
    return plan


# Amount in words (Indian numbering: thousand, lakh, crore) ------------------------------------------

_ONES = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
         "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen")
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_thousand(n: int) -> list[str]:
    words = []
    if n >= 100:
        words += [_ONES[n // 100], "Hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n:
        words.append(_ONES[n])
    return words


def _integer_words(n: int) -> list[str]:
    if n == 0:
        return ["Zero"]
    words = []
    crores, n = divmod(n, 10**7)
    if crores:
        words += [*_integer_words(crores), "Crore"]
    for size, name in ((10**5, "Lakh"), (1000, "Thousand")):
        part, n = divmod(n, size)
        if part:
            words += [*_below_thousand(part), name]
    return words + _below_thousand(n)


def amount_in_words(amount: Decimal, *, major: str = "Rupees", minor: str = "Paise") -> str:
    """"Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy-Eight Paise Only"."""
    amount = round_money(amount)
    rupees, paise = int(amount), int((amount - int(amount)) * 100)
    text = f"{major} {' '.join(_integer_words(rupees))}"
    if paise:
        text += f" and {' '.join(_below_thousand(paise))} {minor}"
    return text + " Only"
