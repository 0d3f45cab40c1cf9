"""The outlet page shows today's suggested order in Chromium, as a rep: lines with their reasons,
the must-sell gap; "Start an order from it" opens the order entry with the lines filled in; the
acceptance page draws its chart."""

from decimal import Decimal

import pytest

from distra.catalog.models import SKU
from distra.core.testing import build_org
from distra.suggestions.models import MustSellItem, MustSellList, Suggestion
from distra.suggestions.tests.conftest import at, place
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def suggestion_org():
    """O-DEL1-A bought 2 cases of SKU-1 every week for 8 weeks; SKU-3 is must-sell in general trade."""
    org = build_org()
    for code, gtin in (("SKU-2", "8901234567883"), ("SKU-3", "8901234567876")):
        org.skus[code] = SKU.objects.create(
            code=code, gtin=gtin, name=f"{code} cream biscuits", brand=org.brand, category=org.categories["BISC"], hsn_code="1905",
            units_per_case=24, case_weight_kg=Decimal("4"), case_volume_l=Decimal("10"), mrp=Decimal("20.00"),
            base_price=Decimal("15.00"), tax_rate=Decimal("18"), shelf_life_days=120)
    for k in range(1, 9):
        place(org, "O-DEL1-A", at(7 * k), [("SKU-1", 96), ("SKU-2", 5)])
    listing = MustSellList.objects.create(code="MS-GT", name="Core", channel="general_trade")
    MustSellItem.objects.create(must_sell_list=listing, sku=org.skus["SKU-3"])
    return org


def test_rep_sees_the_suggestion_on_the_outlet_page_and_starts_an_order(browser_page, site, transactional_db):
    org = suggestion_org()
    outlet = org.outlets["O-DEL1-A"]
    page = browser_page(390, 844, is_mobile=True, has_touch=True)
    sign_in(page, site.url, "rep_del1", f"/outlets/{outlet.pk}")

    section = page.locator('[data-testid="outlet-suggestion"]')
    rows = section.locator('[data-testid="suggestion-lines"] tbody tr')
    texts = rows.all_inner_texts()
    sku1 = next(t for t in texts if t.startswith("SKU-1"))
    assert "2 cases" in sku1
    assert "rounded up to 2 case(s) of 48" in sku1
    assert any(t.startswith("SKU-3") and "Must-sell (MS-GT)" in t for t in texts)
    assert "SKU-3 (MS-GT)" in section.locator('[data-testid="must-sell-gaps"]').inner_text()
    page.screenshot(path=str(SCREENSHOTS / "distra-outlet-suggestion.png"), full_page=True)
    assert Suggestion.objects.filter(given_by=org.users["rep_del1"], through="web").count() == 1

    page.click('[data-testid="start-order"]')
    page.wait_for_url(f"{site.url}/orders/new?outlet={outlet.pk}")
    cases = {page.locator(f'input[name="lines-{i}-sku"]').input_value(): page.locator(f'input[name="lines-{i}-cases"]').input_value()
             for i in range(3)}
    assert cases[str(org.skus["SKU-1"].pk)] == "2"
    assert cases[str(org.skus["SKU-3"].pk)] == "1"


def test_acceptance_page_draws_the_weekly_chart(browser_page, site, transactional_db):
    from distra.suggestions import services

    org = suggestion_org()
    services.suggestion_give(by=org.users["rep_del1"], outlet_id=org.outlets["O-DEL1-A"].pk, now=at(10, 9))
    place(org, "O-DEL1-A", at(9), [("SKU-1", 96)])
    page = browser_page()
    sign_in(page, site.url, "asm_delhi", "/suggestions/acceptance")
    assert page.locator('[data-testid="acceptance-overall"]').inner_text() == "33 %"  # SKU-1 of SKU-1, SKU-2, SKU-3
    page.wait_for_function("() => { const c = document.getElementById('acceptance-chart'); return c && !c.parentElement.hidden && c.width > 0; }")
