"""On PostgreSQL: 32 orders placed at once through ``order_create`` race for the last of a scheme's
budget; it is never overspent, every order is taken (those that find the budget gone are priced
without the scheme and say so), and the budget's uses match the orders that got the scheme."""

from decimal import Decimal as D

import pytest

from distra.orders import services
from distra.orders.models import Order
from distra.orders.services import LineIn
from distra.orders.tests.conftest import make_batch, receive
from distra.orders.tests.test_concurrency import postgres, run_threads  # noqa: F401  (fixture)
from distra.pricing.models import SchemeBenefit, SchemeBudgetSlot, SchemeBudgetUse
from distra.pricing.tests.conftest import live_price_list, live_scheme


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_parallel_orders_on_the_last_of_a_scheme_budget_never_overspend_it(postgres, org):  # noqa: F811
    sku1 = org.skus["SKU-1"]
    receive(org, org.warehouses["D-ONE"], make_batch(org, sku1, "BIG", expires_in_days=200), 400)
    live_price_list(org)
    # 10 % off 10 units at 7.00 = 7.00 per order: a budget of 100.00 covers 14 orders (98.00), not 15.
    scheme = live_scheme(org, "RACE", percent=D(10), budget_basis="value", budgets=[{"limit": "100.00"}],
                         targets={"sku_ids": [sku1.pk]})
    users = [org.users[name] for name in ("dist_one", "rep_del1", "asm_delhi", "admin")]

    def place(i: int) -> None:
        services.order_create(by=users[i % len(users)], outlet=org.outlets["O-DEL1-A"], submit=True,
                              lines=[LineIn(sku=sku1, quantity=10)], idempotency_key=f"race-{i}")

    assert run_threads(32, place) == []
    orders = list(Order.objects.all())
    assert len(orders) == 32
    assert all(o.status == "allocated" for o in orders)
    remaining = list(SchemeBudgetSlot.objects.filter(budget__scheme=scheme).values_list("remaining", flat=True))
    assert min(remaining) >= 0
    assert sum(remaining) == D("2.00")
    with_scheme = set(SchemeBenefit.objects.filter(scheme=scheme).values_list("order_id", flat=True))
    assert len(with_scheme) == 14
    assert set(SchemeBudgetUse.objects.values_list("order_id", flat=True)) == with_scheme
    assert sum(SchemeBudgetUse.objects.values_list("amount", flat=True)) == D("98.00")
    for order in orders:
        expected = D("74.34") if order.pk in with_scheme else D("82.60")  # 63.00 or 70.00, plus 18 %
        assert order.total == expected
