from decimal import Decimal

import pytest

from distra.catalog.models import SKU
from distra.integrations.services import data_import
from distra.partners.models import Distributor, DistributorContact

from .helpers import DISTRIBUTOR_HEADER, SKU_HEADER, csv_file, distributor_row, sku_row, xlsx_file

pytestmark = pytest.mark.django_db


def sku_state():
    return sorted(SKU.objects.values_list("code", "gtin", "mrp", "base_price", "is_active", "updated_at"))


def distributor_state():
    return (
        sorted(Distributor.objects.values_list("code", "legal_name", "status", "phone", "updated_at")),
        sorted(Distributor.territories.through.objects.values_list("distributor__code", "territory__code")),
        sorted(DistributorContact.objects.values_list("distributor__code", "name", "phone", "is_primary")),
    )


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_skus_import_as_brand_manager(org, make_file):
    data = make_file(SKU_HEADER, [sku_row("SKU-NEW"), sku_row("SKU-1", gtin="8901234567890", name="Glucose biscuits 120 g", mrp="12.00", base_price="7.50")])
    report = data_import(by=org.users["brand"], kind="skus", data=data)
    assert (report.committed, report.created, report.updated, report.problems) == (True, 1, 1, [])
    new = SKU.objects.get(code="SKU-NEW")
    assert (new.brand.code, new.category.code, new.units_per_case, new.case_weight_kg, new.is_active) == ("SUN", "BISC", 24, Decimal("3.5"), True)
    old = SKU.objects.get(code="SKU-1")
    assert (old.name, old.mrp) == ("Glucose biscuits 120 g", Decimal("12.00"))
    again = data_import(by=org.users["brand"], kind="skus", data=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_sku_rules_come_from_the_catalog_service(org):
    before = sku_state()
    rows = [
        sku_row("SKU-A", base_price="30.00", mrp="20.00"),  # above MRP once taxed
        sku_row("SKU-B", gtin="4006381333932", units_per_case="two", brand_code="NOPE", is_active="maybe"),
    ]
    report = data_import(by=org.users["brand"], kind="skus", data=csv_file(SKU_HEADER, rows), dry_run=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "base_price", "above_mrp"),
        (3, "units_per_case", "invalid_integer"),
        (3, "is_active", "invalid_boolean"),
        (3, "brand_code", "not_found"),
        (3, "gtin", "invalid_gtin"),
    ]
    assert sku_state() == before


def test_distributors_import_with_territories_and_primary_contact(org):
    rows = [distributor_row("D-NEW"), distributor_row("D-TWO", legal_name="D-Two Renamed", tax_id="07AAACE1234A1ZI", territory_codes="T-DEL-2")]
    report = data_import(by=org.users["admin"], kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, rows))
    assert (report.committed, report.created, report.updated, report.problems) == (True, 1, 1, [])
    new = Distributor.objects.get(code="D-NEW")
    assert (new.status, new.phone) == ("active", "+919876543210")
    assert set(new.territories.values_list("code", flat=True)) == {"T-DEL-1", "T-DEL-2"}
    contact = DistributorContact.objects.get(distributor=new)
    assert (contact.name, contact.phone, contact.is_primary) == ("Sunita", "+919811122233", True)
    assert Distributor.objects.get(code="D-TWO").legal_name == "D-Two Renamed"
    before = distributor_state()
    again = data_import(by=org.users["admin"], kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert distributor_state() == before


def test_distributor_status_follows_its_lifecycle(org):
    rows = [distributor_row("D-ONE", tax_id="07AAACD1234A1ZJ", status="prospect")]  # active → prospect is not allowed
    report = data_import(by=org.users["admin"], kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, rows))
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "status", "invalid_transition")]
    assert report.committed is False
    assert Distributor.objects.get(code="D-ONE").phone == ""  # the row's other changes were rolled back too
    rows = [distributor_row("D-ONE", tax_id="07AAACD1234A1ZJ", status="suspended")]
    report = data_import(by=org.users["admin"], kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, rows))
    assert report.updated == 1
    assert Distributor.objects.get(code="D-ONE").status == "suspended"


def test_distributor_problems_column_by_column(org):
    before = distributor_state()
    rows = [
        distributor_row("D-BAD", tax_id="07AAACD1234A1ZX", territory_codes="T-DEL-1|T-NOWHERE", contact_name="", contact_phone="98111 22233"),
        distributor_row("D-ONE", tax_id="07AAACD1234A1ZJ", territory_codes="T-DEL-2"),  # would orphan T-DEL-1's outlets
    ]
    report = data_import(by=org.users["admin"], kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, rows), dry_run=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "territory_codes", "not_found"),
        (2, "contact_name", "required"),
        (2, "tax_id", "invalid_gstin"),
        (3, "territory_codes", "territory_in_use"),
    ]
    assert distributor_state() == before
