"""Billing fixtures: allocated orders of D-ONE's outlets (stock from the orders' fixtures), and
the rule that ``distra stock verify`` is clean after every test."""

from decimal import Decimal

import pytest

from distra.inventory.tests.conftest import _stock_verify_is_clean_afterwards  # noqa: F401  (autouse)
from distra.orders import services as orders
from distra.orders.services import LineIn
from distra.orders.tests.conftest import sku2, stocked  # noqa: F401  (fixtures)


def allocated_order(org, second_sku=None, *, q1=10, q2=0, outlet="O-DEL1-A", user="dist_one", discount=Decimal("0")):
    lines = [LineIn(sku=org.skus["SKU-1"], quantity=q1, discount_pct=discount)]
    if second_sku is not None and q2:
        lines.append(LineIn(sku=second_sku, quantity=q2))
    order = orders.order_create(by=org.users[user], outlet=org.outlets[outlet], lines=lines, submit=True)
    order.refresh_from_db()
    assert order.status == "allocated"
    return order


def invoiced(org, second_sku=None, **kwargs):
    order = allocated_order(org, second_sku, **kwargs)
    return orders.order_invoice(by=org.users["dist_one"], order=order)


@pytest.fixture
def invoice(org, stocked, sku2):  # noqa: F811
    """An invoice of O-DEL1-A (unregistered, Delhi) from D-ONE (Delhi): 10 × SKU-1 at 7.50 less
    5 %, 18 %, and 3 × SKU-2 at 22.00, 12 %."""
    return invoiced(org, sku2, q1=10, q2=3, discount=Decimal("5"))
