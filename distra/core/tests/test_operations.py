"""Operating Distra: health probes, request ids in logs, the production checks."""

import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings

from distra.core.logging import JsonFormatter, RequestIdFilter


@pytest.mark.django_db
def test_healthz_and_readyz_answer_ok_when_migrated(request):
    if request.config.getoption("nomigrations", False):
        pytest.skip("the test database was built from the models (--nomigrations); the PostgreSQL pass migrates it")
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["pending_migrations"] == 0


@pytest.mark.django_db
def test_migrations_match_the_models(settings):
    """Every model change has its migration (the SQLite pass builds its test database from the
    models, so only this says when one is missing). The real migration modules are read even
    under --nomigrations."""
    settings.MIGRATION_MODULES = {}
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_readyz_is_503_when_the_database_is_unreachable(monkeypatch):
    from django.db import connections

    def refuse():
        raise OSError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_every_log_line_of_a_request_carries_its_request_id(caplog):
    seen = []

    class Capture(logging.Handler):
        def emit(self, record):
            seen.append(json.loads(JsonFormatter().format(record)))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get("/api/v1/outlets", HTTP_X_REQUEST_ID="req-12345")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-12345"
    assert response.status_code == 401
    assert seen
    assert all(line["request_id"] == "req-12345" for line in seen)


def test_a_hostile_request_id_is_replaced():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


@override_settings(DEBUG=True)
def test_check_fails_when_debug_is_on():
    with pytest.raises(SystemCheckError, match="distra.E001"):
        call_command("check", fail_level="ERROR")


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@override_settings(
    SECRET_KEY_FROM_ENVIRONMENT=True,
    SECRET_KEY="x" * 64 + "production-key-from-environment",
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "distra"}},
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    ALLOWED_HOSTS=["distra.example.com"],
)
def test_check_passes_for_a_production_configuration(capsys, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set by the browser tests' process
    call_command("check", fail_level="WARNING", databases=[])
    assert "no issues" in capsys.readouterr().out


@pytest.mark.django_db
def test_each_request_writes_one_access_line_with_its_id_and_status(caplog):
    with caplog.at_level(logging.INFO, logger="distra.access"):
        Client().get("/healthz", HTTP_X_REQUEST_ID="req-abc")
    [line] = [r for r in caplog.records if r.name == "distra.access"]
    assert (line.method, line.path, line.status) == ("GET", "/healthz", 200)
    assert line.duration_ms >= 0
    assert json.loads(JsonFormatter().format(line))["request_id"] == "req-abc"


def test_favicon_ico_points_at_the_served_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/web/favicon.svg"
