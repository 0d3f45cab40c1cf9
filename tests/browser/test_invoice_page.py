"""A distributor user opens an invoice in Chromium, downloads its PDF, and follows the link to
the outlet's statement, whose ageing chart draws without console errors."""

from pathlib import Path

import pytest

from distra.core.testing import build_org
from distra.inventory import services as stock
from distra.orders import services as orders
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_invoice(org):
    from datetime import timedelta

    from django.utils import timezone

    admin, sku = org.users["admin"], org.skus["SKU-1"]
    today = timezone.localdate()
    batch = stock.batch_ensure(by=admin, sku=sku, batch_number="B-INV", manufactured_on=today - timedelta(days=10),
                               expires_on=today + timedelta(days=200))
    stock.stock_receive(by=admin, warehouse=org.warehouses["D-ONE"], sku=sku, batch=batch, quantity=100)
    order = orders.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"],
                                lines=[orders.LineIn(sku=sku, cases=1, units=2)], submit=True)
    return orders.order_invoice(by=org.users["dist_one"], order=order)


def test_invoice_view_downloads_its_pdf_and_links_to_the_statement(browser_page, site, transactional_db, tmp_path):
    org = build_org()
    invoice = make_invoice(org)
    page = browser_page()
    sign_in(page, site.url, "dist_one", f"/invoices/{invoice.pk}")  # the sign-in form answers 401 first
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    assert page.get_by_test_id("invoice-number").inner_text() == invoice.number
    assert page.get_by_test_id("total").inner_text() == str(invoice.total)  # 50 × 7.50 + 18 % = 442.50
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number.replace('/', '-')}.pdf"
    saved = tmp_path / "invoice.pdf"
    download.save_as(saved)
    content = Path(saved).read_bytes()
    assert content.startswith(b"%PDF-")
    page.screenshot(path=str(SCREENSHOTS / "distra-invoice.png"), full_page=True)

    page.get_by_role("link", name="Outlet statement").click()
    page.wait_for_url(f"{site.url}/outlets/{invoice.outlet_id}/statement")
    assert page.get_by_test_id("outstanding").inner_text() == str(invoice.total)
    page.wait_for_function("document.querySelector(\"canvas[data-chart='ageing']\").parentElement.hidden === false")
    assert page.locator("#ageing-numbers").is_hidden()  # the numbers fold once the chart is drawn
    assert errors == []
