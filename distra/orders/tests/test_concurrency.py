"""Real concurrency on PostgreSQL, through the HTTP API (Django's test client in threads, each
thread on its own database connection): 32 clients ordering the same scarce SKUs never allocate
more than there is, and one order sent 10 times at once with one idempotency key is created
once. Afterwards ``distra stock verify`` is clean (the autouse check of conftest). SQLite
serialises writers and ignores row locks, so these are skipped there."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from distra.core.testing import ApiClient
from distra.inventory.models import StockBalance, StockReservation
from distra.inventory.selectors import stock_verify
from distra.orders.models import Order, OrderAllocation, OrderLine, OrderPolicy
from distra.orders.tests.conftest import make_batch, receive

URL = "/api/v1/orders"


def run_threads(n: int, work) -> list:
    """Run ``work(i)`` in ``n`` threads released together; return what each raised, if anything."""
    start, failed = threading.Barrier(n), []

    def client(i: int) -> None:
        try:
            start.wait()
            work(i)
        except Exception as exc:  # a deadlock, a 500 or a constraint error would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failed


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("policy", ["cancel", "backorder"])
def test_32_parallel_clients_never_allocate_more_than_there_is(postgres, org, sku2, policy):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], shortfall_policy=policy)
    w, sku1 = org.warehouses["D-ONE"], org.skus["SKU-1"]
    batches = [make_batch(org, sku1, "A", expires_in_days=60), make_batch(org, sku1, "B", expires_in_days=90),
               make_batch(org, sku2, "C", expires_in_days=120)]
    for batch, quantity in zip(batches, (40, 35, 50), strict=True):
        receive(org, w, batch, quantity)
    users = [org.users[name] for name in ("dist_one", "rep_del1", "asm_delhi", "admin")]
    clients = [ApiClient(users[i % len(users)]) for i in range(32)]
    outlets = [org.outlets[code].pk for code in ("O-DEL1-A", "O-DEL1-B")]
    answers = []

    def order(i: int) -> None:
        # Lines in both SKU orders, so that two orders lock the same balances from either side.
        lines = [{"sku_id": sku1.pk, "quantity": 3 + i % 5}, {"sku_id": sku2.pk, "quantity": 2 + i % 3}]
        response = clients[i].post(URL, {"outlet_id": outlets[i % 2], "submit": True, "lines": lines[:: 1 if i % 2 else -1]},
                                   HTTP_IDEMPOTENCY_KEY=f"c{i}")
        answers.append((response.status_code, response.json()))

    failed = run_threads(32, order)

    assert failed == []
    statuses = sorted({status for status, _ in answers})
    assert set(statuses) <= {201, 409}, statuses  # never a 500, never a deadlock surfacing
    assert all(body["code"] == "insufficient_stock" for status, body in answers if status == 409)
    assert len(answers) == 32
    first_orders = Order.objects.filter(backorder_of=None)
    assert first_orders.count() == sum(1 for status, _ in answers if status == 201)
    for batch, quantity in zip(batches, (40, 35, 50), strict=True):
        balance = StockBalance.objects.get(batch=batch)
        assert balance.on_hand == quantity
        assert 0 <= balance.reserved <= balance.on_hand
    reserved = StockBalance.objects.aggregate(n=Sum("reserved"))["n"]
    assert reserved == OrderLine.objects.aggregate(n=Sum("allocated"))["n"]
    assert reserved == OrderAllocation.objects.aggregate(n=Sum("quantity"))["n"]
    assert reserved == StockReservation.objects.filter(is_open=True).aggregate(n=Sum("quantity"))["n"]
    # Demand (32 orders × about 7 units of SKU-1) exceeds stock: every unit of SKU-1 ends up allocated.
    assert sum(StockBalance.objects.filter(sku=sku1).values_list("reserved", flat=True)) == 75
    assert stock_verify() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_order_sent_10_times_at_once_with_one_key_is_created_once(postgres, org, stocked):
    client_by_thread = [ApiClient(org.users["rep_del1"]) for _ in range(10)]
    body = {"outlet_id": org.outlets["O-DEL1-A"].pk, "submit": True, "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 12}]}
    answers = []

    def send(i: int) -> None:
        response = client_by_thread[i].post(URL, body, HTTP_IDEMPOTENCY_KEY="tablet-3:order-77")
        answers.append((response.status_code, response.json()["id"], response.json()["status"]))

    failed = run_threads(10, send)

    assert failed == []
    order = Order.objects.get()
    assert sorted(status for status, _, _ in answers) == [200] * 9 + [201]
    assert {(order_id, status) for _, order_id, status in answers} == {(order.pk, "allocated")}
    assert order.lines.get().allocated == 12
    assert StockBalance.objects.aggregate(n=Sum("reserved"))["n"] == 12
    assert stock_verify() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_cancels_fills_and_orders_racing_keep_reserved_equal_to_allocations(postgres, org, stocked):
    """Half the threads order, half cancel what the other half ordered before, while stock arrives:
    each service locks the order row first, then balances in primary-key order."""
    w, sku1 = org.warehouses["D-ONE"], org.skus["SKU-1"]
    client = ApiClient(org.users["dist_one"])
    placed = [client.post(URL, {"outlet_id": org.outlets["O-DEL1-A"].pk, "submit": True,
                                "lines": [{"sku_id": sku1.pk, "quantity": 10}]}).json()["id"] for _ in range(8)]
    clients = [ApiClient(org.users["dist_one"]) for _ in range(16)]
    answers = []

    def work(i: int) -> None:
        if i % 2:
            response = clients[i].post(f"{URL}/{placed[i // 2]}/cancel", {"reason": "changed mind"})
        else:
            response = clients[i].post(URL, {"outlet_id": org.outlets["O-DEL1-B"].pk, "submit": True,
                                             "lines": [{"sku_id": sku1.pk, "quantity": 20}]})
            if i % 4 == 0:
                receive(org, w, make_batch(org, sku1, f"R{i}", expires_in_days=100 + i), 5)
        answers.append(response.status_code)

    failed = run_threads(16, work)

    assert failed == []
    assert set(answers) <= {200, 201}, answers
    assert Order.objects.filter(pk__in=placed, status="cancelled").count() == 8
    reserved = StockBalance.objects.aggregate(n=Sum("reserved"))["n"]
    assert reserved == OrderLine.objects.aggregate(n=Sum("allocated"))["n"]
    assert reserved == StockReservation.objects.filter(is_open=True).aggregate(n=Sum("quantity"))["n"]
    assert stock_verify() == []
