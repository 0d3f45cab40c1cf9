from decimal import Decimal

import pytest

from distra.core.errors import Forbidden
from distra.integrations.services import ImportRejected, data_import
from distra.partners.models import Outlet

from .helpers import OUTLET_HEADER, csv_file, outlet_row, xlsx_file

pytestmark = pytest.mark.django_db


def outlet_state():
    return sorted(Outlet.objects.values_list("code", "name", "phone", "territory__code", "distributor__code", "updated_at"))


def problems_of(report):
    return [(p.row, p.column, p.code) for p in report.problems]


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_outlets_import_creates_and_updates_through_the_services(org, make_file):
    data = make_file(OUTLET_HEADER, [outlet_row("O-NEW-1"), outlet_row("O-DEL1-A", name="Renamed Store")])
    report = data_import(by=org.users["admin"], kind="outlets", data=data, filename=f"outlets.{make_file.__name__[:4].rstrip('_')}")
    assert (report.committed, report.rows, report.created, report.updated, report.unchanged, report.problems) == (True, 2, 1, 1, 0, [])
    new = Outlet.objects.get(code="O-NEW-1")
    assert new.phone == "+919876543210"  # normalised by the outlet service
    assert (new.territory.code, new.distributor.code, new.latitude, new.outlet_class) == ("T-DEL-1", "D-ONE", Decimal("28.61"), "B")
    assert Outlet.objects.get(code="O-DEL1-A").name == "Renamed Store"


def test_reimport_of_the_same_file_changes_nothing(org):
    data = csv_file(OUTLET_HEADER, [outlet_row("O-NEW-1"), outlet_row("O-NEW-2")])
    data_import(by=org.users["admin"], kind="outlets", data=data)
    before = outlet_state()
    history = Outlet.history.count()
    report = data_import(by=org.users["admin"], kind="outlets", data=data)
    assert (report.created, report.updated, report.unchanged, report.committed) == (0, 0, 2, True)
    assert outlet_state() == before
    assert Outlet.history.count() == history
    assert Outlet.objects.filter(code__startswith="O-NEW").count() == 2


def test_dry_run_reports_every_problem_by_row_and_column_and_writes_nothing(org):
    before = outlet_state()
    rows = [
        outlet_row("O-OK"),
        outlet_row("O-BAD-1", latitude="north", phone="12", territory="T-NOWHERE"),
        outlet_row("O-BAD-2", distributor="D-TWO"),  # D-TWO does not serve T-DEL-1
        outlet_row("O-OK"),
        outlet_row("O-BAD-3", name="", latitude="123"),
    ]
    report = data_import(by=org.users["admin"], kind="outlets", data=csv_file(OUTLET_HEADER, rows), dry_run=True)
    assert report.committed is False
    assert (report.rows, report.created, report.failed) == (5, 1, 4)
    assert problems_of(report) == [
        (3, "latitude", "invalid_number"),
        (3, "territory_code", "not_found"),
        (3, "phone", "invalid_phone"),
        (4, "distributor_code", "does_not_serve_territory"),
        (5, "code", "duplicate_code"),
        (6, "name", "blank"),
        (6, "latitude", "invalid_latitude"),
    ]
    assert all(p.message for p in report.problems)
    assert outlet_state() == before


def test_dry_run_of_a_valid_file_counts_but_writes_nothing(org):
    before = outlet_state()
    data = csv_file(OUTLET_HEADER, [outlet_row("O-NEW-1"), outlet_row("O-DEL1-A", name="Renamed")])
    report = data_import(by=org.users["admin"], kind="outlets", data=data, dry_run=True)
    assert (report.committed, report.created, report.updated, report.problems) == (False, 1, 1, [])
    assert outlet_state() == before


def test_one_bad_row_rolls_back_the_whole_file(org):
    before = outlet_state()
    rows = [outlet_row("O-NEW-1"), outlet_row("O-DEL1-A", name="Renamed"), outlet_row("O-BAD", territory="T-NOWHERE")]
    report = data_import(by=org.users["admin"], kind="outlets", data=csv_file(OUTLET_HEADER, rows))
    assert report.committed is False
    assert problems_of(report) == [(4, "territory_code", "not_found")]
    assert outlet_state() == before


