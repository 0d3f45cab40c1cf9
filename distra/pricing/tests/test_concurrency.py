"""Real concurrency on PostgreSQL: 32 orders race for the last of a scheme's budget at once; the
budget is never overspent, the winners' consumption adds up exactly and no slot goes negative.
SQLite serialises writers, so it is skipped there."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection, connections, transaction

from distra.pricing import services
from distra.pricing.models import SchemeBudgetSlot, SchemeBudgetUse
from distra.pricing.tests.conftest import bare_order, live_price_list, live_scheme

THREADS = 32


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_orders_racing_for_the_last_of_a_budget_never_overspend(org, catalog):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    live_price_list(org)
    # 10 % off SKU-1 at 7.00: 10 units give 7.00. The budget of 100.00 covers 14 such orders (98.00), not 15.
    live_scheme(org, "RACE", percent=D(10), budget_basis="value", budgets=[{"limit": "100.00"}])
    priced = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(catalog["SKU-1"], 10)])
    orders = [bare_order(org)[0] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    won, lost, failed = [], [], []

    def client(order) -> None:
        try:
            start.wait()
            with transaction.atomic():
                services.scheme_budgets_consume(priced=priced, order_id=order.pk)
            won.append(order.pk)
        except services.SchemeBudgetExhausted:
            lost.append(order.pk)
        except Exception as exc:  # a deadlock would land here
            failed.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(order,)) for order in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == []
    assert (len(won), len(lost)) == (14, THREADS - 14)
    remaining = list(SchemeBudgetSlot.objects.values_list("remaining", flat=True))
    assert min(remaining) >= 0
    assert sum(remaining) == D("2.00")
    assert sum(SchemeBudgetUse.objects.values_list("amount", flat=True)) == D("98.00")
    assert set(SchemeBudgetUse.objects.values_list("order_id", flat=True)) == set(won)
