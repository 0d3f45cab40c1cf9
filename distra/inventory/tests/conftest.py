"""Inventory fixtures, and the rule that ``distra stock verify`` is clean after every test."""

from datetime import date

import pytest

from distra.inventory.models import Batch
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse


@pytest.fixture(autouse=True)
def _stock_verify_is_clean_afterwards(request):
    """After every inventory test that used the database, the balances equal the ledger and the
    open reservations (the check ``distra stock verify`` makes)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames
    if uses_db:
        request.getfixturevalue("db")
    yield
    if uses_db:
        from distra.inventory.selectors import stock_verify

        assert [d.describe() for d in stock_verify()] == []


@pytest.fixture
def batch(org):
    return Batch.objects.create(sku=org.skus["SKU-1"], batch_number="B-001", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 7, 1))


@pytest.fixture
def batch2(org):
    return Batch.objects.create(sku=org.skus["SKU-1"], batch_number="B-002", manufactured_on=date(2026, 2, 1), expires_on=date(2026, 8, 1))


@pytest.fixture
def depot(org):
    """A brand depot, also registered as ``org.warehouses["DEPOT"]``."""
    org.warehouses["DEPOT"] = Warehouse.objects.create(kind=WarehouseKind.DEPOT, code="DEPOT-N", name="North depot")
    return org.warehouses["DEPOT"]
