import csv
import io

import pytest

from distra.catalog.models import SKU
from distra.core.errors import Forbidden
from distra.core.testing import VISIBLE_OUTLETS
from distra.integrations.selectors import export_table
from distra.integrations.services import data_import
from distra.integrations.tabular import csv_lines, read_table, xlsx_bytes
from distra.partners.models import Distributor, DistributorContact, Outlet

from .helpers import DISTRIBUTOR_HEADER, OUTLET_HEADER, SKU_HEADER, csv_file, distributor_row

pytestmark = pytest.mark.django_db


def export_file(user, kind, file_format):
    header, rows = export_table(user=user, kind=kind)
    if file_format == "xlsx":
        return xlsx_bytes(header, rows)
    return "".join(csv_lines(header, rows)).encode()


def state():
    return (
        sorted(Outlet.objects.values_list("code", "name", "phone", "latitude", "territory_id", "distributor_id", "updated_at")),
        sorted(Distributor.objects.values_list("code", "legal_name", "status", "tax_id", "updated_at")),
        sorted(DistributorContact.objects.values_list("distributor_id", "name", "phone", "is_primary", "updated_at")),
        sorted(SKU.objects.values_list("code", "gtin", "mrp", "case_weight_kg", "is_active", "updated_at")),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("kind", "header"), [("distributors", DISTRIBUTOR_HEADER), ("outlets", OUTLET_HEADER), ("skus", SKU_HEADER)])
def test_export_then_import_changes_nothing(org, kind, header, file_format):
    admin = org.users["admin"]
    data_import(by=admin, kind="distributors", data=csv_file(DISTRIBUTOR_HEADER, [distributor_row("D-NEW")]))  # with a contact
    before = state()
    data = export_file(admin, kind, file_format)
    table = read_table(data, f"{kind}.{file_format}")
    assert table.header == header
    report = data_import(by=admin, kind=kind, data=data, filename=f"{kind}.{file_format}")
    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(table.rows))
    assert state() == before


def test_export_has_the_import_columns_and_readable_values(org):
    data = export_file(org.users["admin"], "outlets", "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    first = rows[0]
    assert list(first) == OUTLET_HEADER
    assert (first["code"], first["territory_code"], first["distributor_code"], first["latitude"]) == ("O-DEL1-A", "T-DEL-1", "D-ONE", "28.613900")


@pytest.mark.parametrize("username", ["dist_one", "asm_mumbai", "admin"])
def test_export_shows_only_the_users_scope(org, username):
    table = read_table(export_file(org.users[username], "outlets", "csv"))
    assert {cells[0] for _, cells in table.rows} == VISIBLE_OUTLETS[username]


def test_distributor_user_exports_only_its_own_distributor(org):
    table = read_table(export_file(org.users["dist_one"], "distributors", "xlsx"))
    assert [cells[0] for _, cells in table.rows] == ["D-ONE"]


def test_field_rep_may_not_export(org):
    with pytest.raises(Forbidden):
        export_table(user=org.users["rep_del1"], kind="outlets")


def test_distributor_user_reimports_its_own_export(org):
    user = org.users["dist_one"]
    report = data_import(by=user, kind="outlets", data=export_file(user, "outlets", "csv"))
    assert (report.problems, report.unchanged) == ([], len(VISIBLE_OUTLETS["dist_one"]))
