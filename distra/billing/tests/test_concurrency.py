"""Gap-free numbering under real concurrency (PostgreSQL): 16 threads, each on its own
connection, invoice 16 orders of one distributor at once."""

import threading

import pytest
from django.db import connection, connections

from distra.billing.models import Invoice, InvoiceSeries
from distra.billing.tests.conftest import allocated_order
from distra.orders import services as orders
from distra.orders.tests.conftest import make_batch, receive

THREADS = 16


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_invoices_take_numbers_one_to_sixteen_without_gap_or_duplicate(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "B-PAR", expires_in_days=200), THREADS * 2)
    order_list = [allocated_order(org, q1=2, outlet="O-DEL1-A" if i % 2 else "O-DEL1-B") for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    failed = []

    def client(order) -> None:
        try:
            start.wait()
            orders.order_invoice(by=org.users["dist_one"], order=order)
        except Exception as exc:  # a deadlock or a unique violation would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(order,)) for order in order_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == []
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, THREADS + 1))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == THREADS
    assert InvoiceSeries.objects.get(document="invoice").next_number == THREADS + 1
    assert sorted(Invoice.objects.values_list("order_id", flat=True)) == sorted(o.pk for o in order_list)
