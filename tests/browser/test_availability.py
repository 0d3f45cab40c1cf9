"""Without Chromium the browser tests skip, except on CI, where they must fail."""

import pytest

from tests.browser.conftest import _unavailable


def test_missing_browser_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        _unavailable("Chromium is not installed at /usr/bin/chromium")


@pytest.mark.parametrize("value", ["true", "TRUE"])
def test_missing_browser_fails_on_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="cannot run on CI"):
        _unavailable("Chromium is not installed at /usr/bin/chromium")
