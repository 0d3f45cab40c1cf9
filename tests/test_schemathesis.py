"""Property-based check of the whole REST API against its own OpenAPI document.

Schemathesis loads the schema from the WSGI application in-process, generates requests for every
operation (valid and invalid ones), sends them as the administrator with the ``org`` test data
present, and checks that no answer is a server error and that each answer (status code, body)
is one the schema declares.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from distra.core.testing import api_token

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

# The coverage phase (boundary and invalid values of every parameter: ~90 requests per operation,
# planned for every operation while collecting) runs on PostgreSQL, the production database and the
# second pass of ``make test``; the SQLite pass, which runs the same API code, sends each
# operation's examples and 25 generated requests (the coverage phase was most of a third of its
# time). DISTRA_API_COVERAGE=1 runs it on SQLite too; DISTRA_API_EXAMPLES sets the number.
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
EXAMPLES = int(os.environ.get("DISTRA_API_EXAMPLES") or 25)
schema.config.phases.coverage.enabled = ON_POSTGRESQL or os.environ.get("DISTRA_API_COVERAGE") == "1"

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.status_code_conformance,
]


@pytest.fixture
def admin_headers(org):
    return {"Authorization": f"Bearer {api_token(org.users['admin'])}"}


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Django's WSGI handler closes "old" database connections around each request; inside a
    test's transaction that would discard the test data. Django's own test client disconnects the
    same signal handlers while it serves a request; do so for the whole test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_declares(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
