"""Claim calculations, without the database: every figure checkable by hand."""

from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distra.claims import domain
from distra.claims.choices import ClaimStatus


@pytest.mark.parametrize(("on", "period", "expected"), [
    (date(2026, 2, 14), "month", (date(2026, 2, 1), date(2026, 2, 28))),
    (date(2024, 2, 29), "month", (date(2024, 2, 1), date(2024, 2, 29))),
    (date(2026, 5, 15), "fortnight", (date(2026, 5, 1), date(2026, 5, 15))),
    (date(2026, 5, 16), "fortnight", (date(2026, 5, 16), date(2026, 5, 31))),
    (date(2026, 11, 26), "quarter", (date(2026, 10, 1), date(2026, 12, 31))),
    (date(2026, 11, 26), "week", (date(2026, 11, 23), date(2026, 11, 29))),
])
def test_period_bounds_contain_the_day(on, period, expected):
    assert domain.period_bounds(on, period) == expected


def test_previous_period_is_the_last_one_that_ended():
    assert domain.previous_period(date(2026, 1, 5), "month") == (date(2025, 12, 1), date(2025, 12, 31))
    assert domain.previous_period(date(2026, 4, 1), "quarter") == (date(2026, 1, 1), date(2026, 3, 31))


def test_discount_counts_only_the_delivered_share():
    # 3.75 off 10 units, 7 delivered: 2.625 -> 2.63 (half up)
    assert domain.discount_cost(discount=D("3.75"), delivered=7, ordered=10) == D("2.63")
    assert domain.discount_cost(discount=D("3.75"), delivered=0, ordered=10) == D("0.00")


def test_free_units_are_never_fractional():
    assert domain.delivered_free_units(free_quantity=3, delivered=5, ordered=9) == 1  # 15/9 -> 1
    assert domain.delivered_free_units(free_quantity=3, delivered=9, ordered=9) == 3


def test_brand_share_rounds_once_per_line():
    assert domain.brand_share(D("7.50"), D("50")) == D("3.75")
    assert domain.brand_share(D("0.05"), D("50")) == D("0.03")  # 0.025 half up


def test_reversals_of_one_line_never_exceed_what_it_claimed():
    # 10.00 claimed on 3 units; three returns of one unit each: -3.33, then cumulative -6.67, -10.00
    first = domain.reversal_amount(claimed=D("10.00"), claimed_units=3, returned_units=1)
    second = domain.reversal_amount(claimed=D("10.00"), claimed_units=3, returned_units=2) - first
    third = domain.reversal_amount(claimed=D("10.00"), claimed_units=3, returned_units=3) - first - second
    assert (first, second, third) == (D("-3.33"), D("-3.34"), D("-3.33"))
    assert first + second + third == D("-10.00")
    assert domain.reversal_amount(claimed=D("10.00"), claimed_units=3, returned_units=5) == D("-10.00")


def test_outcome_of_a_review():
    full = domain.Decided(D("10"), "approved", D("10"))
    cut = domain.Decided(D("10"), "cut", D("4"))
    rejected = domain.Decided(D("10"), "rejected", D("0"))
    reversal = domain.Decided(D("-2"), "approved", D("-2"))
    assert domain.outcome([full, reversal]) == (ClaimStatus.APPROVED, D("8"))
    assert domain.outcome([full, cut]) == (ClaimStatus.PARTIALLY_APPROVED, D("14"))
    assert domain.outcome([full, rejected]) == (ClaimStatus.PARTIALLY_APPROVED, D("10"))
    assert domain.outcome([rejected, rejected]) == (ClaimStatus.REJECTED, D("0"))


def test_settlement_stats():
    stats = domain.settlement_stats([1.0, 2.0, 3.0, 10.0])
    assert (stats.settled, stats.mean_days, stats.median_days, stats.p90_days, stats.max_days) == (4, 4.0, 2.5, 10.0, 10.0)
    assert domain.settlement_stats([]).settled == 0


money = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)


@given(claimed=money, units=st.integers(1, 500), data=st.data())
def test_cumulative_reversals_never_exceed_the_claim_and_add_up_exactly(claimed, units, data):
    """However the returned units are split into returns, the reversals (cumulative rounding, as
    the generation does) add up to the reversal of all of them at once, and never past the claim."""
    returns = data.draw(st.lists(st.integers(1, units), min_size=1, max_size=8))
    taken, so_far = Decimal("0.00"), 0
    for quantity in returns:
        so_far += quantity
        total = domain.reversal_amount(claimed=claimed, claimed_units=units, returned_units=so_far)
        step = total - taken
        assert step <= 0
        taken = total
    assert taken == domain.reversal_amount(claimed=claimed, claimed_units=units, returned_units=so_far)
    assert -claimed <= taken <= 0


@given(discount=money, ordered=st.integers(1, 1000), data=st.data())
def test_delivering_more_never_claims_less(discount, ordered, data):
    delivered = data.draw(st.integers(0, ordered))
    more = data.draw(st.integers(delivered, ordered))
    assert domain.discount_cost(discount=discount, delivered=delivered, ordered=ordered) <= domain.discount_cost(
        discount=discount, delivered=more, ordered=ordered) <= discount
    free = data.draw(st.integers(0, 50))
    assert domain.delivered_free_units(free_quantity=free, delivered=delivered, ordered=ordered) <= domain.delivered_free_units(
        free_quantity=free, delivered=more, ordered=ordered) <= free
