"""Order metrics: fill rate (lines and orders delivered in full) and order-to-fulfilment cycle
time, per distributor and overall, in a date range and the caller's scope; and the statistics
without the database."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from distra.orders import selectors, services
from distra.orders.models import Order, OrderLine
from distra.orders.services import LineIn
from distra.orders.tests.conftest import make_batch, receive

IST = ZoneInfo("Asia/Kolkata")
D = Decimal


@pytest.mark.parametrize(("hours", "mean", "median", "p90"), [
    ([], None, None, None),
    ([5], D("5.00"), D("5.00"), D("5.00")),
    ([1, 2, 3, 4], D("2.50"), D("2.50"), D("4.00")),
    ([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], D("5.50"), D("5.50"), D("9.00")),
    ([1 / 3, 2 / 3], D("0.50"), D("0.50"), D("0.67")),
])
def test_cycle_time_stats_are_mean_median_and_nearest_rank_p90(hours, mean, median, p90):
    stats = selectors.cycle_time_stats(hours)
    assert (stats["orders"], stats["mean_hours"], stats["median_hours"], stats["p90_hours"]) == (len(hours), mean, median, p90)


def deliver(order, *, submitted, hours, delivered=None):
    """Mark an allocated order delivered ``hours`` after ``submitted`` (the delivery service's
    effect, written directly: this tests the reads), each line delivering ``delivered[i]``."""
    lines = list(order.lines.order_by("line_no"))
    amounts = delivered or [line.allocated for line in lines]
    for line, amount in zip(lines, amounts, strict=True):
        OrderLine.objects.filter(pk=line.pk).update(delivered=amount)
    full = all(a == line.quantity for line, a in zip(lines, amounts, strict=True))
    Order.objects.filter(pk=order.pk).update(status="delivered" if full else "partially_delivered", submitted_at=submitted,
                                             delivered_at=submitted + timedelta(hours=hours))


@pytest.fixture
def history(org, stocked, sku2):
    """D-ONE: three delivered orders (one short on a line) in March, one in April; D-FOUR: one in
    March; one D-ONE order only allocated."""
    receive(org, org.warehouses["D-FOUR"], make_batch(org, org.skus["SKU-1"], "M-1", expires_in_days=100), 100)
    by = org.users["admin"]
    march = datetime(2026, 3, 2, 10, tzinfo=IST)

    def order(outlet, *lines_in):
        return services.order_create(by=by, outlet=org.outlets[outlet], lines=list(lines_in), submit=True)

    one = order("O-DEL1-A", LineIn(sku=org.skus["SKU-1"], quantity=10), LineIn(sku=sku2, quantity=5))
    two = order("O-DEL1-B", LineIn(sku=org.skus["SKU-1"], quantity=4))
    three = order("O-DEL1-A", LineIn(sku=org.skus["SKU-1"], quantity=6), LineIn(sku=sku2, quantity=2))
    april = order("O-DEL1-B", LineIn(sku=org.skus["SKU-1"], quantity=1))
    mumbai = order("O-MUM-A", LineIn(sku=org.skus["SKU-1"], quantity=3))
    order("O-DEL1-A", LineIn(sku=org.skus["SKU-1"], quantity=2))  # allocated, not delivered: not counted
    deliver(one, submitted=march, hours=20)
    deliver(two, submitted=march, hours=30)
    deliver(three, submitted=march, hours=70, delivered=[6, 1])
    deliver(april, submitted=march + timedelta(days=31), hours=5)
    deliver(mumbai, submitted=march, hours=12)
    return org


def test_metrics_per_distributor_and_overall_in_a_date_range(history):
    metrics = selectors.order_metrics(user=history.users["admin"], date_from=date(2026, 3, 1),
                                      date_to=date(2026, 3, 31))
    four, one = metrics["distributors"]  # by distributor code
    assert (four["distributor_code"], one["distributor_code"]) == ("D-FOUR", "D-ONE")
    assert one["fill_rate"] == {"orders": 3, "orders_filled": 2, "order_fill_rate": D("0.6667"),
                                "lines": 5, "lines_filled": 4, "line_fill_rate": D("0.8000")}
    assert one["cycle_time"] == {"orders": 3, "mean_hours": D("40.00"), "median_hours": D("30.00"), "p90_hours": D("70.00")}
    assert four["fill_rate"]["order_fill_rate"] == D("1.0000")
    overall = metrics["overall"]
    assert overall["fill_rate"] == {"orders": 4, "orders_filled": 3, "order_fill_rate": D("0.7500"),
                                    "lines": 6, "lines_filled": 5, "line_fill_rate": D("0.8333")}
    assert overall["cycle_time"] == {"orders": 4, "mean_hours": D("33.00"), "median_hours": D("25.00"), "p90_hours": D("70.00")}


def test_metrics_follow_the_scope_and_the_distributor_filter(history):
    mumbai = selectors.order_metrics(user=history.users["dist_four"])
    assert [d["distributor_code"] for d in mumbai["distributors"]] == ["D-FOUR"]
    assert mumbai["overall"]["fill_rate"]["orders"] == 1
    only_one = selectors.order_metrics(user=history.users["admin"], distributor_id=history.distributors["D-ONE"].pk)
    assert only_one["overall"]["fill_rate"]["orders"] == 4  # March and April
    nothing = selectors.order_metrics(user=history.users["admin"], date_from=date(2027, 1, 1))
    assert nothing["distributors"] == []
    assert nothing["overall"]["fill_rate"]["order_fill_rate"] is None
    assert nothing["overall"]["cycle_time"]["mean_hours"] is None


def test_metrics_endpoint(history, api):
    client = api(history.users["asm_delhi"])
    response = client.get("/api/v1/orders/metrics", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2026-03-01", "2026-03-31")
    assert body["overall"]["fill_rate"]["line_fill_rate"] == "0.8000"
    assert [d["distributor_code"] for d in body["distributors"]] == ["D-ONE"]
    bad = client.get("/api/v1/orders/metrics", {"from": "2026-04-01", "to": "2026-03-01"})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["to"])
    assert api(None).get("/api/v1/orders/metrics").status_code == 401
