"""Every API endpoint runs a fixed number of queries, whatever the size of the data
(tests/record/budgets.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.record.budgets import Page, assert_budgets_hold

pytestmark = pytest.mark.django_db

ENDPOINTS: list[Page] = [
    ("reader", lambda m: "/api/v1/", 3),
    # The reader's roles are read once per request: the secretariat's notes are shown to it only.
    ("reader", lambda m: "/api/v1/agencies/", 6),
    ("reader", lambda m: "/api/v1/working-groups/", 6),  # and every mandate version
    ("reader", lambda m: "/api/v1/appointment-accounts/", 5),
    ("reader", lambda m: "/api/v1/cochair-appointments/", 5),
    ("reader", lambda m: "/api/v1/outlook-items/", 7),
    ("reader", lambda m: "/api/v1/deliverables/", 6),
    ("reader", lambda m: "/api/v1/deliverables/?state=published&search=lunar", 6),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/", 5),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/history/", 10),  # roles, as above
    ("cochair-twg", lambda m: f"/api/v1/deliverables/{m.deliverable}/transitions/", 8),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/consensus-rounds/", 6),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/revisions/", 5),
    ("reader", lambda m: "/api/v1/activities/", 6),
    ("reader", lambda m: "/api/v1/meetings/", 5),
    ("reader", lambda m: "/api/v1/consensus-rounds/", 5),
    ("reader", lambda m: f"/api/v1/consensus-rounds/{m.round}/", 9),
    ("reader", lambda m: f"/api/v1/consensus-rounds/{m.round}/positions/", 6),
    ("secretariat", lambda m: "/api/v1/report-drafts/", 5),
    ("secretariat", lambda m: f"/api/v1/report-drafts/{m.draft}/", 5),
    ("reader", lambda m: "/api/v1/report-summaries/2025/", 3),
    ("reader", lambda m: "/api/v1/report-summaries/2025/history/", 3),
]


def test_every_endpoint_runs_a_fixed_number_of_queries(client, isecg_record):
    assert_budgets_hold(client, ENDPOINTS)


# The record holds no comments nor objections: these lists are measured over ones made here,
# with one item, then with many (and replies, and answered items).
COMMENTS_BUDGET = 6
OBJECTIONS_BUDGET = 5


def _queries(client, path: str) -> int:
    client.get(path)  # warm the session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def test_the_comment_and_objection_lists_run_a_fixed_number_of_queries(client, cast):
    client.force_login(cast.reader)
    revision = factories.RevisionFactory(deliverable=cast.deliverable("wg_review"), number=0)
    round = factories.ConsensusRoundFactory(deliverable=revision.deliverable)
    comments = f"/api/v1/deliverables/{revision.deliverable_id}/revisions/0/comments/"
    objections = f"/api/v1/consensus-rounds/{round.pk}/objections/"
    first = factories.CommentFactory(revision=revision)
    factories.ObjectionFactory(position__round=round, position__agency=cast.agencies["ESA"])
    small = (_queries(client, comments), _queries(client, objections))

    for n in range(8):
        factories.CommentFactory(revision=revision, parent=first if n % 2 else None)
    factories.ObjectionFactory(
        position__round=round, position__agency=cast.agencies["NASA"], status="resolved",
        resolved_in=revision, decided_by=cast.cochair_twg, decided_at=timezone.now(),
    )  # fmt: skip
    factories.ObjectionFactory(position__round=round, position__agency=cast.agencies["JAXA"])
    large = (_queries(client, comments), _queries(client, objections))

    assert small == large, f"query counts that grew with the data: {small} -> {large}"
    assert large[0] <= COMMENTS_BUDGET and large[1] <= OBJECTIONS_BUDGET, large
