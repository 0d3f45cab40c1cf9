"""The arithmetic of a suggestion, without the database: worked examples checkable by hand."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from distra.suggestions import domain
from distra.suggestions.domain import Purchase

TODAY = date(2026, 3, 2)


def test_order_cycle_is_the_median_gap_between_order_days():
    days = [TODAY - timedelta(days=n) for n in (28, 21, 14, 10, 3)]  # gaps 7, 7, 4, 7
    assert domain.order_cycle(days) == domain.Cycle(7, 5, True)


def test_order_cycle_defaults_to_a_week_with_fewer_than_two_orders():
    assert domain.order_cycle([TODAY]) == domain.Cycle(7, 1, False)
    assert domain.order_cycle([]).days == 7


def test_order_cycle_is_clamped_to_eight_weeks():
    assert domain.order_cycle([TODAY - timedelta(days=150), TODAY]).days == 56


def test_an_outlet_buys_in_cases_when_four_lines_in_five_were_whole_cases():
    assert domain.buys_in_cases([48, 96, 48, 48, 20], 48) is True   # 4 of 5
    assert domain.buys_in_cases([48, 96, 20, 20], 48) is False      # 2 of 4
    assert domain.buys_in_cases([5, 5], 1) is False


def test_history_rate_spreads_units_over_the_days_since_the_first_purchase():
    purchases = [Purchase(TODAY - timedelta(days=7 * k), 1, 96) for k in range(1, 9)]
    # 768 units since 56 days ago: 13.7143 a day.
    assert domain.history_rate(purchases, today=TODAY, cycle_days=7) == D("13.7143")


def test_a_first_purchase_yesterday_is_spread_over_one_cycle_at_least():
    assert domain.history_rate([Purchase(TODAY - timedelta(days=1), 1, 70)], today=TODAY, cycle_days=7) == D("10")


def test_rounding_up_to_whole_cases_or_whole_units():
    assert domain.round_need(D("56"), units_per_case=48, in_cases=True) == 96   # 1.17 cases -> 2
    assert domain.round_need(D("36"), units_per_case=48, in_cases=True) == 48
    assert domain.round_need(D("3.2"), units_per_case=24, in_cases=False) == 4
    assert domain.round_need(D("0.4"), units_per_case=24, in_cases=False) == 0  # under half a unit
    assert domain.round_need(D("-4"), units_per_case=48, in_cases=True) == 0


def test_shelf_counted_is_subtracted_from_the_demand_over_the_cycle():
    rate = domain.Rate(D("13.7143"), "history", {})
    line = domain.suggest_line(sku_id=1, units_per_case=48, rate=rate, cover_days=7, shelf=40, last=None, in_cases=True,
                               today=TODAY, basis_words="History")
    # 13.7143 x 7 = 96.0 (shown 13.71 a day); less 40 counted = 56 -> 2 cases of 48.
    assert (line.quantity, line.figures["demand"], line.figures["need"]) == (96, "96.0", "56.0")
    assert line.reason == "History: 13.71 a day × 7 days = 96; 40 counted on the shelf; needs 56, rounded up to 2 case(s) of 48"


def test_without_a_count_the_shelf_is_estimated_from_the_last_purchase():
    rate = domain.Rate(D("2"), "history", {})
    last = Purchase(TODAY - timedelta(days=3), 1, 20)
    line = domain.suggest_line(sku_id=1, units_per_case=24, rate=rate, cover_days=7, shelf=None, last=last, in_cases=False,
                               today=TODAY, basis_words="History")
    # 20 bought 3 days ago, 2 a day sold since: 14 left; 14 needed over 7 days: nothing to order.
    assert (line.quantity, line.figures["shelf"]) == (0, "14.0")
    assert "the shelf covers the period" in line.reason


def test_weekly_forecast_to_a_daily_rate_over_the_weeks_the_cycle_touches():
    assert domain.weekly_to_daily([D("14"), D("28"), D("70")], 10) == D("3")  # two weeks: 42 / 14


def _at(day_offset: int) -> datetime:
    return datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(days=day_offset)


def test_a_line_is_accepted_when_the_next_order_within_the_validity_has_its_sku():
    given = domain.Given(1, outlet_id=7, given_at=_at(0), valid_until=_at(3), sku_ids=frozenset({1, 2, 3}))
    orders = [domain.PlacedOrder(7, _at(2), frozenset({9})), domain.PlacedOrder(7, _at(1), frozenset({1, 3, 5})),
              domain.PlacedOrder(8, _at(1), frozenset({2}))]
    outcome = domain.acceptance(given, orders, now=_at(10))
    # The next order (day 1) holds SKUs 1 and 3; the later one and the other outlet's do not count.
    assert (outcome.status, outcome.lines, outcome.accepted) == ("decided", 3, 2)


def test_no_order_within_the_validity_accepts_nothing_once_it_ended_and_is_pending_before():
    given = domain.Given(1, outlet_id=7, given_at=_at(0), valid_until=_at(3), sku_ids=frozenset({1}))
    late = [domain.PlacedOrder(7, _at(4), frozenset({1}))]
    assert domain.acceptance(given, late, now=_at(5)).status == "decided"
    assert domain.acceptance(given, late, now=_at(5)).accepted == 0
    assert domain.acceptance(given, [], now=_at(2)).status == "pending"
    assert domain.share(1, 3) == D("0.3333")
    assert domain.share(0, 0) is None
