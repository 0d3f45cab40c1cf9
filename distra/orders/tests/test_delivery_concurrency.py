"""Proof of delivery under real concurrency (PostgreSQL): the same POD posted by 8 clients at
once delivers once. SQLite serialises writers, so it is skipped there."""

import threading

import pytest
from django.db import connection, connections

from distra.billing.models import CreditNote
from distra.core.errors import DomainError
from distra.inventory.models import StockBalance, StockMove, StockReservation
from distra.orders import services
from distra.orders.models import Order, OrderEvent
from distra.orders.services import DeliveredLine
from distra.orders.tests.test_delivery import by_sku, dispatched

CLIENTS = 8


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_parallel_proofs_of_delivery_deliver_once(org, stocked, sku2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    order = dispatched(org, sku2)
    lines = by_sku(order)
    pod = [DeliveredLine(lines["SKU-1"].pk, 60, "refused"), DeliveredLine(lines["SKU-2"].pk, 10)]
    start = threading.Barrier(CLIENTS)
    delivered, refused, failed = [], [], []

    def client() -> None:
        try:
            start.wait()
            services.order_deliver(by=org.users["dist_one"], order=Order.objects.get(pk=order.pk), lines=pod)
            delivered.append(1)
        except DomainError as exc:
            refused.append(exc.code)
        except Exception as exc:  # a deadlock or a constraint error would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert (failed, len(delivered), refused) == ([], 1, ["transition_not_allowed"] * (CLIENTS - 1))
    order.refresh_from_db()
    assert order.status == "partially_delivered"
    assert sorted(StockMove.objects.filter(kind="sale_issue").values_list("batch__batch_number", "quantity")) == [
        ("S1-LATE", -10), ("S1-SOON", -50), ("S2-A", -10)]
    assert {b.batch.batch_number: (b.on_hand, b.reserved) for b in StockBalance.objects.select_related("batch")} == {
        "S1-LATE": (90, 0), "S1-SOON": (0, 0), "S2-A": (20, 0)}
    assert not StockReservation.objects.filter(is_open=True).exists()
    assert CreditNote.objects.filter(kind="delivery_shortfall").count() == 1
    assert OrderEvent.objects.filter(order=order, to_status="partially_delivered").count() == 1
