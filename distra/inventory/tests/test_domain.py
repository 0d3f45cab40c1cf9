"""Stock calculations without a database."""

from distra.inventory.domain import BalanceDifference, balance_differences, count_variance

W, S = 1, 2


def test_count_variance_reports_each_counted_batch_in_batch_order():
    report = count_variance(book={10: 50, 11: 20, 12: 5}, counted={11: 18, 10: 50})
    assert [(line.batch_id, line.book, line.counted, line.difference) for line in report] == [(10, 50, 50, 0), (11, 20, 18, -2)]


def test_count_variance_of_a_batch_not_on_the_books_is_all_surplus():
    (line,) = count_variance(book={}, counted={7: 4})
    assert (line.book, line.difference) == (0, 4)


def test_balances_equal_to_ledger_and_reservations_have_no_difference():
    assert balance_differences(cached={(W, S, 1): (10, 3)}, ledger={(W, S, 1): 10}, reservations={(W, S, 1): 3}) == []


def test_a_zero_balance_row_without_moves_is_not_a_difference():
    assert balance_differences(cached={(W, S, 1): (0, 0)}, ledger={}, reservations={}) == []


def test_cache_that_drifted_from_the_ledger_is_reported():
    assert balance_differences(cached={(W, S, 1): (9, 0)}, ledger={(W, S, 1): 10}, reservations={}) == [
        BalanceDifference((W, S, 1), cached_on_hand=9, ledger_on_hand=10, cached_reserved=0, open_reserved=0)
    ]


def test_ledger_position_without_a_balance_row_is_reported():
    (difference,) = balance_differences(cached={}, ledger={(W, S, 1): 4}, reservations={})
    assert (difference.cached_on_hand, difference.ledger_on_hand) == (0, 4)
    assert "ledger 4" in difference.describe()


def test_reservations_above_the_ledger_are_reported_even_when_the_cache_agrees():
    (difference,) = balance_differences(cached={(W, S, 1): (2, 3)}, ledger={(W, S, 1): 2}, reservations={(W, S, 1): 3})
    assert difference.open_reserved == 3


def test_negative_ledger_sum_is_reported():
    assert len(balance_differences(cached={(W, S, 1): (-1, 0)}, ledger={(W, S, 1): -1}, reservations={})) == 1
