import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from distra.core.testing import VISIBLE_OUTLETS, api_token
from distra.integrations.models import ImportJob
from distra.integrations.tabular import read_table
from distra.partners.models import Outlet

from .helpers import OUTLET_HEADER, SKU_HEADER, csv_file, outlet_row, sku_row, xlsx_file

pytestmark = pytest.mark.django_db


def upload(user, kind, data, name="file.csv", **query):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"} if user else {}
    params = "&".join(f"{k}={str(v).lower()}" for k, v in query.items())
    return Client().post(f"/api/v1/imports/{kind}?{params}", {"file": SimpleUploadedFile(name, data)}, **headers)


def download(user, kind, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"} if user else {}
    return Client().get(f"/api/v1/exports/{kind}", params, **headers)


def test_small_upload_is_imported_at_once_and_answers_the_finished_job(org):
    data = csv_file(OUTLET_HEADER, [outlet_row("O-API-1"), outlet_row("O-API-2", phone="12")])
    response = upload(org.users["admin"], "outlets", data, partial=True)
    assert response.status_code == 201, response.content
    body = response.json()
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/v1/imports/jobs/{job.pk}" == body["url"]
    assert (body["id"], body["status"], body["kind"], body["filename"], body["rows_total"], body["rows_done"], body["error"]) == (
        job.pk, "succeeded", "outlets", "file.csv", 2, 2, None
    )
    assert body["report"] == {
        "kind": "outlets", "dry_run": False, "partial": True, "committed": True, "rows": 2, "created": 1, "updated": 0,
        "unchanged": 0, "failed": 1,
        "problems": [{"row": 3, "column": "phone", "code": "invalid_phone", "message": "12 is not a valid phone number for IN."}],
    }
    assert set(Outlet.objects.filter(code__startswith="O-API").values_list("code", flat=True)) == {"O-API-1"}


def test_upload_dry_run_of_xlsx_writes_nothing(org):
    response = upload(org.users["dist_one"], "outlets", xlsx_file(OUTLET_HEADER, [outlet_row("O-API-1")]), "outlets.xlsx", dry_run=True)
    assert response.status_code == 201
    report = response.json()["report"]
    assert (report["created"], report["committed"], report["dry_run"]) == (1, False, True)
    assert not Outlet.objects.filter(code="O-API-1").exists()


def test_all_or_nothing_failure_is_a_succeeded_job_whose_report_says_nothing_was_written(org):
    data = csv_file(OUTLET_HEADER, [outlet_row("O-API-1"), outlet_row("O-API-2", territory="T-MUM")])
    response = upload(org.users["admin"], "outlets", data)
    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    body = response.json()["report"]
    assert (body["committed"], body["failed"], body["problems"][0]["row"], body["problems"][0]["column"]) == (False, 1, 3, "distributor_code")
    assert not Outlet.objects.filter(code__startswith="O-API").exists()


def test_missing_columns_are_422_with_the_report(org):
    response = upload(org.users["admin"], "skus", csv_file(["code", "name", "flavour"], [["S", "N", "x"]]))
    assert response.status_code == 422
    body = response.json()
    assert not ImportJob.objects.exists()
    assert body["code"] == "invalid_columns"
    assert {"flavour", "gtin", "brand_code"} <= set(body["fields"])
    assert {(p["row"], p["column"], p["code"]) for p in body["report"]["problems"]} >= {(1, "flavour", "unknown_column"), (1, "gtin", "missing_column")}


def test_unreadable_file_is_422(org):
    response = upload(org.users["admin"], "skus", b"PK\x03\x04not really", "skus.xlsx")
    assert response.status_code == 422
    assert response.json()["code"] == "unreadable_file"


def test_missing_file_field_is_422(org):
    client = Client()
    response = client.post("/api/v1/imports/skus", {}, HTTP_AUTHORIZATION=f"Bearer {api_token(org.users['admin'])}")
    assert response.status_code == 422


def test_anonymous_import_and_export_are_401(org):
    assert upload(None, "outlets", csv_file(OUTLET_HEADER, [])).status_code == 401
    assert download(None, "outlets").status_code == 401


@pytest.mark.parametrize(("username", "kind"), [("brand", "outlets"), ("brand", "distributors"), ("dist_one", "skus"), ("asm_delhi", "distributors")])
def test_roles_that_may_not_import_a_kind_get_403(org, username, kind):
    response = upload(org.users[username], kind, csv_file(SKU_HEADER, [sku_row("S-X")]))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not ImportJob.objects.exists()


def test_brand_manager_imports_skus(org):
    response = upload(org.users["brand"], "skus", csv_file(SKU_HEADER, [sku_row("S-X")]))
    assert (response.status_code, response.json()["report"]["created"]) == (201, 1)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_downloads_the_users_scope_with_a_filename(org, file_format):
    response = download(org.users["dist_one"], "outlets", format=file_format)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="outlets.{file_format}"'
    content = b"".join(response.streaming_content) if response.streaming else response.content
    table = read_table(content, f"outlets.{file_format}")
    assert {cells[0] for _, cells in table.rows} == VISIBLE_OUTLETS["dist_one"]


def test_export_is_403_for_a_role_without_export(org):
    assert download(org.users["rep_del1"], "outlets").status_code == 403
    assert download(org.users["admin"], "outlets", format="pdf").status_code == 422
