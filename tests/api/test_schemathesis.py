"""Schemathesis against the published schema, as each role: no 5xx, and every response (status,
content type, headers, body) as the schema says. Bounded: a few generated examples per operation
plus the schema's boundary cases, for every operation but DELETE (revoking the token would lock
the run out)."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.api.services import api_token_create
from tests.api.conftest import ROLES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": 2025,
    "generation": {"mode": "all", "max-examples": 5},
    "phases": {"stateful": {"enabled": False}},
}


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection across the WSGI calls, as Django's test client does
    (the WSGI handler closes connections after each request, ending the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(cast, record, in_test_transaction) -> dict[str, str]:
    """A token per role, over a database holding a little of everything (see `record`)."""
    return {
        role: api_token_create(
            actor=cast.by_role(role), name="schemathesis", scope="read_write"
        ).secret
        for role in ROLES
    }


def served_schema() -> dict:
    """The schema /api/schema/ serves, built the same way, without needing a signed-in user at
    collection time (test_schema.py checks the two are identical)."""
    generator = SchemaGenerator(patterns=None)
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


# schemathesis.pytest.from_fixture (lazy loading) breaks on pytest 9 (it writes Node._nodeid),
# so the schema is loaded eagerly and the calls go to the WSGI app in-process.
schema = schemathesis.openapi.from_dict(
    served_schema(), config=schemathesis.Config.from_dict(CONFIG)
)
schema.app = get_wsgi_application()
schema = schema.exclude(method="DELETE")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_matches_its_schema_for_every_role(case, tokens):
    for role in ROLES:
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