def test_partial_writes_only_the_valid_rows(org):
    rows = [outlet_row("O-NEW-1"), outlet_row("O-BAD", territory="T-NOWHERE", phone="12"), outlet_row("O-NEW-2")]
    report = data_import(by=org.users["admin"], kind="outlets", data=csv_file(OUTLET_HEADER, rows), partial=True)
    assert (report.committed, report.created, report.failed) == (True, 2, 1)
    assert {p.row for p in report.problems} == {3}
    assert set(Outlet.objects.filter(code__startswith="O-").values_list("code", flat=True)) >= {"O-NEW-1", "O-NEW-2"}
    assert not Outlet.objects.filter(code="O-BAD").exists()


def test_missing_and_unknown_columns_are_reported_before_any_row(org):
    data = csv_file(["code", "name", "colour", "territory_code"], [["O-NEW", "X", "red", "T-DEL-1"]])
    with pytest.raises(ImportRejected) as caught:
        data_import(by=org.users["admin"], kind="outlets", data=data)
    assert {(p.row, p.column, p.code) for p in caught.value.report.problems} == {
        (1, "colour", "unknown_column"),
        (1, "distributor_code", "missing_column"),
    }
    assert caught.value.status == 422
    assert not Outlet.objects.filter(code="O-NEW").exists()


def test_a_file_with_only_some_columns_updates_only_those(org):
    data = csv_file(["code", "name", "territory_code", "distributor_code"], [["O-DEL1-A", "Only the name", "T-DEL-1", "D-ONE"]])
    report = data_import(by=org.users["admin"], kind="outlets", data=data)
    assert report.updated == 1
    outlet = Outlet.objects.get(code="O-DEL1-A")
    assert (outlet.name, outlet.owner_name, outlet.phone) == ("Only the name", "Owner", "+919876543210")


def test_distributor_user_imports_outlets_in_its_own_scope(org):
    rows = [outlet_row("O-MINE", territory="T-DEL-2", distributor="D-ONE"), outlet_row("O-DEL1-B", name="Updated by D-ONE")]
    report = data_import(by=org.users["dist_one"], kind="outlets", data=csv_file(OUTLET_HEADER, rows))
    assert (report.created, report.updated, report.problems) == (1, 1, [])


def test_distributor_user_cannot_import_outlets_into_another_distributors_territory(org):
    before = outlet_state()
    rows = [
        outlet_row("O-MUM-NEW", territory="T-MUM", distributor="D-FOUR"),  # a new outlet elsewhere
        outlet_row("O-MUM-A", territory="T-MUM", distributor="D-FOUR", name="Hijacked"),  # an existing one elsewhere
        outlet_row("O-DEL2-A", territory="T-DEL-2", distributor="D-ONE"),  # in its territory, but D-TWO's outlet
    ]
    report = data_import(by=org.users["dist_one"], kind="outlets", data=csv_file(OUTLET_HEADER, rows), partial=True)
    assert report.created == report.updated == report.unchanged == 0
    assert problems_of(report) == [
        (2, "territory_code", "not_found"),
        (2, "distributor_code", "not_found"),
        (3, "territory_code", "not_found"),
        (3, "distributor_code", "not_found"),
        (3, "code", "not_found"),
        (4, "code", "not_found"),
    ]
    assert outlet_state() == before


def test_out_of_scope_row_is_a_problem_even_when_unchanged(org):
    # rep_del1 covers T-DEL-1 only; the Mumbai outlet's row, copied exactly, is still refused.
    mumbai = org.outlets["O-MUM-A"]
    row = outlet_row("O-MUM-A", territory="T-MUM", distributor="D-FOUR", name=mumbai.name, owner_name=mumbai.owner_name)
    report = data_import(by=org.users["rep_del1"], kind="outlets", data=csv_file(OUTLET_HEADER, [row]))
    assert report.unchanged == 0
    assert report.failed == 1


@pytest.mark.parametrize("username", ["brand", "asm_delhi", "dist_one", "rep_del1"])
def test_roles_that_may_not_import_distributors_or_skus_are_refused(org, username):
    with pytest.raises(Forbidden):
        data_import(by=org.users[username], kind="distributors", data=b"code\n")
    if username != "brand":
        with pytest.raises(Forbidden):
            data_import(by=org.users[username], kind="skus", data=b"code\n")


def test_progress_is_reported_row_by_row(org):
    calls = []
    data = csv_file(OUTLET_HEADER, [outlet_row(f"O-P-{i}") for i in range(3)])
    data_import(by=org.users["admin"], kind="outlets", data=data, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
