"""Order entry in Chromium, on a phone, as a distributor user: find SKUs with what is available,
see each line's amounts and the order's totals follow the typing, submit (a double tap makes one
order), and find the order allocated with its batches and timeline; and the same entry without
JavaScript, where each step is a round trip to the server."""

import re
from decimal import Decimal

import pytest

from distra.catalog.models import SKU
from distra.core.testing import build_org
from distra.orders.models import Order
from distra.orders.tests.conftest import make_batch, receive
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_home_charts import watch_console
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def stocked_org():
    """build_org with SKU-1 at W-D-ONE in two batches (50 expiring first, 100 later) and a second
    SKU with 30."""
    org = build_org()
    second = SKU.objects.create(
        code="SKU-2", gtin="8901234567883", name="Cream biscuits 200 g", brand=org.brand, category=org.categories["BISC"],
        hsn_code="1905", units_per_case=24, case_weight_kg=Decimal("5"), case_volume_l=Decimal("10"), mrp=Decimal("30.00"),
        base_price=Decimal("22.00"), tax_rate=Decimal("12"), shelf_life_days=270)
    warehouse = org.warehouses["D-ONE"]
    receive(org, warehouse, make_batch(org, org.skus["SKU-1"], "S1-SOON", expires_in_days=60), 50)
    receive(org, warehouse, make_batch(org, org.skus["SKU-1"], "S1-LATE", expires_in_days=200), 100)
    receive(org, warehouse, make_batch(org, second, "S2-A", expires_in_days=120), 30)
    return org


def total(page, key="total") -> str:
    return page.locator(f'#order-totals [data-total="{key}"]').inner_text()


def add_sku(page, search: str, code: str, available: str) -> None:
    page.fill("#id_sku_q", search)
    result = page.locator(f'#sku-results li[data-code="{code}"]')
    result.wait_for()
    assert result.locator("span[data-available]").inner_text() == available
    result.get_by_role("button", name="Add").click()


def test_distributor_enters_an_order_on_a_phone_and_sees_it_allocated(browser_page, site, transactional_db):
    stocked_org()
    page = browser_page(390, 844, **PHONE)
    sign_in(page, site.url, "dist_one", "/orders/new")
    problems = watch_console(page)
    page.locator('#outlets a[data-code="O-DEL1-A"]').click()
    page.wait_for_url(re.compile(r"/orders/new\?outlet=\d+$"))
    page.locator('#order-form[data-enhanced="true"]').wait_for()
    entry_url = page.url

    # Search as one types; Add puts the line in place, without a round trip.
    add_sku(page, "glucose", "SKU-1", "150")
    line = page.locator("#lines [data-line]").first
    line.locator('[data-qty="cases"]').fill("1")
    line.locator('[data-qty="units"]').fill("2")
    line.locator('[data-qty="discount"]').fill("5")
    assert line.locator('[data-amount="quantity"]').inner_text() == "50"
    assert line.locator('[data-amount="total"]').inner_text() == "420.38"  # 375.00 − 18.75, + 18 % tax rounded half-up
    add_sku(page, "cream", "SKU-2", "30")
    second = page.locator("#lines [data-line]").nth(1)
    second.locator('[data-qty="units"]').fill("3")
    assert [total(page, key) for key in ("gross", "discount", "net", "tax", "total")] == [
        "441.00", "18.75", "422.25", "72.05", "494.30"]
    # More than is available shows in red at once.
    second.locator('[data-qty="cases"]').fill("2")
    assert "text-danger" in second.locator("[data-available]").get_attribute("class")
    second.locator('[data-qty="cases"]').fill("")
    assert total(page) == "494.30"
    assert page.url == entry_url  # all of it in the page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-order-entry.png"), full_page=True)

    # Submit with a double tap: one order, allocated first expiry first.
    page.dblclick("#submit-order")
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    order = Order.objects.get()
    assert page.url.endswith(f"/orders/{order.pk}")
    assert page.locator("#order-status [data-status]").get_attribute("data-status") == "allocated"
    assert page.get_by_text(f"Order {order.number} is submitted and allocated.").is_visible()
    batches = page.locator('#lines tr[data-code="SKU-1"] .batches li')
    assert batches.evaluate_all("items => items.map(i => [i.dataset.batch, i.dataset.quantity])") == [["S1-SOON", "50"]]
    steps = page.locator('#timeline li[data-kind="status"]').evaluate_all("items => items.map(i => [i.dataset.from, i.dataset.to])")
    assert steps == [["draft", "submitted"], ["submitted", "approved"], ["approved", "allocated"]]
    assert page.locator('#timeline li[data-kind="created"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert Order.objects.count() == 1
    assert problems == []
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-order-detail.png"), full_page=True)


def test_order_entry_without_javascript(browser_page, site, transactional_db):
    org = stocked_org()
    page = browser_page(390, 844, java_script_enabled=False, **PHONE)
    outlet = org.outlets["O-DEL1-B"]
    sign_in(page, site.url, "dist_one", "/orders/new")
    page.fill("#outlet-q", "DEL1-B")
    page.click("#outlet-search button[type=submit]")
    page.locator(f'#outlets a[data-code="{outlet.code}"]').click()
    page.wait_for_url(re.compile(rf"/orders/new\?outlet={outlet.pk}$"))

    # Search and Add are round trips; the server shows what is available.
    page.fill("#id_sku_q", "glucose")
    page.click("#sku-search-button")
    result = page.locator('#sku-results li[data-code="SKU-1"]')
    assert result.locator("span[data-available]").inner_text() == "150"
    result.get_by_role("button", name="Add").click()
    line = page.locator("#lines [data-line]").first
    line.wait_for()
    line.locator('[data-qty="cases"]').fill("1")
    line.locator('[data-qty="units"]').fill("2")
    line.locator('[data-qty="discount"]').fill("5")
    assert total(page) == "0.00"  # nothing computes in the page without JavaScript
    page.click("#recalculate")
    assert page.locator("#lines [data-line]").first.locator('[data-amount="total"]').inner_text() == "420.38"
    assert total(page) == "420.38"
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-order-entry-nojs.png"), full_page=True)

    # A line with nothing ordered is refused beside it; nothing is written.
    page.fill("#id_sku_q", "cream")
    page.click("#sku-search-button")
    page.locator('#sku-results li[data-code="SKU-2"]').get_by_role("button", name="Add").click()
    page.click("#save-draft")
    assert "quantity" in page.locator('[data-field="lines-1"]').inner_text().lower()
    assert Order.objects.count() == 0
    page.locator("#lines [data-line]").nth(1).locator('[data-qty="units"]').fill("3")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    order = Order.objects.get()
    assert page.locator("#order-status [data-status]").get_attribute("data-status") == "draft"
    assert total(page) == "494.30"

    # Submitting from the order's page allocates it.
    page.click("#action-submit")
    page.get_by_text(f"Order {order.number} is allocated.").wait_for()
    assert page.locator("#order-status [data-status]").get_attribute("data-status") == "allocated"
    order.refresh_from_db()
    assert order.status == "allocated"
