"""Every API endpoint runs a fixed number of queries, whatever the size of the data
(tests/record/budgets.py)."""

import pytest

from tests.record.budgets import Page, assert_budgets_hold

pytestmark = pytest.mark.django_db

ENDPOINTS: list[Page] = [
    ("reader", lambda m: "/api/v1/", 3),
    ("reader", lambda m: "/api/v1/agencies/", 5),
    ("reader", lambda m: "/api/v1/working-groups/", 5),
    ("reader", lambda m: "/api/v1/cochair-appointments/", 5),
    ("reader", lambda m: "/api/v1/outlook-items/", 7),
    ("reader", lambda m: "/api/v1/deliverables/", 6),
    ("reader", lambda m: "/api/v1/deliverables/?state=published&search=lunar", 6),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/", 5),
    ("reader", lambda m: f"/api/v1/deliverables/{m.deliverable}/history/", 9),
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
]


def test_every_endpoint_runs_a_fixed_number_of_queries(client, isecg_record):
    assert_budgets_hold(client, ENDPOINTS)
