"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server, with static files served as in production (WhiteNoise, here from the finders).

Without Chromium the tests skip, saying why; with CI=true they fail instead, so that a CI job
cannot pass by testing nothing.
"""

import os
from pathlib import Path

import pytest
from django.test.utils import override_settings

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("DISTRA_SCREENSHOT_DIR", "/tmp"))


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def served_static(tmp_path_factory):
    """DEBUG stays off; WhiteNoise serves the static files from the finders (Bootstrap from
    node_modules) without a collectstatic run; translations are compiled afresh from the .po
    files. Enabled before the live server starts."""
    from distra.web.tests.helpers import compile_catalogs

    overrides = override_settings(
        WHITENOISE_USE_FINDERS=True,
        LOCALE_PATHS=[compile_catalogs(tmp_path_factory.mktemp("locale"))],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    overrides.enable()
    yield
    overrides.disable()


@pytest.fixture(scope="session")
def site(served_static, django_db_setup, live_server):
    return live_server


@pytest.fixture
def browser_page(chromium_browser, site):
    """page(viewport) -> a fresh browser tab (own cookies) at the given size."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **options):
        context = chromium_browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
