"""A primary order end to end in Chromium: the distributor enters it (SKU search, cases and
units, the running total), the brand confirms and ships it from a depot, the distributor records
the goods receipt with a damaged unit, and the stock lands in its warehouse."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from distra.core.testing import PASSWORD, build_org
from distra.inventory import services as stock
from distra.inventory.models import Batch, StockBalance
from distra.inventory.selectors import stock_verify
from distra.purchasing import services
from distra.purchasing.models import PurchaseOrder
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str, path: str):
    page.context.clear_cookies()
    assert page.goto(base_url + path).status == 401
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base_url + path)


def test_order_ship_and_goods_receipt_through_the_pages(browser_page, site, transactional_db):
    org = build_org()
    admin, sku = org.users["admin"], org.skus["SKU-1"]
    depot = services.depot_create(by=admin, code="DEPOT-N", name="North depot")
    today = timezone.localdate()
    batch = Batch.objects.create(sku=sku, batch_number="B-FRESH", manufactured_on=today - timedelta(days=10), expires_on=today + timedelta(days=170))
    stock.stock_receive(by=admin, warehouse=depot, sku=sku, batch=batch, quantity=1000, kind="opening")
    page = browser_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The distributor enters an order: 2 cases + 4 units of SKU-1 at 7.50 → 100 units, 750.00.
    sign_in(page, site.url, "dist_one", "/purchasing/new")
    page.fill("#po-sku-search", "SKU-1 · Glucose biscuits 100 g")
    page.dispatch_event("#po-sku-search", "change")
    page.locator("tr.po-line .po-cases").first.fill("2")
    page.locator("tr.po-line .po-units").first.fill("4")
    assert page.locator("#po-total").inner_text() == "750.00"
    page.click("#po-save-submit")
    page.wait_for_url(re.compile(r"/purchasing/\d+$"))
    order = PurchaseOrder.objects.get()
    assert page.locator("#po-status").get_attribute("data-status") == "submitted"
    assert order.lines.get().quantity == 100

    # The brand confirms 96 and ships from the depot.
    sign_in(page, site.url, "brand", f"/purchasing/{order.pk}")
    page.locator(f'input[name="confirm-{order.lines.get().pk}"]').fill("96")
    page.click("#po-confirm")
    page.wait_for_url(re.compile(rf"/purchasing/{order.pk}$"))
    assert page.locator("#po-total").inner_text() == "720.00"
    page.select_option("#po-depot", label="DEPOT-N · North depot")
    page.click("#po-ship")
    page.wait_for_url(re.compile(rf"/purchasing/{order.pk}$"))
    assert page.locator("#po-status").get_attribute("data-status") == "shipped"

    # The distributor records the goods receipt: one unit damaged; short shows as it is typed.
    sign_in(page, site.url, "dist_one", f"/purchasing/{order.pk}")
    page.click("#grn-link-1")
    page.wait_for_url(re.compile(r"/purchasing/shipments/\d+/receive$"))
    line = page.locator('tr.grn-line[data-code="B-FRESH"]')
    line.locator(".grn-good").fill("95")
    line.locator(".grn-damaged").fill("0")
    assert line.locator(".grn-short").inner_text() == "1"
    line.locator(".grn-damaged").fill("1")
    assert line.locator(".grn-short").inner_text() == "0"
    page.click("#grn-post")
    page.wait_for_url(re.compile(rf"/purchasing/{order.pk}$"))
    assert page.locator("#po-status").get_attribute("data-status") == "received"
    assert page.locator("#grn-discrepancy").is_visible()
    assert page.locator("#po-timeline li").evaluate_all("items => items.map(i => i.dataset.action)") == [
        "created", "submitted", "confirmed", "shipped", "received"]
    page.screenshot(path=str(SCREENSHOTS / "distra-purchase-order-received.png"), full_page=True)

    assert StockBalance.objects.get(warehouse=org.warehouses["D-ONE"]).on_hand == 95
    assert StockBalance.objects.get(warehouse=depot).on_hand == 1000 - 96
    assert stock_verify() == []
    assert errors == []
