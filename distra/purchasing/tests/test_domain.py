"""Primary-order arithmetic without the database."""

from datetime import date
from decimal import Decimal

import pytest

from distra.purchasing.domain import (
    BatchStock,
    GrnLineError,
    fefo_pick,
    grn_line,
    line_amount,
    order_total,
    status_after_progress,
)

TODAY = date(2026, 6, 1)


def test_line_amounts_round_half_up_per_line_and_the_total_adds_rounded_lines():
    amounts = [line_amount(Decimal("0.125"), 1), line_amount(Decimal("0.125"), 1)]
    assert amounts == [Decimal("0.13"), Decimal("0.13")]
    assert order_total(amounts) == Decimal("0.26")  # not round(0.25)


def test_fefo_takes_the_earliest_expiry_first_and_splits_across_batches():
    stock = [BatchStock(3, date(2026, 9, 1), 50), BatchStock(1, date(2026, 7, 1), 20), BatchStock(2, date(2026, 7, 1), 5)]
    assert fefo_pick(stock=stock, quantity=40, today=TODAY) == ([(1, 20), (2, 5), (3, 15)], 0)


def test_fefo_never_picks_an_expired_or_empty_batch_and_reports_the_shortfall():
    stock = [BatchStock(1, date(2026, 6, 1), 100), BatchStock(2, date(2026, 5, 1), 100), BatchStock(3, date(2026, 8, 1), 0),
             BatchStock(4, date(2026, 8, 2), 7)]
    assert fefo_pick(stock=stock, quantity=10, today=TODAY) == ([(4, 7)], 3)


@pytest.mark.parametrize(("confirmed", "shipped", "shipments", "received", "status"), [
    (100, 0, 0, 0, "confirmed"),
    (100, 40, 1, 0, "partially_shipped"),
    (100, 100, 2, 0, "shipped"),
    (100, 40, 1, 1, "partially_received"),
    (100, 100, 2, 1, "partially_received"),
    (100, 100, 2, 2, "received"),
])
def test_status_follows_shipping_and_receiving_progress(confirmed, shipped, shipments, received, status):
    assert status_after_progress(confirmed=confirmed, shipped=shipped, shipments=shipments, received=received) == status


def test_a_grn_line_computes_short_and_keeps_excess_apart():
    q = grn_line(shipped=60, good=50, damaged=4, excess=2)
    assert (q.good, q.damaged, q.short, q.excess, q.is_discrepant) == (50, 4, 6, 2, True)
    assert not grn_line(shipped=60, good=60).is_discrepant


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"good": 61}, "more_than_shipped"),
    ({"good": 59, "damaged": 2}, "more_than_shipped"),
    ({"good": 50, "short": 5}, "short_does_not_add_up"),
    ({"good": -1}, "invalid_quantity"),
    ({"good": 1.5}, "invalid_quantity"),
    ({"good": True}, "invalid_quantity"),
])
def test_a_grn_line_that_does_not_add_up_is_refused(kwargs, code):
    with pytest.raises(GrnLineError) as exc:
        grn_line(shipped=60, **kwargs)
    assert exc.value.code == code
