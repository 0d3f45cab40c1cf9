"""Money and quantities.

Money is Decimal, never float. The one rounding rule: round each line's amounts half-up to the
currency's minor unit (paise, cents), then add the rounded lines for totals.
"""

from decimal import ROUND_HALF_UP, Decimal

MINOR_UNIT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(MINOR_UNIT, rounding=ROUND_HALF_UP)


def to_base_units(*, cases: int, units: int, units_per_case: int) -> int:
    """Quantities are stored in base units (pieces); people enter cases and units."""
    return cases * units_per_case + units


def split_cases(*, quantity: int, units_per_case: int) -> tuple[int, int]:
    return divmod(quantity, units_per_case)
