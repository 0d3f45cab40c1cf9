"""The navigation bar in Chromium: at 1280×800 the administrator's bar (every group) fits in
English and in Hindi; a group opens from the keyboard and its link is followed; on a phone the
toggler opens the menu.

The Hindi width is real only with a Devanagari font installed (Debian: fonts-lohit-deva or
fonts-noto-core); without one Chromium draws a box per code point, wider than the glyphs."""

import re

import pytest

from distra.accounts.models import User
from distra.core.testing import build_org
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = {"en": ["Partners", "Catalog and prices", "Inventory", "Sales", "Planning"],
          "hi": ["साझेदार", "कैटलॉग और मूल्य", "इन्वेंटरी", "बिक्री", "योजना"]}


def _devanagari_font() -> bool:
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=hi"], capture_output=True, text=True, check=False).stdout.strip())


def bar_fits(page) -> dict:
    return page.evaluate("""() => {
        const nav = document.querySelector('nav.navbar');
        const box = nav.querySelector('.container-fluid');
        const user = nav.querySelector('[data-testid="profile-link"]').getBoundingClientRect();
        const out = document.querySelector('nav.navbar form button').getBoundingClientRect();
        const lists = [...nav.querySelectorAll('#main-nav > ul')].map(u => u.getBoundingClientRect());
        return {spare: Math.round(lists[1].left - lists[0].right), navOverflow: nav.scrollWidth - nav.clientWidth, boxOverflow: box.scrollWidth - box.clientWidth,
                navHeight: nav.getBoundingClientRect().height,
                userInView: user.left >= 0 && user.right <= window.innerWidth && user.bottom <= window.innerHeight && user.width > 0,
                signOutInView: out.left >= 0 && out.right <= window.innerWidth && out.width > 0,
                pageOverflow: document.documentElement.scrollWidth - window.innerWidth};
    }""")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("hi", 1280), ("en", 1200)])
def test_administrators_bar_fits_at_1280_in_each_language(browser_page, site, transactional_db, language, width):
    if language == "hi" and not _devanagari_font():
        pytest.skip("no Devanagari font on this machine (fonts-lohit-deva): Hindi would be drawn as boxes")
    build_org()
    # A long name: the user menu shortens it (its title keeps it whole) rather than push the bar.
    User.objects.filter(username="admin").update(language=language, first_name="Venkataraghavan", last_name="Subramaniam-Iyer")
    page = browser_page(width, 800)
    sign_in(page, site.url, "admin")
    nav = page.locator("#main-nav")
    assert nav.locator("button.dropdown-toggle").all_inner_texts() == GROUPS[language]
    assert nav.locator("a.dropdown-item").count() == 18 - 2  # every link but Home and Import / export
    fits = bar_fits(page)
    print(language, width, fits)
    page.screenshot(path=str(SCREENSHOTS / f"distra-nav-{width}-{language}.png"))
    assert fits["navOverflow"] <= 0
    assert fits["boxOverflow"] <= 0
    assert fits["pageOverflow"] <= 0
    assert fits["userInView"]
    assert fits["signOutInView"]
    assert fits["navHeight"] < 70  # one row, not wrapped


def test_below_1200_the_bar_collapses_behind_the_toggler(browser_page, site, transactional_db):
    build_org()
    page = browser_page(1199, 800)
    sign_in(page, site.url, "admin")
    assert page.locator("button.navbar-toggler").is_visible()
    assert not page.locator("#main-nav").get_by_role("button", name="Partners").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_group_opens_from_the_keyboard_and_its_link_is_followed(browser_page, site, transactional_db):
    build_org()
    page = browser_page(1280, 800)
    sign_in(page, site.url, "admin")
    sales = page.locator("#main-nav").get_by_role("button", name="Sales")
    orders = page.locator("#main-nav").get_by_role("link", name="Orders", exact=True)
    assert not orders.is_visible()
    sales.focus()
    page.keyboard.press("Enter")
    orders.wait_for()
    assert sales.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")  # Bootstrap moves focus into the menu
    assert page.evaluate("document.activeElement.textContent.trim()") == "Orders"
    page.keyboard.press("Escape")  # closes, focus back on the group
    page.wait_for_function("document.activeElement.id === 'nav-group-sales'")
    assert sales.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/orders$"))
    # The page reached marks its link and its group.
    assert page.locator('#main-nav a[aria-current="page"]').get_attribute("href") == "/orders"
    assert page.locator('#main-nav button[aria-current="true"]').inner_text() == "Sales"


def test_on_a_phone_the_toggler_opens_the_menu(browser_page, site, transactional_db):
    build_org()
    page = browser_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    sign_in(page, site.url, "admin")
    planning = page.locator("#main-nav").get_by_role("button", name="Planning")
    assert not planning.is_visible()
    page.click("button.navbar-toggler")
    page.locator("#main-nav.show:not(.collapsing)").wait_for()
    assert page.locator("button.navbar-toggler").get_attribute("aria-expanded") == "true"
    planning.click()
    forecasts = page.locator("#main-nav").get_by_role("link", name="Forecasts")
    forecasts.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "distra-nav-phone.png"), full_page=True)
    forecasts.click()
    page.wait_for_url(re.compile(r"/forecasts"))
