"""The brand reviews a distributor's generated claim in Chromium: approves one line, cuts another
with a reason, finishes the review and settles it; the credit note opens with the approved total."""

from decimal import Decimal as D

import pytest

from distra.claims import domain, services
from distra.core.testing import build_org
from distra.orders.models import Order
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_invoice_page import make_invoice
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted_claim(org):
    """A delivered invoice of 50 × SKU-1 last month with a discount and a free-goods benefit; the
    claim of that month generated and submitted by the distributor."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from distra.orders import services as orders
    from distra.orders.services.delivery import DeliveredLine
    from distra.pricing.models import Scheme, SchemeBenefit

    invoice = make_invoice(org)
    order = invoice.order
    orders.order_dispatch(by=org.users["dist_one"], order=order, vehicle="DL 1 AB 1234", driver="Ravi")
    orders.order_deliver(by=org.users["dist_one"], order=order, lines=[DeliveredLine(line.pk, line.allocated) for line in order.lines.all()])
    start, end = domain.previous_period(timezone.localdate(), "month")
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.make_aware(datetime.combine(start + timedelta(days=4), time(11))))
    today, line = timezone.localdate(), order.lines.get()
    pct = Scheme.objects.create(code="S-PCT", name="Five off", kind="percent_off", percent=D("5"), valid_from=today)
    free = Scheme.objects.create(code="S-FREE", name="Buy 48 get 2", kind="free_goods", buy_quantity=48, free_quantity=2,
                                 free_sku=org.skus["SKU-1"], valid_from=today)
    SchemeBenefit.objects.create(order=order, order_line=line, scheme=pct, benefit=D("18.75"), discount=D("18.75"),
                                 funding_share_pct=D("100"), brand_funded=D("18.75"))
    SchemeBenefit.objects.create(order=order, order_line=line, scheme=free, benefit=D("15.00"), free_quantity=2,
                                 free_sku=org.skus["SKU-1"], funding_share_pct=D("100"), brand_funded=D("15.00"))
    claim = services.claim_generate_period(distributor=org.distributors["D-ONE"], start=start, end=end)
    return services.claim_submit(by=org.users["dist_one"], claim=claim)


def test_brand_reviews_cuts_a_line_and_settles(browser_page, site, transactional_db):
    org = build_org()
    claim = submitted_claim(org)  # discount 18.75 + 2 free units × 7.50 = 15.00: 33.75 claimed
    page = browser_page()
    sign_in(page, site.url, "brand", "/claims")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.get_by_role("link", name=claim.number).click()
    page.wait_for_url(f"{site.url}/claims/{claim.pk}")
    assert page.get_by_test_id("claimed").inner_text() == "33.75"
    page.get_by_test_id("start-review").click()
    page.wait_for_selector("[data-testid^=decide-]")

    discount = page.locator("tr[data-kind=discount]")
    discount.locator("select[name=decision]").select_option("approve")
    discount.get_by_role("button", name="Save").click()
    page.wait_for_selector("tr[data-kind=discount] [data-testid=decision]")

    free = page.locator("tr[data-kind=free_goods]")
    free.locator("select[name=decision]").select_option("cut")
    free.locator("input[name=approved_amount]").fill("7.50")
    free.locator("input[name=reason]").fill("Only one free unit reached the outlet")
    free.get_by_role("button", name="Save").click()
    page.wait_for_selector("tr[data-kind=free_goods] [data-testid=decision]")
    assert "7.50" in page.locator("tr[data-kind=free_goods] [data-testid=decision]").inner_text()

    page.screenshot(path=str(SCREENSHOTS / "distra-claim-review.png"), full_page=True)
    page.get_by_test_id("finish").click()
    page.wait_for_selector("[data-testid=settle]")
    assert page.get_by_test_id("approved").inner_text() == "26.25"
    page.get_by_test_id("settle").click()
    page.wait_for_selector("[data-testid=credit-note]")
    page.get_by_test_id("credit-note").click()
    page.wait_for_url(f"{site.url}/claims/{claim.pk}/credit-note")
    assert page.get_by_test_id("credit-total").inner_text() == "26.25"
    assert page.get_by_test_id("credit-note-number").inner_text().endswith("/00001")
    page.screenshot(path=str(SCREENSHOTS / "distra-claim-credit-note.png"), full_page=True)
    claim.refresh_from_db()
    assert (claim.status, claim.approved) == ("settled", D("26.25"))
    assert claim.lines.get(kind="free_goods").decision_reason == "Only one free unit reached the outlet"
    assert errors == []
