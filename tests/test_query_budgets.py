"""Every page and API endpoint runs a fixed number of queries, whatever the size of the data.

Each one is read twice: over the record with a little synthetic data, then after adding ten
times as much... , deliverables, histories, rounds and positions). The count must not
move, and must stay within the budget declared here, so an N+1 cannot land silently.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import demo_accounts_ensure
from apps.core.scale import scale_data_generate
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from apps.reports.services import report_draft_request
from tests.factories import DeliverableFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Landmarks:
    """The objects each page is read for, chosen alike at both sizes."""

    deliverable: int  # a published deliverable with the longest history
    round: int  # the closed round with the most positions
    open_round: int
    group: int  # the group leading the most deliverables
    draft: int


def landmarks(draft: int) -> Landmarks:
    deliverable = (
        Deliverable.objects.filter(state="published", consensus_rounds__isnull=False)
        .annotate(n=Count("consensus_rounds", distinct=True))
        .filter(n=1)
        .order_by("-version", "pk")
        .first()
    )
    busiest = (
        ConsensusRound.objects.filter(state="closed")
        .annotate(n=Count("positions"))
        .order_by("-n", "pk")
        .first()
    )
    group = WorkingGroup.objects.annotate(n=Count("led_deliverables")).order_by("-n").first()
    open_round = ConsensusRound.objects.filter(state="open").order_by("pk").first()
    return Landmarks(deliverable.pk, busiest.pk, open_round.pk, group.pk, draft)


# (role, path, budget): the budget is the most queries the page may run.
PAGES: list[tuple[str, Callable[[Landmarks], str], int]] = [
    ("secretariat", lambda m: "/", 14),
    ("cochair-twg", lambda m: "/", 14),
    ("delegate-nasa", lambda m: "/", 10),
    ("reader", lambda m: "/", 6),
    ("reader", lambda m: "/deliverables/", 6),
    ("reader", lambda m: "/deliverables/?state=drafting&sort=target", 6),
    ("reader", lambda m: "/deliverables/?q=lunar", 6),
    ("reader", lambda m: "/deliverables/?page=2", 6),
    ("reader", lambda m: "/deliverables/export.csv?state=published", 4),
    ("reader", lambda m: f"/deliverables/{m.deliverable}/", 15),
    ("reader", lambda m: f"/deliverables/{m.deliverable}/?history_page=2", 15),
    ("cochair-twg", lambda m: f"/deliverables/{m.deliverable}/", 16),
    ("secretariat", lambda m: f"/rounds/{m.round}/", 10),
    ("delegate-nasa", lambda m: f"/rounds/{m.open_round}/", 12),
    ("reader", lambda m: "/groups/", 6),
    ("reader", lambda m: f"/groups/{m.group}/", 12),
    ("reader", lambda m: "/agencies/", 6),
    ("reader", lambda m: "/overview/?year=2025", 6),
    ("secretariat", lambda m: "/reports/", 6),
    ("secretariat", lambda m: f"/reports/{m.draft}/", 6),
    ("reader", lambda m: "/feed/atom/", 5),
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
    ("reader", lambda m: "/api/v1/activities/", 6),
    ("reader", lambda m: "/api/v1/meetings/", 5),
    ("reader", lambda m: "/api/v1/consensus-rounds/", 5),
    ("reader", lambda m: f"/api/v1/consensus-rounds/{m.round}/", 9),
    ("reader", lambda m: f"/api/v1/consensus-rounds/{m.round}/positions/", 6),
    ("secretariat", lambda m: "/api/v1/report-drafts/", 5),
    ("secretariat", lambda m: f"/api/v1/report-drafts/{m.draft}/", 5),
]


def measure(client, users, marks: Landmarks) -> dict[tuple[str, str], int]:
    counts = {}
    for role, path_of, _ in PAGES:
        client.force_login(users[role])
        path = path_of(marks)
        client.get(path)  # warm the session and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        counts[role, path] = len(queries)
    return counts


def test_every_page_and_endpoint_runs_a_fixed_number_of_queries(
    client, isecg_record, django_user_model
):
    demo_accounts_ensure(password="a demo password for tests")
    users = {user.username: user for user in django_user_model.objects.all()}
    scale_data_generate(scale=0.3, seed=1)
    twg = WorkingGroup.objects.get(acronym="TWG", status="active")
    submitted = DeliverableFactory(state="submitted", lead_group=twg)
    consensus_round_open(deliverable=submitted, actor=users["secretariat"], channel="plenary")
    draft = report_draft_request(year=2025, actor=users["secretariat"])
    small = measure(client, users, landmarks(draft.pk))

    scale_data_generate(scale=1.2, seed=2)
    assert Deliverable.objects.count() > 4 * 60
    large_marks = landmarks(draft.pk)
    # The page that shows a history must not grow with it: this one has pages of it.
    assert Deliverable.history.filter(id=large_marks.deliverable).count() > 4 * 25
    large = measure(client, users, large_marks)

    moved = {
        f"{role} {large_key[1]}": (small[small_key], large[large_key])
        for (role, _, _), small_key, large_key in zip(PAGES, small, large, strict=True)
        if small[small_key] != large[large_key]
    }
    over = {
        f"{role} {key[1]}": (large[key], budget)
        for (role, _, budget), key in zip(PAGES, large, strict=True)
        if large[key] > budget
    }
    assert not moved, f"query counts that grew with the data (small, ten times as much): {moved}"
    assert not over, f"pages over their budget (queries, budget): {over}"
