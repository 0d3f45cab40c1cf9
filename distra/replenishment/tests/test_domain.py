"""Replenishment arithmetic, without the database."""

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from distra.replenishment import domain
from distra.replenishment.domain import BatchAtRisk, Claim, Parameters, Receiver

D = Decimal


def test_z_of_common_service_levels():
    assert domain.z_for(D("0.95")) == D("1.6449")
    assert domain.z_for(D("0.98")) == D("2.0537")
    assert domain.z_for(D("0.5")) == D("0.0000")


def test_abc_classes_follow_the_value_pareto():
    classes = domain.abc_classes({"x": D(70), "y": D(15), "z": D(10), "w": D(5), "idle": D(0)})
    assert classes == {"x": "A", "y": "A", "z": "B", "w": "C", "idle": "C"}


def test_demand_over_spreads_weeks_over_their_days_and_repeats_the_last_week():
    weekly = [D(70), D(140)]
    assert domain.demand_over(weekly, 7) == D(70)
    assert domain.demand_over(weekly, 10) == D(70) + D(60)
    assert domain.demand_over(weekly, 21) == D(70) + D(140) + D(140)
    assert domain.demand_over([], 10) == 0


def test_parameters_from_forecast_error_and_lead_time():
    p = domain.parameters(weekly=[D(70)] * 4, error_sd_weekly=D(10), lead_time_days=7, service_level=D("0.95"))
    # lead-time demand 70, safety 1.6449 × 10 × 1 = 16.449 → 17; order-up-to 140 + 1.6449 × 10 × √2 = 163.26 → 164
    assert p == Parameters(D("70.00"), 17, 87, 164)


def test_no_error_no_safety_stock():
    p = domain.parameters(weekly=[D(14)], error_sd_weekly=D(0), lead_time_days=14, service_level=D("0.98"))
    assert (p.safety_stock, p.reorder_point, p.order_up_to) == (0, 28, 42)


def test_suggest_nothing_above_the_reorder_point():
    p = Parameters(D(70), 17, 87, 164)
    assert domain.suggest(position=88, params=p, min_order_quantity=1, units_per_case=12).quantity == 0


def test_suggest_up_to_the_level_in_whole_cases():
    p = Parameters(D(70), 17, 87, 164)
    s = domain.suggest(position=78, params=p, min_order_quantity=1, units_per_case=12)
    assert s.quantity == 96  # 86 needed → 8 cases of 12
    assert "reorder point 87" in s.reason
    assert "rounded to 8 cases" in s.reason


def test_suggest_at_least_the_moq():
    p = Parameters(D(70), 17, 87, 100)
    s = domain.suggest(position=87, params=p, min_order_quantity=48, units_per_case=12)
    assert s.quantity == 48
    assert "MOQ 48" in s.reason


def test_guardrails_value_cap_and_change_against_last_order():
    assert domain.guardrail_breaches(value=D(900), value_cap=D(1000), quantities={1: 110}, last_quantities={1: 100},
                                     max_change_pct=D(20)) == []
    breaches = domain.guardrail_breaches(value=D(1200), value_cap=D(1000), quantities={1: 150, 2: 10}, last_quantities={1: 100},
                                         max_change_pct=D(20))
    assert len(breaches) == 3
    assert "cap" in breaches[0]


def test_fair_share_equalises_days_of_cover():
    claims = [Claim("fast", 100, 0, D(10)), Claim("slow", 100, 50, D(5))]
    # The slow seller has 10 days of cover; 60 units lift the fast one from 0 to 6 days only.
    assert [s.allocated for s in domain.fair_share(60, claims)] == [60, 0]
    # 160 units: the fast one gets all it asked (10 days), the slow one the rest (22 days).
    assert [s.allocated for s in domain.fair_share(160, claims)] == [100, 60]
    shares = domain.fair_share(130, claims)
    assert [s.allocated for s in shares] == [100, 30]  # fast capped at its order; slow to (50 + 30) / 5 = 16 days
    assert [s.cover_after for s in shares] == [D("10.0"), D("16.0")]
    assert "cover 10.0 → 16.0 days" in shares[1].explanation


def test_fair_share_when_everything_fits_gives_everyone_its_order():
    shares = domain.fair_share(500, [Claim("a", 100, 0, D(1)), Claim("b", 50, 0, D(0))])
    assert [s.allocated for s in shares] == [100, 50]
    assert all("got all" in s.explanation for s in shares)


claims_strategy = st.lists(st.builds(Claim, claimant=st.integers(), requested=st.integers(0, 500), available=st.integers(0, 500),
                                     daily_rate=st.decimals(0, 50, places=2)), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(stock=st.integers(0, 2000), claims=claims_strategy)
def test_fair_share_never_allocates_more_than_exists_or_was_asked(stock, claims):
    shares = domain.fair_share(stock, claims)
    assert sum(s.allocated for s in shares) <= stock
    assert all(0 <= s.allocated <= s.requested for s in shares)
    # Nothing is held back while someone still asks for more.
    assert sum(s.allocated for s in shares) == min(stock, sum(c.requested for c in claims))


def test_near_expiry_lists_what_will_not_sell_and_where_it_would():
    today = date(2026, 1, 1)
    batches = [BatchAtRisk("d1", 7, date(2026, 1, 11), 100)]  # 10 days left
    actions = domain.near_expiry_actions(batches=batches, rates={"d1": D(2)}, ahead={("d1", 7): 0},
                                         receivers=[Receiver("d2", D(5), 20), Receiver("d3", D(1), 0)], today=today)
    [a] = actions
    assert (a.will_sell, a.at_risk) == (20, 80)
    assert a.transfers == (("d2", 30), ("d3", 10))
    assert a.unplaced == 40


def test_a_batch_that_sells_in_time_needs_no_action():
    batches = [BatchAtRisk("d1", 7, date(2026, 3, 1), 10)]
    assert domain.near_expiry_actions(batches=batches, rates={"d1": D(1)}, ahead={}, receivers=[], today=date(2026, 1, 1)) == []
