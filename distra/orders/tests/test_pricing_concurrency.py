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


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_cancels_of_a_backorder_and_its_original_give_the_budget_back_exactly_once(postgres, org, stocked):  # noqa: F811
    # 200 units at 7.00, 10 % off: 140.00 of a 200.00 budget; 150 in stock, so the back-order's
    # 50 units carry 35.00 and the original 105.00. Four cancels of the back-order and four of the
    # original at once: one of each goes through, and the budget is whole again, not over.
    live_price_list(org)
    scheme = live_scheme(org, "B10", percent=D(10), budget_basis="value", budgets=[{"limit": "200.00"}],
                         targets={"sku_ids": [org.skus["SKU-1"].pk]})
    order = services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], submit=True,
                                  lines=[LineIn(sku=org.skus["SKU-1"], quantity=200)])
    backorder = order.backorders.get()
    targets = [backorder, order] * 4

    def cancel(i: int) -> None:
        try:
            services.order_cancel(by=org.users["dist_one"], order=targets[i], reason=f"race {i}")
        except services.TransitionNotAllowed:
            pass

    assert run_threads(len(targets), cancel) == []
    assert sum(SchemeBudgetSlot.objects.filter(budget__scheme=scheme).values_list("remaining", flat=True)) == D("200.00")
    uses = SchemeBudgetUse.objects.filter(budget__scheme=scheme)  # one per slot taken from
    for who, amount in ((order, D("105.00")), (backorder, D("35.00"))):
        mine = [u for u in uses if u.order_id == who.pk]
        assert sum(u.amount for u in mine) == sum(u.released for u in mine) == amount
        assert all(u.released_at for u in mine)
