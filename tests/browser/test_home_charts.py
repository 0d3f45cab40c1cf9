"""The home page's charts draw in Chromium (Chart.js served by Distra itself), each from the
user's scope, without console errors; on a phone they stack and fit the screen."""

import pytest

from distra.core.testing import VISIBLE_OUTLETS, build_org
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["channel", "status", "territory-class"]


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A request the browser itself abandons when the page moves on (the favicon, typically) is
    # not a failure of the page.
    page.on(
        "requestfailed",
        lambda request: problems.append(f"{request.url} failed: {request.failure}")
        if request.failure != "net::ERR_ABORTED"
        else None,
    )
    return problems


def drawn_charts(page) -> dict[str, dict]:
    """For each canvas: its size and what Chart.js holds for it."""
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length === 3"
                           " && [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart && Chart.getChart(c))")
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('canvas[data-chart]')].map(c => {
            const chart = Chart.getChart(c);
            return [c.dataset.chart, {
                width: c.getBoundingClientRect().width, height: c.getBoundingClientRect().height,
                total: chart.data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0),
                labels: chart.data.labels, top: c.getBoundingClientRect().top,
                tableOpen: c.closest('figure').querySelector('details').open,
            }];
        }))"""
    )


@pytest.mark.parametrize("username", ["admin", "dist_one"])
def test_the_home_page_draws_the_scopes_charts(browser_page, site, transactional_db, username):
    org = build_org()
    page = browser_page(reduced_motion="reduce")  # charts drawn at once (charts.js honours it), as screenshots need
    sign_in(page, site.url, username)
    problems = watch_console(page)
    page.reload()

    charts = drawn_charts(page)
    assert page.evaluate("typeof Chart === 'function' && Chart.version.startsWith('4.')")
    assert set(charts) == set(CHARTS)
    visible = VISIBLE_OUTLETS[username]
    for key, chart in charts.items():
        assert chart["width"] > 100, key
        assert chart["height"] > 100, key
        assert chart["total"] == len(visible), key
        assert chart["tableOpen"] is False, key  # folded once drawn, one click away
    assert set(charts["territory-class"]["labels"]) == {org.outlets[code].territory.name for code in visible}
    # The numbers stay readable: opening a table shows the scope's total.
    page.locator('[data-testid="chart-status"] summary').click()
    assert page.locator("#chart-status-numbers").is_visible()
    assert problems == []
    page.screenshot(path=str(SCREENSHOTS / f"distra-{username}-home-charts.png"), full_page=True)


def test_the_charts_stack_and_fit_on_a_phone(browser_page, site, transactional_db):
    build_org()
    page = browser_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2, reduced_motion="reduce")
    sign_in(page, site.url, "asm_delhi")
    charts = drawn_charts(page)
    assert charts["channel"]["top"] < charts["status"]["top"] < charts["territory-class"]["top"]
    assert all(chart["width"] <= 390 for chart in charts.values())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "distra-phone-home-charts.png"), full_page=True)


def test_without_javascript_the_numbers_are_tables(browser_page, site, transactional_db):
    build_org()
    page = browser_page(java_script_enabled=False)
    sign_in(page, site.url, "rep_del1")
    table = page.locator("#chart-channel-numbers")
    assert table.is_visible()
    assert table.locator("tbody tr", has_text="General trade").locator("td").inner_text() == "2"
    assert not page.locator("canvas[data-chart]").first.is_visible()
