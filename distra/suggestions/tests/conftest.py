"""Suggestions fixtures: a clock, orders placed the short way, a second SKU and a must-sell list."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distra.catalog.models import SKU
from distra.forecasting.tests.conftest import fake_engine  # noqa: F401  (a fixture used here)
from distra.orders.choices import OrderStatus
from distra.orders.models import Order, OrderLine
from distra.suggestions.models import MustSellItem, MustSellList


def at(days_ago: int, hour: int = 11) -> datetime:
    """An aware time ``days_ago`` days before today, at ``hour`` local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(hour)))




@pytest.fixture
def now() -> datetime:
    return at(0, 10)


def place(org, outlet_code: str, when: datetime, lines, status=OrderStatus.DELIVERED) -> Order:
    """An order of ``outlet_code`` placed at ``when`` with ``lines`` [(SKU code, units)]."""
    outlet = org.outlets[outlet_code]
    order = Order.objects.create(outlet=outlet, distributor=outlet.distributor, warehouse=org.warehouses[outlet.distributor.code],
                                 status=status, created_by=org.users["admin"], submitted_at=when)
    for i, (code, qty) in enumerate(lines, start=1):
        sku = org.skus[code]
        OrderLine.objects.create(order=order, line_no=i, sku=sku, quantity=qty, unit_price=sku.base_price, tax_rate=Decimal("0"))
    return order


@pytest.fixture
def sku2(org) -> SKU:
    """SKU-2: 24 a case, base price 15.00."""
    sku = SKU.objects.create(
        code="SKU-2", gtin="8901234567883", name="Cream biscuits 200 g", brand=org.brand, category=org.categories["BISC"],
        hsn_code="1905", units_per_case=24, case_weight_kg=Decimal("4"), case_volume_l=Decimal("10"), mrp=Decimal("20.00"),
        base_price=Decimal("15.00"), tax_rate=Decimal("18"), shelf_life_days=120)
    org.skus["SKU-2"] = sku
    return sku


@pytest.fixture
def weekly_buyer(org, sku2):
    """O-DEL1-A bought 2 cases (96 units) of SKU-1 every 7 days for 8 weeks, the last 7 days ago,
    and 5 loose units of SKU-2 on the same days: 8 orders, a 7-day cycle."""
    for k in range(1, 9):
        place(org, "O-DEL1-A", at(7 * k), [("SKU-1", 96), ("SKU-2", 5)])
    return org


@pytest.fixture
def must_sell(org, sku2) -> MustSellList:
    """General trade, any class: SKU-2 (starter: one case) and SKU-1 (starter 12 units)."""
    listing = MustSellList.objects.create(code="MS-GT", name="General trade core", channel="general_trade")
    MustSellItem.objects.create(must_sell_list=listing, sku=sku2)
    MustSellItem.objects.create(must_sell_list=listing, sku=org.skus["SKU-1"], quantity=12)
    return listing
