"""Physical stock count in Chromium, on a phone, as a distributor user: choose the warehouse,
enter the counted units per batch (one batch short, one as booked), check the variance report
(nothing posted yet), post it (a double tap posts once), and find the adjustment on the stock page
and on the SKU's stock card with its running balance."""

import re

import pytest

from distra.core.testing import build_org
from distra.inventory.models import StockBalance, StockMove
from distra.orders.tests.conftest import make_batch, receive
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_home_charts import watch_console
from tests.browser.test_orders import PHONE
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counted_org():
    """build_org with SKU-1 at W-D-ONE in S1-SOON (50 units) and S1-LATE (100 units)."""
    org = build_org()
    warehouse = org.warehouses["D-ONE"]
    soon = make_batch(org, org.skus["SKU-1"], "S1-SOON", expires_in_days=60)
    late = make_batch(org, org.skus["SKU-1"], "S1-LATE", expires_in_days=200)
    receive(org, warehouse, soon, 50)
    receive(org, warehouse, late, 100)
    return org, soon, late


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_distributor_counts_stock_on_a_phone_and_sees_the_adjustment(browser_page, site, transactional_db):
    org, soon, late = counted_org()
    warehouse = org.warehouses["D-ONE"]
    page = browser_page(390, 844, **PHONE)
    sign_in(page, site.url, "dist_one", "/stock/count")
    problems = watch_console(page)

    # Choose the warehouse: its batches are listed, earliest expiry first, with empty counts.
    page.select_option("#warehouse", str(warehouse.pk))
    page.click("#choose-warehouse button[type=submit]")
    page.wait_for_url(re.compile(rf"/stock/count\?warehouse={warehouse.pk}$"))
    rows = page.locator("#count-lines tbody tr").evaluate_all("rows => rows.map(r => r.cells[1].innerText)")
    assert rows == ["S1-SOON", "S1-LATE"]
    assert fits_the_screen(page)

    # One batch counted short, one as booked; checking shows the variance and posts nothing.
    page.fill(f"#count-{soon.pk}", "47")
    page.fill(f"#count-{late.pk}", "100")
    page.get_by_role("button", name="Check variance").click()
    variance = page.locator("#variance tbody tr")
    variance.first.wait_for()
    assert variance.evaluate_all(
        "rows => rows.map(r => [r.dataset.batch, ...Array.from(r.cells).slice(1).map(c => c.innerText)])") == [
        ["S1-SOON", "50", "47", "-3"], ["S1-LATE", "100", "100", "+0"]]
    assert page.locator(f"#count-{soon.pk}").input_value() == "47"  # the entries survive the check
    assert not StockMove.objects.filter(kind="adjustment").exists()
    assert fits_the_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-stock-count-variance.png"), full_page=True)

    # Post it with a double tap: the count's key makes it one adjustment.
    page.get_by_role("button", name="Post count").dblclick()
    page.wait_for_url(re.compile(rf"/stock/count\?warehouse={warehouse.pk}$"))
    page.get_by_text("Count posted: 2 batches counted.").wait_for()
    adjustment = StockMove.objects.get(kind="adjustment")
    assert (adjustment.reason, adjustment.batch_id, adjustment.quantity, adjustment.user.username) == (
        "count_variance", soon.pk, -3, "dist_one")
    assert dict(StockBalance.objects.filter(warehouse=warehouse).values_list("batch__batch_number", "on_hand")) == {
        "S1-SOON": 47, "S1-LATE": 100}

    # The stock page shows the counted figure; its stock card shows the adjustment and the balance.
    page.goto(f"{site.url}/stock?warehouse={warehouse.pk}")
    row = page.locator('#results tr[data-code="W-D-ONE/SKU-1/S1-SOON"]')
    assert row.locator("td").nth(4).inner_text() == "47"
    assert fits_the_screen(page)
    row.get_by_role("link", name="Stock card").click()
    page.wait_for_url(re.compile(r"/stock/card\?warehouse=\d+&sku=\d+$"))
    assert page.locator('#card-totals [data-total="on_hand"]').inner_text() == "147"
    last = page.locator("#results tbody tr[data-code]").last
    assert (last.get_attribute("data-code"), last.get_attribute("data-quantity"), last.get_attribute("data-balance")) == (
        str(adjustment.pk), "-3", "147")
    assert "count variance" in last.inner_text()
    assert fits_the_screen(page)
    assert problems == []
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-stock-card-after-count.png"), full_page=True)
