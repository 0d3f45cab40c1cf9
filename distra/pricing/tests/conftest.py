"""Pricing fixtures: the test organisation with two more SKUs, and helpers that write price lists,
schemes and bare orders (for budgets and benefits) the short way."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from distra.catalog.models import SKU
from distra.orders.models import Order, OrderLine
from distra.pricing import services


@pytest.fixture
def catalog(org):
    """SKU-1 (biscuits, 48 a case, MRP 10.00, base 7.50, 18 %), SKU-2 (oil, 12 a case, MRP 120.00,
    base 95.00, 5 %) and SKU-OLD (inactive)."""
    sku1 = org.skus["SKU-1"]
    common = {"brand": org.brand, "category": org.categories["FOOD"], "hsn_code": "1507", "case_weight_kg": D("10"),
              "case_volume_l": D("12"), "shelf_life_days": 365}
    org.skus["SKU-2"] = SKU.objects.create(code="SKU-2", gtin="8901234567906", name="Sunflower oil 1 l", units_per_case=12,
                                           mrp=D("120.00"), base_price=D("95.00"), tax_rate=D("5"), **common)
    org.skus["SKU-OLD"] = SKU.objects.create(code="SKU-OLD", gtin="8901234567913", name="Old pack", units_per_case=10,
                                             mrp=D("50.00"), base_price=D("30.00"), tax_rate=D("5"), is_active=False, **common)
    return {"SKU-1": sku1, "SKU-2": org.skus["SKU-2"], "SKU-OLD": org.skus["SKU-OLD"]}


def today() -> date:
    return timezone.localdate()


def live_price_list(org, code="PL-ALL", items=None, **fields):
    brand = org.users["brand"]
    items = items or [{"sku_id": org.skus["SKU-1"].pk, "selling_price": "7.00", "landing_price": "6.20"}]
    pl = services.price_list_create(by=brand, code=code, name=code, valid_from=fields.pop("valid_from", today()), items=items, **fields)
    return services.price_list_transition(by=brand, price_list=pl, to="active")


def live_scheme(org, code="S-5", kind="percent_off", activate=True, **fields):
    brand = org.users["brand"]
    fields.setdefault("valid_from", today())
    if kind in ("percent_off", "combo", "first_order"):
        fields.setdefault("percent", D(5))
    scheme = services.scheme_create(by=brand, code=code, name=code, kind=kind, **fields)
    return services.scheme_transition(by=brand, scheme=scheme, to="active") if activate else scheme


def bare_order(org, outlet="O-DEL1-A", lines=()):
    """An order row (and lines) written directly: budgets and benefits only need something to point at."""
    o = org.outlets[outlet]
    order = Order.objects.create(outlet=o, distributor=o.distributor, warehouse=org.warehouses[o.distributor.code],
                                 created_by=org.users["admin"])
    made = []
    for i, (sku, qty) in enumerate(lines, start=1):
        made.append(OrderLine.objects.create(order=order, line_no=i, sku=sku, quantity=qty, unit_price=D("1"), tax_rate=D("0")))
    return order, made
