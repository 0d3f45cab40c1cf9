"""The import job page in Chromium: its script follows the job through the API (signed by the
session) and shows the report once the worker has finished."""

import threading

import pytest
from django.db import connections

from distra.core.testing import PASSWORD, build_org
from distra.integrations import progress, services
from distra.integrations.models import ImportJob
from distra.integrations.tests.helpers import OUTLET_HEADER, csv_file, outlet_row, pause_import_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_job_page_moves_its_progress_bar_and_then_shows_the_report(browser_page, site, transactional_db, settings, monkeypatch, tmp_path):
    settings.DISTRA_IMPORT_INLINE_ROWS = 0
    monkeypatch.setattr(progress, "EVERY", 1)
    org = build_org()
    reached, release = pause_import_at(monkeypatch, "O-BR-2", timeout=20)
    page = browser_page()
    page.goto(site.url + "/data/import")
    page.fill("#id_username", "dist_one")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(site.url + "/data/import")
    upload = tmp_path / "outlets.csv"
    upload.write_bytes(csv_file(OUTLET_HEADER, [outlet_row(f"O-BR-{i}") for i in range(4)]))
    page.select_option("#id_kind", "outlets")
    page.set_input_files("#id_file", str(upload))
    page.click("button[name=import]")
    job = ImportJob.objects.get()
    page.wait_for_url(f"{site.url}/data/import/jobs/{job.pk}")
    assert page.locator(".progress").get_attribute("aria-valuenow") == "0"

    def work():
        try:
            services.import_job_run(job_id=job.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert reached.wait(20)
        page.wait_for_function("document.querySelector('.progress').getAttribute('aria-valuenow') === '50'", timeout=15000)
        assert page.locator("[data-status]").inner_text() == "Running"
        assert page.locator("[data-rows-done]").inner_text() == "2"
    finally:
        release.set()
        worker.join(30)
    page.wait_for_selector("#import-report", timeout=15000)
    assert page.locator(".progress").count() == 0
    assert "Written." in page.locator("#import-report").inner_text()
    assert org.users["dist_one"].import_jobs.get().status == "succeeded"
