"""Real concurrency on PostgreSQL: many threads, each on its own connection, reserving the last
units of one batch at once. SQLite serialises writers and ignores row locks, so it is skipped there."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from distra.core.errors import DomainError
from distra.inventory import services
from distra.inventory.models import Batch, StockBalance, StockReservation

THREADS = 24


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_reservations_never_reserve_more_than_is_on_hand(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    admin, warehouse, sku = org.users["admin"], org.warehouses["D-ONE"], org.skus["SKU-1"]
    batch = Batch.objects.create(sku=sku, batch_number="LAST", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 12, 1))
    services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=50)
    start = threading.Barrier(THREADS)
    won, refused, failed = [], [], []

    def client(i: int) -> None:
        try:
            start.wait()
            quantity = 1 + i % 4
            services.stock_reserve(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=quantity, source_key=f"order-{i}:1")
            won.append(quantity)
        except DomainError as exc:
            refused.append(exc.code)
        except Exception as exc:  # a deadlock or a constraint error would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    balance = StockBalance.objects.get(batch=batch)
    assert failed == []
    assert set(refused) <= {"insufficient_stock"}
    assert len(won) + len(refused) == THREADS
    assert balance.on_hand == 50
    assert balance.reserved == sum(won) <= 50
    assert sum(won) > 50 - 4  # what is left is less than any refused request
    assert sum(StockReservation.objects.filter(is_open=True).values_list("quantity", flat=True)) == sum(won)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_crossing_transfers_and_receipts_do_not_deadlock(org):
    """Threads send stock both ways between two warehouses and receive each other's transfers:
    every service locks balance rows in primary-key order, so none waits in a cycle."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    admin, sku = org.users["admin"], org.skus["SKU-1"]
    one, two = org.warehouses["D-ONE"], org.warehouses["D-TWO"]
    batch = Batch.objects.create(sku=sku, batch_number="X", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 12, 1))
    for warehouse in (one, two):
        services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=1000)
    start = threading.Barrier(16)
    failed = []

    def client(i: int) -> None:
        try:
            start.wait()
            source, target = (one, two) if i % 2 else (two, one)
            for n in range(5):
                out = services.stock_transfer(by=admin, from_warehouse=source, to_warehouse=target, sku=sku, batch=batch, quantity=1 + n)
                services.stock_transfer_receive(by=admin, transfer=out)
        except Exception as exc:
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == []
    assert sorted(StockBalance.objects.filter(batch=batch).values_list("on_hand", flat=True)) == [1000, 1000]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_receipt_posted_ten_times_in_parallel_posts_once(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    admin, warehouse, sku = org.users["admin"], org.warehouses["D-ONE"], org.skus["SKU-1"]
    batches = [Batch.objects.create(sku=sku, batch_number=f"R{i}", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 12, 1))
               for i in range(2)]
    start = threading.Barrier(10)
    moves, failed = [], []

    def client(i: int) -> None:
        try:
            start.wait()
            # Half the retries even name another batch: the unique source key still wins.
            moves.append(services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batches[i % 2], quantity=7,
                                                source_key="sync-device-9:42").pk)
        except Exception as exc:
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == []
    assert len(set(moves)) == 1
    assert sum(StockBalance.objects.values_list("on_hand", flat=True)) == 7


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_count_posted_in_parallel_posts_once(org):
    """A double tap or a retry racing its original: eight posts of one count with one key write
    one set of adjustments, and every one answers the same variance report."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    admin, warehouse, sku = org.users["admin"], org.warehouses["D-ONE"], org.skus["SKU-1"]
    batches = [Batch.objects.create(sku=sku, batch_number=f"C{i}", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 12, 1))
               for i in range(3)]
    for b in batches:
        services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=b, quantity=20)
    counted = {batches[0].pk: 17, batches[1].pk: 20, batches[2].pk: 25}
    start = threading.Barrier(8)
    reports, failed = [], []

    def client() -> None:
        try:
            start.wait()
            report = services.stock_count_post(by=admin, warehouse=warehouse, counted=counted, source_key="count-page:twice")
            reports.append([(x.batch_id, x.book, x.counted) for x in report])
        except Exception as exc:
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []
    expected = [(batches[0].pk, 20, 17), (batches[1].pk, 20, 20), (batches[2].pk, 20, 25)]
    assert reports == [expected] * 8
    assert sorted(StockBalance.objects.filter(batch__in=batches).values_list("on_hand", flat=True)) == [17, 20, 25]
