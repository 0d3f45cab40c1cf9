"""Dispatch → proof of delivery in Chromium on a phone-sized screen: a distributor user puts an
invoiced order on a vehicle from the dispatch board, then records a partial delivery with its
reason."""

import re

import pytest

from distra.core.testing import build_org
from distra.orders import services
from distra.orders.models import Order
from distra.orders.tests.conftest import lines, make_batch, receive
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dispatch_then_proof_of_delivery_on_a_phone(browser_page, site, transactional_db):
    org = build_org()
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "B-1", expires_in_days=90), 100)
    by = org.users["dist_one"]
    order = services.order_create(by=by, outlet=org.outlets["O-DEL1-A"], lines=lines(org, q1=40), submit=True)
    services.order_invoice(by=by, order=order)
    line = order.lines.get()

    page = browser_page(390, 844)
    sign_in(page, site.url, "dist_one", "/deliveries")
    page.check(f"#order-{order.pk}")
    page.fill("#vehicle", "DL-1C-4321")
    page.fill("#driver", "Ravi")
    page.click("#dispatch-button")
    page.wait_for_url(re.compile(r"/deliveries$"))
    assert f"Dispatched {order.number}." in page.locator("main .alert").first.inner_text()
    assert page.locator(f'#out-orders [data-number="{order.number}"]').count() == 1

    page.locator(f'#out-orders [data-number="{order.number}"] a').click()
    page.wait_for_url(re.compile(rf"/deliveries/{order.pk}/pod$"))
    field = page.locator(f"#delivered-{line.pk}")
    assert field.input_value() == "40"
    assert field.evaluate("e => e.getBoundingClientRect().right") <= 390  # fits the phone's width
    field.fill("35")
    page.select_option(f"#reason-{line.pk}", "refused")
    page.fill("#received_by", "Mr Sharma")
    page.screenshot(path=str(SCREENSHOTS / "distra-pod-phone.png"), full_page=True)
    page.click("#pod-button")
    page.wait_for_url(re.compile(r"/deliveries$"))
    assert "Partially delivered" in page.locator("main .alert").first.inner_text()

    order = Order.objects.get(pk=order.pk)
    line.refresh_from_db()
    assert (order.status, order.received_by, order.dispatch_note) == ("partially_delivered", "Mr Sharma", "DL-1C-4321 / Ravi")
    assert (line.delivered, line.returned, line.shortfall_reason) == (35, 5, "refused")
