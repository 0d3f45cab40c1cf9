import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from distra.integrations.tabular import read_table
from distra.partners.models import Outlet

from .helpers import OUTLET_HEADER, csv_file, outlet_row, xlsx_file

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_prints_the_report_and_exits_zero(org, tmp_path):
    path = write(tmp_path, "outlets.xlsx", xlsx_file(OUTLET_HEADER, [outlet_row("O-CLI-1")]))
    code, out = run("import", "outlets", path, "--user", "dist_one", "--no-progress")
    assert code == 0
    assert "1 created" in out
    assert Outlet.objects.filter(code="O-CLI-1").exists()


def test_import_with_problems_exits_one_and_lists_them(org, tmp_path):
    path = write(tmp_path, "outlets.csv", csv_file(OUTLET_HEADER, [outlet_row("O-CLI-1"), outlet_row("O-CLI-2", territory="T-MUM")]))
    code, out = run("import", "outlets", path, "--user", "dist_one", "--dry-run")
    assert code == 1
    assert "row 3, column territory_code: [not_found]" in out
    code, out = run("import", "outlets", path, "--user", "dist_one", "--partial")
    assert code == 1
    assert list(Outlet.objects.filter(code__startswith="O-CLI").values_list("code", flat=True)) == ["O-CLI-1"]


def test_import_of_a_bad_file_or_by_a_refused_role_exits_two(org, tmp_path):
    path = write(tmp_path, "outlets.csv", b"code;colour\nX;red\n")
    assert run("import", "outlets", path, "--user", "admin")[0] == 2
    assert run("import", "distributors", path, "--user", "dist_one")[0] == 2
    assert run("import", "outlets", str(tmp_path / "missing.csv"), "--user", "admin")[0] == 2
    with pytest.raises(CommandError, match="No active user"):
        call_command("import", "outlets", path, "--user", "nobody")


def test_export_writes_csv_to_stdout_and_xlsx_to_a_file(org, tmp_path):
    code, out = run("export", "outlets", "--user", "dist_four")
    assert code == 0
    assert out.splitlines() == [",".join(OUTLET_HEADER), out.splitlines()[1]]
    assert out.splitlines()[1].startswith("O-MUM-A,")
    target = tmp_path / "skus.xlsx"
    assert run("export", "skus", "--format", "xlsx", "-o", str(target), "--user", "admin")[0] == 0
    assert read_table(target.read_bytes()).rows[0][1][0] == "SKU-1"
    assert run("export", "outlets", "--user", "rep_del1")[0] == 2
