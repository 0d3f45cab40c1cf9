"""Real concurrency on PostgreSQL: ten clients post the goods receipt of one shipment at once
(a retry storm); the stock is posted once. SQLite serialises writers, so it is skipped there."""

import threading

import pytest
from django.db import connection, connections

from distra.inventory.models import StockBalance, StockMove
from distra.purchasing import services
from distra.purchasing.models import GoodsReceipt, PurchaseOrderEvent
from distra.purchasing.tests.conftest import confirmed_po

THREADS = 10


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_goods_receipts_of_one_shipment_post_stock_once(org, depot):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    order = confirmed_po(org)
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    early = shipment.lines.order_by("id").first()
    start = threading.Barrier(THREADS)
    receipts, failed = [], []

    def client() -> None:
        try:
            start.wait()
            receipt = services.grn_post(by=org.users["dist_one"], shipment=shipment,
                                        lines=[{"shipment_line_id": early.pk, "good": 55, "damaged": 2, "excess": 1}])
            receipts.append((receipt.pk, receipt.replayed))
        except Exception as exc:  # a deadlock or a unique-key error would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == []
    assert len({pk for pk, _ in receipts}) == 1
    assert sorted(replayed for _, replayed in receipts) == [False] + [True] * (THREADS - 1)
    assert GoodsReceipt.objects.count() == 1
    assert PurchaseOrderEvent.objects.filter(order=order, action="received").count() == 1
    warehouse = org.warehouses["D-ONE"]
    moves = StockMove.objects.filter(warehouse=warehouse).order_by("id")
    assert sorted((m.kind, m.reason, m.quantity) for m in moves) == sorted([
        ("transfer_in", "", 60), ("adjustment", "damage", -2), ("adjustment", "shrinkage", -3), ("receipt", "", 1), ("transfer_in", "", 40),
    ])
    stock = {b.batch.batch_number: b.on_hand for b in StockBalance.objects.filter(warehouse=warehouse).select_related("batch")}
    assert stock == {"EARLY": 56, "LATE": 40}
