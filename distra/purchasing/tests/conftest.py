"""Purchasing fixtures: a brand depot stocked with two batches of SKU-1, and the rule that
``distra stock verify`` is clean after every test."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from distra.inventory import services as stock
from distra.inventory.models import Batch
from distra.partners.models import Warehouse
from distra.purchasing import services


@pytest.fixture(autouse=True)
def _stock_verify_is_clean_afterwards(request):
    uses_db = request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames
    if uses_db:
        request.getfixturevalue("db")
    yield
    if uses_db:
        from distra.inventory.selectors import stock_verify

        assert [d.describe() for d in stock_verify()] == []


@dataclass
class Depot:
    warehouse: Warehouse
    early: Batch  # expires first: FEFO ships it first
    late: Batch
    expired: Batch


def make_batch(sku, number: str, expires_in_days: int) -> Batch:
    today = timezone.localdate()
    return Batch.objects.create(sku=sku, batch_number=number, manufactured_on=today - timedelta(days=200),
                                expires_on=today + timedelta(days=expires_in_days))


@pytest.fixture
def depot(org) -> Depot:
    """DEPOT-N holding 60 units of batch EARLY (expires in 30 days), 500 of LATE (in 120 days)
    and 40 of EXPIRED (expired yesterday) of SKU-1."""
    admin, sku = org.users["admin"], org.skus["SKU-1"]
    warehouse = services.depot_create(by=admin, code="DEPOT-N", name="North depot")
    batches = {"EARLY": make_batch(sku, "EARLY", 30), "LATE": make_batch(sku, "LATE", 120), "EXPIRED": make_batch(sku, "EXPIRED", -1)}
    for number, qty in (("EARLY", 60), ("LATE", 500), ("EXPIRED", 40)):
        stock.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batches[number], quantity=qty, kind="opening")
    return Depot(warehouse, batches["EARLY"], batches["LATE"], batches["EXPIRED"])


def raise_po(org, user="dist_one", quantity=100, code="D-ONE", **extra):
    return services.po_create(by=org.users[user], warehouse=org.warehouses[code],
                              lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": quantity}], **extra)


def confirmed_po(org, quantity=100, cut=None):
    order = raise_po(org, quantity=quantity)
    services.po_submit(by=org.users["dist_one"], order=order)
    quantities = {order.lines.get().pk: cut} if cut is not None else None
    return services.po_confirm(by=org.users["brand"], order=order, quantities=quantities)


@pytest.fixture
def shipped(org, depot):
    """A confirmed order of 100 units, shipped FEFO: 60 of EARLY + 40 of LATE."""
    order = confirmed_po(org)
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    return shipment


def today() -> date:
    return timezone.localdate()
