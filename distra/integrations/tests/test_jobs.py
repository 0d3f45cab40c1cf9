"""Import jobs: submitted through the API or the page, run by the worker, followed by their
progress, kept to their owner, and pruned after 30 days."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from distra.core.testing import api_token
from distra.integrations import progress, services
from distra.integrations.importers.outlets import OutletImporter
from distra.integrations.models import ImportJob
from distra.integrations.tasks import run_import_job
from distra.partners.models import Outlet

from .helpers import OUTLET_HEADER, csv_file, outlet_row, pause_import_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _queue_every_file(settings):
    """Every file goes to the worker, however small (the inline path has its own tests)."""
    settings.DISTRA_IMPORT_INLINE_ROWS = 0


def api_post(user, kind, data, name="outlets.csv", **query):
    from django.test import Client

    params = "&".join(f"{k}={str(v).lower()}" for k, v in query.items())
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"} if user else {}
    return Client().post(f"/api/v1/imports/{kind}?{params}", {"file": SimpleUploadedFile(name, data)}, **headers)


def api_get(user, path):
    from django.test import Client

    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"} if user else {}
    return Client().get(path, **headers)


def outlet_file(count: int, bad_row: int | None = None) -> bytes:
    rows = [outlet_row(f"O-JOB-{i}", territory="T-NOWHERE" if i == bad_row else "T-DEL-1") for i in range(count)]
    return csv_file(OUTLET_HEADER, rows)


def submit(user, data, **options) -> ImportJob:
    return services.import_job_submit(by=user, kind="outlets", upload=SimpleUploadedFile("outlets.csv", data), **options)


def synchronous_report(user, data) -> dict:
    """What the synchronous import reports for ``data``, written and then rolled back."""
    with transaction.atomic():
        report = services.data_import(by=user, kind="outlets", data=data).as_dict()
        transaction.set_rollback(True)
    return report


# Through the API and the worker ---------------------------------------------------------------

def test_api_queues_the_job_and_the_worker_completes_it_with_the_synchronous_report(org):
    admin = org.users["admin"]
    data = outlet_file(3)
    expected = synchronous_report(admin, data)

    response = api_post(admin, "outlets", data)

    assert response.status_code == 202, response.content
    body = response.json()
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/v1/imports/jobs/{job.pk}"
    assert (body["status"], body["rows_total"], body["rows_done"], body["report"], body["started_at"]) == ("queued", 3, 0, None, None)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not Outlet.objects.filter(code__startswith="O-JOB").exists()
    assert Path(job.file.path).read_bytes() == data
    assert job.file.name.startswith(f"imports/{timezone.now():%Y/%m}/")
    assert job.filename == "outlets.csv"

    call_command("worker", batch=True)

    body = api_get(admin, response["Location"]).json()
    assert (body["status"], body["rows_done"], body["error"]) == ("succeeded", 3, None)
    assert body["report"] == expected
    assert expected["created"] == 3
    assert Outlet.objects.filter(code__startswith="O-JOB").count() == 3
    job.refresh_from_db()
    assert job.started_at <= job.finished_at
    assert job.finished_at.tzinfo is not None


def test_row_problem_in_all_or_nothing_mode_ends_succeeded_with_nothing_written(org):
    job = submit(org.users["admin"], outlet_file(3, bad_row=1))
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert (job.status, job.report["committed"], job.report["failed"], job.error_code) == ("succeeded", False, 1, "")
    assert [(p["row"], p["column"], p["code"]) for p in job.report["problems"]] == [(3, "territory_code", "not_found")]
    assert not Outlet.objects.filter(code__startswith="O-JOB").exists()


def test_unexpected_exception_ends_failed_with_nothing_written(org, monkeypatch):
    original = OutletImporter.create

    def create(self, values):
        if values["code"] == "O-JOB-2":
            raise RuntimeError("disk on fire")
        return original(self, values)

    monkeypatch.setattr(OutletImporter, "create", create)
    job = submit(org.users["admin"], outlet_file(3))
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code, job.report) == ("failed", "unexpected_error", None)
    assert "disk on fire" not in job.error_message  # internals go to the log, not to the user
    assert job.finished_at is not None
    assert not Outlet.objects.filter(code__startswith="O-JOB").exists()


def test_a_role_that_lost_the_permission_before_the_run_fails_the_job(org):
    user = org.users["dist_one"]
    job = submit(user, outlet_file(1))
    user.is_active = False
    user.save()
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "forbidden")
    assert not Outlet.objects.filter(code__startswith="O-JOB").exists()


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(org):
    job = submit(org.users["admin"], outlet_file(2))
    run_import_job.enqueue(job.pk)  # a second delivery
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert (job.status, job.report["created"]) == ("succeeded", 2)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_small_file_is_imported_within_the_request(org, settings):
    settings.DISTRA_IMPORT_INLINE_ROWS = 2000
    response = api_post(org.users["admin"], "outlets", outlet_file(2))
    assert (response.status_code, response.json()["status"], response.json()["report"]["created"]) == (201, "succeeded", 2)
    assert not DBTaskResult.objects.exists()


# Progress -------------------------------------------------------------------------------------

def _read_elsewhere(job_id: int) -> int:
    """rows_done as another process would read it: through a connection of its own."""
    other = connections.create_connection("default")
    try:
        if other.vendor == "sqlite" and "memory" in str(other.settings_dict["NAME"]):
            other = None  # an in-memory database has no other process; read as the pages do
            return progress.read(ImportJob.objects.get(pk=job_id))
        with other.cursor() as cursor:
            cursor.execute(f"SELECT status, rows_total, rows_done FROM {ImportJob._meta.db_table} WHERE id = %s", [job_id])  # noqa: S608
            status, rows_total, rows_done = cursor.fetchone()
        return progress.read(ImportJob(pk=job_id, status=status, rows_total=rows_total, rows_done=rows_done))
    finally:
        if other is not None:
            other.close()


def test_progress_written_mid_run_is_visible_outside_and_survives_the_rollback(org, monkeypatch):
    monkeypatch.setattr(progress, "EVERY", 2)
    monkeypatch.setattr(progress, "INTERVAL", 3600)
    seen = {}
    original = OutletImporter.create

    def create(self, values):
        if values["code"] == "O-JOB-5":
            seen["mid_run"] = _read_elsewhere(job.pk)
            raise RuntimeError("stop here")
        return original(self, values)

    monkeypatch.setattr(OutletImporter, "create", create)
    job = submit(org.users["admin"], outlet_file(8))
    services.import_job_run(job_id=job.pk)

    assert seen["mid_run"] == 4  # written after rows 2 and 4, while the import's transaction was open
    job.refresh_from_db()
    assert job.status == "failed"
    assert not Outlet.objects.filter(code__startswith="O-JOB").exists()  # the import rolled back...
    if connection.vendor == "postgresql":
        assert job.rows_done == 4  # ...but not the progress written beside it


def test_progress_writes_are_throttled(org):
    writer = progress.ProgressWriter(1, interval=3600, every=500)
    writer.enabled = False  # count the writes it would make
    calls = []
    writer.write = calls.append
    writer.enabled = True
    for done in range(1, 1201):
        writer(done, 1200)
    assert calls == [500, 1000, 1200]


def test_progress_is_followed_from_another_thread_while_the_worker_runs(org, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL (an in-memory SQLite database is one process)")
    monkeypatch.setattr(progress, "EVERY", 1)
    reached, release = pause_import_at(monkeypatch, "O-JOB-3", timeout=10)
    job = submit(org.users["admin"], outlet_file(6))

    def work():
        try:
            services.import_job_run(job_id=job.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert reached.wait(10)
        running = ImportJob.objects.get(pk=job.pk)  # this thread's own connection
        assert (running.status, running.rows_done, running.rows_total) == ("running", 3, 6)
        assert not Outlet.objects.filter(code__startswith="O-JOB").exists()  # not committed yet
    finally:
        release.set()
        worker.join(20)
    job.refresh_from_db()
    assert (job.status, job.rows_done, Outlet.objects.filter(code__startswith="O-JOB").count()) == ("succeeded", 6, 6)


# Who sees what --------------------------------------------------------------------------------

def test_another_users_job_is_404_and_lists_hold_only_your_own(org):
    mine = submit(org.users["dist_one"], outlet_file(1))
    theirs = submit(org.users["asm_delhi"], outlet_file(1))
    assert api_get(org.users["dist_one"], f"/api/v1/imports/jobs/{theirs.pk}").status_code == 404
    assert api_get(org.users["brand"], f"/api/v1/imports/jobs/{mine.pk}").status_code == 404
    assert api_get(org.users["dist_one"], f"/api/v1/imports/jobs/{mine.pk}").json()["id"] == mine.pk
    assert api_get(org.users["admin"], f"/api/v1/imports/jobs/{theirs.pk}").status_code == 200
    listed = api_get(org.users["dist_one"], "/api/v1/imports/jobs").json()
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (1, [mine.pk])
    assert api_get(org.users["admin"], "/api/v1/imports/jobs").json()["count"] == 2


def test_anonymous_callers_get_401_and_refused_roles_403(org):
    job = submit(org.users["admin"], outlet_file(1))
    assert api_get(None, "/api/v1/imports/jobs").status_code == 401
    assert api_get(None, f"/api/v1/imports/jobs/{job.pk}").status_code == 401
    assert api_post(None, "outlets", outlet_file(1)).status_code == 401
    response = api_post(org.users["brand"], "outlets", outlet_file(1))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert ImportJob.objects.count() == 1


def test_bad_header_is_422_at_once_and_stores_nothing(org, settings):
    response = api_post(org.users["admin"], "outlets", b"code,colour\nX,red\n")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_columns")
    assert not ImportJob.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


# The pages ------------------------------------------------------------------------------------

def test_page_submits_a_job_shows_its_progress_and_then_its_report(org, client):
    client.force_login(org.users["dist_one"])
    response = client.post(reverse("data-import"), {"kind": "outlets", "file": SimpleUploadedFile("o.csv", outlet_file(2)), "import": "1"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("data-import-job", kwargs={"pk": job.pk})

    html = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="0"' in html
    assert "integrations/import_job.js" in html
    assert f'data-poll-url="/api/v1/imports/jobs/{job.pk}"' in html
    assert 'id="import-report"' not in html

    call_command("worker", batch=True)

    html = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' not in html
    assert "import_job.js" not in html
    assert 'id="import-report"' in html
    assert "Written." in html
    listing = client.get(reverse("data-import")).content.decode()
    assert reverse("data-import-job", kwargs={"pk": job.pk}) in listing


def test_page_shows_a_running_jobs_progress(org, client):
    job = submit(org.users["dist_one"], outlet_file(4))
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_done=1, started_at=timezone.now())
    client.force_login(org.users["dist_one"])
    html = client.get(reverse("data-import-job", kwargs={"pk": job.pk})).content.decode()
    assert 'aria-valuenow="25"' in html
    assert "width: 25%" in html


def test_page_of_another_users_job_is_404(org, client):
    job = submit(org.users["asm_delhi"], outlet_file(1))
    client.force_login(org.users["dist_one"])
    assert client.get(reverse("data-import-job", kwargs={"pk": job.pk})).status_code == 404
    client.logout()
    assert client.get(reverse("data-import-job", kwargs={"pk": job.pk})).status_code == 401


def test_page_shows_why_a_job_failed(org, client):
    job = submit(org.users["dist_one"], outlet_file(1))
    job.file.delete(save=False)
    services.import_job_run(job_id=job.pk)
    client.force_login(org.users["dist_one"])
    html = client.get(reverse("data-import-job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="import-job-error"' in html
    assert "file_missing" in html


# Housekeeping ---------------------------------------------------------------------------------

def test_prune_deletes_jobs_and_files_older_than_30_days_and_fails_lost_ones(org):
    old = submit(org.users["admin"], outlet_file(1))
    lost = submit(org.users["admin"], outlet_file(1))
    recent = submit(org.users["admin"], outlet_file(1))
    now = timezone.now()
    ImportJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    ImportJob.objects.filter(pk=lost.pk).update(created_at=now - timedelta(days=2), status="running", started_at=now - timedelta(days=2))
    old_file = Path(old.file.path)
    assert old_file.exists()

    from distra.integrations.tasks import prune_import_jobs

    result = prune_import_jobs.enqueue()
    call_command("worker", batch=True)
    result.refresh()

    assert result.return_value == 1
    assert not old_file.exists()
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {lost.pk, recent.pk}
    lost.refresh_from_db()
    assert (lost.status, lost.error_code) == ("failed", "interrupted")
    assert Path(recent.file.path).exists()
    assert ImportJob.objects.get(pk=recent.pk).status == "succeeded"  # the worker ran its task meanwhile
