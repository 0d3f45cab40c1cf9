"""Each role signs in and walks home → outlet list → search → filter → an outlet, in Chromium,
and sees exactly its scope; one walk on a phone-sized screen."""

import re

import pytest

from distra.core.testing import PASSWORD, VISIBLE_OUTLETS, build_org
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["admin", "brand", "asm_delhi", "dist_one", "rep_del1"]
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"
ALL_TERRITORIES = {"Delhi Central", "Gurugram", "Ludhiana", "Mumbai South"}
TERRITORIES_OFFERED = {
    "admin": ALL_TERRITORIES,
    "brand": ALL_TERRITORIES,
    "asm_delhi": {"Delhi Central", "Gurugram"},
    "dist_one": {"Delhi Central", "Gurugram"},
    "rep_del1": {"Delhi Central"},
}


def sign_in(page, base_url: str, username: str, path: str = "/"):
    response = page.goto(base_url + path)
    assert response.status == 401  # the sign-in form, answering for the page asked for
    assert page.locator('input[name="next"]').first.input_value() == path
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base_url + path)


def shown_codes(page) -> set[str]:
    return set(page.locator("#results tbody tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)"))


@pytest.mark.parametrize("username", ROLES)
def test_role_walks_from_home_to_an_outlet_and_sees_its_scope(browser_page, site, transactional_db, username):
    org = build_org()
    visible = VISIBLE_OUTLETS[username]
    page = browser_page()
    sign_in(page, site.url, username)

    # Home: the outlet count is the scope's; Bootstrap's stylesheet is applied.
    assert page.locator('[data-testid="tile-outlet-list"] [data-testid="count"]').inner_text() == str(len(visible))
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).backgroundColor") == BOOTSTRAP_PRIMARY
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    page.screenshot(path=str(SCREENSHOTS / f"distra-{username}-home.png"), full_page=True)

    # Outlet list: exactly the scope.
    page.get_by_role("link", name="Outlets", exact=True).first.click()
    page.wait_for_url(re.compile(r"/outlets$"))
    assert shown_codes(page) == visible
    page.screenshot(path=str(SCREENSHOTS / f"distra-{username}.png"), full_page=True)

    # Search: a word that matches inside and outside the scope finds only the inside.
    page.fill("#id_q", "DEL1")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=DEL1"))
    assert shown_codes(page) == {code for code in visible if "DEL1" in code}

    # Filter: by the first territory offered (the list offers only territories in scope).
    page.click("#filters a")  # clear
    options = page.locator("#id_territory option:not([value=''])")
    offered = set(options.all_inner_texts())
    territory_name = sorted(offered)[0]
    page.select_option("#id_territory", label=territory_name)
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"territory=\d+"))
    expected = {code for code in visible if org.outlets[code].territory.name == territory_name}
    assert shown_codes(page) == expected
    assert offered == TERRITORIES_OFFERED[username]

    # Open an outlet.
    code = sorted(expected)[0]
    page.locator(f'#results tr[data-code="{code}"] a').click()
    page.wait_for_url(re.compile(rf"/outlets/{org.outlets[code].pk}$"))
    assert page.locator("h1").inner_text().startswith(org.outlets[code].name)
    can_edit = username in ("admin", "asm_delhi", "dist_one", "rep_del1")
    assert (page.get_by_role("link", name="Edit").count() == 1) is can_edit


def test_field_rep_on_a_phone(browser_page, site, transactional_db):
    org = build_org()
    page = browser_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    sign_in(page, site.url, "rep_del1", "/outlets")

    # The navigation collapses behind the toggler, which Bootstrap's script opens.
    nav_link = page.locator("#main-nav").get_by_role("link", name="Distributors")
    assert not nav_link.is_visible()
    page.click("button.navbar-toggler")
    page.locator("#main-nav.show:not(.collapsing)").wait_for()
    page.locator("#main-nav").get_by_role("button", name="Partners").click()
    nav_link.wait_for()
    assert nav_link.is_visible()
    assert page.locator('#main-nav a[href="/warehouses"]').count() == 0  # not the rep's

    # The list fits the screen: secondary columns hide, nothing scrolls sideways.
    assert shown_codes(page) == VISIBLE_OUTLETS["rep_del1"]
    assert not page.locator("#results thead th", has_text="Territory").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "distra-phone.png"), full_page=True)

    # Onboarding an outlet: the service's problem appears beside its field.
    page.goto(site.url + "/outlets/new")
    page.fill("#id_code", "O-PHONE-1")
    page.fill("#id_name", "Corner Kirana")
    page.fill("#id_phone", "12")
    page.select_option("#id_territory", label="Delhi Central")
    page.select_option("#id_distributor", index=1)
    page.click("#edit-form button[type=submit]")
    error = page.locator('[data-field="phone"]')
    error.wait_for()
    assert "not a valid phone number" in error.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-form.png"), full_page=True)
    page.fill("#id_phone", "98765 43210")
    page.click("#edit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/outlets/\d+$"))
    assert org.outlets["O-DEL1-A"].__class__.objects.get(code="O-PHONE-1").phone == "+919876543210"


def test_distributor_user_switches_to_hindi(browser_page, site, transactional_db):
    build_org()
    page = browser_page()
    sign_in(page, site.url, "dist_one", "/profile")
    page.select_option("#id_language", "hi")
    page.click("#language-form button[type=submit]")
    page.get_by_text("आपकी भाषा सहेज ली गई है।").wait_for()
    assert page.locator("html").get_attribute("lang") == "hi"
    page.locator("#main-nav").get_by_role("button", name="साझेदार").click()
    page.locator("#main-nav").get_by_role("link", name="आउटलेट").click()
    page.get_by_role("heading", name="आउटलेट").wait_for()
    assert shown_codes(page) == VISIBLE_OUTLETS["dist_one"]
    page.screenshot(path=str(SCREENSHOTS / "distra-dist_one-hindi.png"), full_page=True)
