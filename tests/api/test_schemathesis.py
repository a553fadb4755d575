"""Schemathesis against the published schema, as each role, with every check it has: no 5xx;
status, content type, headers and body as the schema says; schema-conforming input accepted and
non-conforming input refused; required headers required; unknown methods answered 405; and, in
the stateful run, the links between operations (a round made by POST is the one GET reads).

Bounded so it runs in CI: a derandomized seed, a few generated examples per operation plus the
schema's boundary cases, short stateful scenarios. DELETE is left out (revoking the run's own
token would lock it out). Security parameters are not generated
(--generation-with-security-parameters false): the token is the role under test; unauthenticated
calls are covered by the ignored_auth check and tests/api/test_auth.py."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS

from apps.api.services import api_token_create
from tests.api.conftest import ROLES

SEED = 2025
CONFIG = {
    "seed": SEED,
    "generation": {
        "mode": "all",
        "max-examples": 2,
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": True, "max-steps": 6}},
}
# What the schema cannot state: which bytes make a real DOCX, ODT or PDF, whether a round is open
# (an upload's `kind` is for rounds only, and then required), which revision numbers exist. A
# schema-valid upload or diff may be refused there with the documented 400 that says why.
REFUSED_BY_STATE = ["v1_deliverables_revisions_create", "v1_deliverables_revisions_diff_retrieve"]
CONFIG["operations"] = [
    {
        "include-operation-id": REFUSED_BY_STATE,
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
            }
        },
    }
]
# A revision's `file` lists its types in the multipart encoding; schemathesis draws a part of a
# listed type from the strategy registered for it. A real (smallest) PDF, so a positive upload is
# a file the tracker takes: it is stored (and the schema's 201 checked) whenever no round is open.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
schemathesis.openapi.media_type("application/pdf", st.just(PDF))
ALL_CHECKS = CHECKS.get_all()
BOUNDED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


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


def as_role(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


SIGNED_IN = {"token": ""}


@schema.auth()
class RoleToken:
    """The stateful run's credentials: the token of the role under test, set on each generated
    case as schema-declared auth (so ignored_auth can drop it and expect a 401)."""

    def get(self, case, context):
        return SIGNED_IN["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), **as_role(data)}


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_the_api_matches_its_schema_for_every_role(case, tokens):
    for role in ROLES:
        case.call_and_validate(headers=as_role(tokens[role]), checks=ALL_CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_links_between_operations_hold_for_every_role(role, tokens):
    """Stateful: sequences of calls following the schema's links (and those schemathesis infers
    from Location headers and ids), every response checked."""
    SIGNED_IN["token"] = tokens[role]
    schema.as_state_machine().run(settings=settings(BOUNDED, max_examples=8, stateful_step_count=6))
