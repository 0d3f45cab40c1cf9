"""The order entry page lists the free goods the order would get, in Chromium: as the lines are
typed, the engine's answer adds the free line (SKU × units · FREE (scheme)) beside the running
totals, as the order page lists it."""

import pytest

from distra.catalog.models import SKU
from distra.pricing.tests.conftest import live_price_list, live_scheme
from tests.browser.test_home_charts import watch_console
from tests.browser.test_orders import add_sku, stocked_org, total
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_order_entry_shows_the_free_line_in_the_running_totals(browser_page, site, transactional_db):
    org = stocked_org()
    sku1, sku2 = org.skus["SKU-1"], SKU.objects.get(code="SKU-2")
    live_price_list(org)
    live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=1, free_sku=sku2, targets={"sku_ids": [sku1.pk]})
    page = browser_page(1280, 900)
    sign_in(page, site.url, "dist_one", f"/orders/new?outlet={org.outlets['O-DEL1-A'].pk}")
    problems = watch_console(page)
    page.locator('#order-form[data-enhanced="true"]').wait_for()
    add_sku(page, "glucose", "SKU-1", "150")
    page.locator("#lines [data-line]").first.locator('[data-qty="units"]').fill("48")
    page.locator('#order-form[data-priced="true"]').wait_for()
    # 48 bought: 2 × 1 = 2 units of SKU-2 free; 48 × 7.00 = 336.00, + 18 % = 396.48.
    assert page.locator('#free-lines li[data-free-sku="SKU-2"]').inner_text() == "SKU-2 × 2 · FREE (FREE)"
    assert total(page, "total") == "396.48"
    page.locator("#lines [data-line]").first.locator('[data-qty="units"]').fill("20")
    page.locator('#order-form[data-priced="true"]').wait_for()
    assert page.locator("#free-lines li").count() == 0
    assert problems == []
