"""Fixtures for the whole suite."""

import os

import pytest

from distra.core.testing import ApiClient, build_org


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def api():
    """api(user) -> a JSON client authenticated as ``user`` (anonymous for None)."""
    return ApiClient


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Argon2 is the production hasher; tests hash thousands of times, so use a fast one there.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic manifest in tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Stock alert evaluations are enqueued at once, one per transaction, so that a test sees the
    # task its movement enqueued; the coalescing of production (deferred, once per pair and
    # interval) has its own tests in distra/inventory/tests/test_alert_coalescing.py.
    settings.DISTRA_ALERT_COALESCE_SECONDS = 0


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"distra: database {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''} (CI={os.environ.get('CI', '')})"
