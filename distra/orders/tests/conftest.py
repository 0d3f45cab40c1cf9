"""Order fixtures: stock of two SKUs at D-ONE's warehouse in batches with staggered expiries.
After every test, ``distra stock verify`` must be clean (the inventory rule, imported)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distra.catalog.models import SKU
from distra.inventory import services as stock
from distra.inventory.tests.conftest import _stock_verify_is_clean_afterwards  # noqa: F401  (autouse)
from distra.orders.models import OrderPolicy
from distra.orders.services import LineIn


def make_batch(org, sku, number, *, expires_in_days):
    today = timezone.localdate()
    return stock.batch_ensure(by=org.users["admin"], sku=sku, batch_number=number,
                              manufactured_on=today - timedelta(days=30), expires_on=today + timedelta(days=expires_in_days))


def receive(org, warehouse, batch, quantity):
    return stock.stock_receive(by=org.users["admin"], warehouse=warehouse, sku=batch.sku, batch=batch, quantity=quantity)


@pytest.fixture
def sku2(org):
    return SKU.objects.create(
        code="SKU-2", gtin="8901234567883", name="Cream biscuits 200 g", brand=org.brand, category=org.categories["BISC"],
        hsn_code="1905", units_per_case=24, case_weight_kg=Decimal("5"), case_volume_l=Decimal("10"),
        mrp=Decimal("30.00"), base_price=Decimal("22.00"), tax_rate=Decimal("12"), shelf_life_days=270,
    )


@pytest.fixture
def stocked(org, sku2):
    """At W-D-ONE: SKU-1 in batch S1-LATE (200 days, 100 units) and S1-SOON (60 days, 50 units);
    SKU-2 in S2-A (120 days, 30 units)."""
    w = org.warehouses["D-ONE"]
    sku1 = org.skus["SKU-1"]
    batches = {
        "S1-LATE": make_batch(org, sku1, "S1-LATE", expires_in_days=200),
        "S1-SOON": make_batch(org, sku1, "S1-SOON", expires_in_days=60),
        "S2-A": make_batch(org, sku2, "S2-A", expires_in_days=120),
    }
    receive(org, w, batches["S1-LATE"], 100)
    receive(org, w, batches["S1-SOON"], 50)
    receive(org, w, batches["S2-A"], 30)
    return batches


@pytest.fixture
def cancel_policy(org):
    return OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], shortfall_policy="cancel")


def lines(org, sku2=None, q1=10, q2=0):
    result = [LineIn(sku=org.skus["SKU-1"], quantity=q1)]
    if sku2 is not None and q2:
        result.append(LineIn(sku=sku2, quantity=q2))
    return result
