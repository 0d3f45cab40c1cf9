"""An order's pricing explained on its page, in Chromium: each line shows its price and why,
each scheme applied with its benefit, reason and the next slab within reach, the free line of a
free-goods scheme, net, tax and total; and the schemes not applied with what is missing."""

import re
from decimal import Decimal

import pytest

from distra.catalog.models import SKU
from distra.orders import services
from distra.orders.services import LineIn
from distra.pricing.tests.conftest import live_price_list, live_scheme
from tests.browser.test_home_charts import watch_console
from tests.browser.test_orders import add_sku, stocked_org, total
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_order_page_explains_each_lines_schemes_and_those_not_applied(browser_page, site, transactional_db):
    org = stocked_org()
    sku1, sku2 = org.skus["SKU-1"], SKU.objects.get(code="SKU-2")
    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}],
                targets={"sku_ids": [sku1.pk]})
    live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=1, free_sku=sku2, targets={"sku_ids": [sku1.pk]})
    live_scheme(org, "VAL", "value_slab", slabs=[{"min": "500", "percent": "3"}])
    order = services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], submit=True,
                                  lines=[LineIn(sku=sku1, quantity=40)])
    page = browser_page(1280, 900)
    sign_in(page, site.url, "dist_one", f"/orders/{order.pk}")
    problems = watch_console(page)

    pricing = page.locator('#lines details.line-pricing[data-line="1"]')
    assert pricing.get_attribute("open") is not None
    assert pricing.locator('[data-field="gross"]').inner_text() == "280.00"
    slab = pricing.locator('dt.scheme[data-scheme="SLAB"]')
    assert "2 % slab for 40 units" in slab.inner_text()
    assert slab.locator(".hint").inner_text() == "10 more units for the 4 % slab"
    assert pricing.locator('dt.scheme[data-scheme="SLAB"] + dd').inner_text() == "−5.60"
    assert pricing.locator('[data-field="net"]').inner_text() == "274.40"
    assert "price list PL-ALL" in pricing.inner_text()
    free = page.locator('#lines .free-line[data-scheme="FREE"]')
    assert "buy 24 get 1 free: 1 free units" in free.inner_text()
    assert page.locator('#lines tr[data-code="SKU-2"]').get_attribute("data-allocated") == "1"
    missed = page.locator('#schemes-not-applied li[data-scheme="VAL"]')
    assert "needs 220.00 more for the 3 % slab" in missed.inner_text()
    assert Decimal(order.total) == Decimal("323.79")
    assert problems == []


def test_order_entry_shows_the_engines_running_totals_and_the_schemes_within_reach(browser_page, site, transactional_db):
    org = stocked_org()
    sku1 = org.skus["SKU-1"]
    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}],
                targets={"sku_ids": [sku1.pk]})
    live_scheme(org, "VAL", "value_slab", slabs=[{"min": "500", "percent": "3"}])
    page = browser_page(1280, 900)
    outlet = org.outlets["O-DEL1-A"]
    sign_in(page, site.url, "dist_one", f"/orders/new?outlet={outlet.pk}")
    problems = watch_console(page)
    page.locator('#order-form[data-enhanced="true"]').wait_for()
    add_sku(page, "glucose", "SKU-1", "150")
    line = page.locator("#lines [data-line]").first
    line.locator('[data-qty="units"]').fill("40")
    page.locator('#order-form[data-priced="true"]').wait_for()
    # 40 × 7.00 (price list) = 280.00; SLAB 2 % = 5.60; net 274.40; tax 49.39; total 323.79.
    assert [total(page, key) for key in ("gross", "discount", "net", "tax", "total")] == ["280.00", "5.60", "274.40", "49.39", "323.79"]
    assert line.locator('[data-amount="total"]').inner_text() == "323.79"
    assert "10 more units for the 4 % slab" in line.locator('[data-schemes] li[data-scheme="SLAB"]').inner_text()
    assert "needs 220.00 more for the 3 % slab" in page.locator('#schemes-within-reach li[data-scheme="VAL"]').inner_text()
    page.click("#submit-order")
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    assert page.locator('#lines details.line-pricing[data-line="1"] dt.scheme[data-scheme="SLAB"]').count() == 1
    assert problems == []
