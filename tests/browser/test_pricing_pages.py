"""Schemes in Chromium: the brand creates a quantity-slab scheme through the form (a slab overlap
is refused beside the field), previews it on a sample basket for an outlet (the upsell shows),
activates it, and after an order used it the performance section draws spend against budget."""

import re

import pytest

from distra.core.testing import build_org
from distra.pricing import services
from distra.pricing.models import Scheme
from distra.pricing.tests.conftest import bare_order
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_preview_activate_and_watch_a_scheme(browser_page, site, transactional_db):
    org = build_org()
    page = browser_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, site.url, "brand", "/pricing/schemes/new")
    page.fill("#id_code", "SLAB-WEB")
    page.fill("#id_name", "Biscuit slabs")
    page.select_option("#id_kind", "quantity_slab")
    page.fill("#id_valid_from", "2020-01-01")
    page.select_option("#id_per", "case")
    page.fill("#id_slabs", "2-4: 2\n4-: 4")
    page.check("#id_channels_0")
    page.select_option("#id_budget_basis", "value")
    page.fill("#id_budget", "500")
    page.click("#scheme-save")
    assert "overlaps" in page.locator("[data-field=slabs]").inner_text()
    assert not Scheme.objects.exists()
    page.fill("#id_slabs", "2-4: 2\n5-: 4")
    page.click("#scheme-save")
    page.wait_for_url(re.compile(r"/pricing/schemes/\d+$"))
    scheme = Scheme.objects.get()
    assert page.locator("#status").get_attribute("data-status") == "draft"

    # Preview: 96 units of SKU-1 (48 a case) = 2 cases: 2 %, and 3 more cases for 4 %.
    page.fill("#id_outlet_code", "O-DEL1-A")
    page.fill("#id_basket", "SKU-1, 96")
    page.click("#preview-run")
    row = page.locator('#priced-lines tr[data-code="SKU-1"]')
    assert row.locator(".line-net").inner_text() == "705.60"  # 720.00 - 14.40
    assert "3 more cases for the 4 % slab" in row.inner_text()

    page.click("#action-activate")
    page.wait_for_url(re.compile(rf"/pricing/schemes/{scheme.pk}$"))
    assert page.locator("#status").get_attribute("data-status") == "active"

    # An order uses it (the order flow's calls); the performance section charts it.
    sku = org.skus["SKU-1"]
    priced = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(sku, 96)])
    order, lines = bare_order(org, lines=[(sku, 96)])
    services.scheme_budgets_consume(priced=priced, order_id=order.pk)
    services.scheme_benefits_record(priced=priced, order_lines=lines)
    page.reload()
    assert page.locator("#spend-to-date").inner_text() == "14.40"
    assert page.locator('[data-budget="overall"] .budget-left').inner_text() == "485.60"
    assert page.locator("#spend-chart").get_attribute("data-drawn") == "true"
    assert page.locator("#touched-orders").inner_text().count(order.number) == 1
    assert [e.get_attribute("data-to") for e in page.locator("#events li").all()] == ["draft", "active"]
    assert errors == []
