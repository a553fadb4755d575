"""Query budgets: a page runs a fixed number of queries, whatever the size of the record.

Each page is read twice: over the record with a little synthetic data (scale.py), then after
adding four times as much (deliverables, histories, rounds and positions). The count must not
move, and must stay within the page's budget, so an N+1 cannot land silently. The web pages
(tests/web) and the API endpoints (tests/api) each declare their pages and budgets.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import demo_accounts_ensure
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from apps.record.scale import scale_data_generate
from apps.reports.services import report_draft_request
from tests.factories import DeliverableFactory


@dataclass(frozen=True)
class Landmarks:
    """The objects each page is read for, chosen alike at both sizes."""

    deliverable: int  # a published deliverable with the longest history
    round: int  # the closed round with the most positions
    open_round: int
    group: int  # the group leading the most deliverables
    draft: int


# (role, path, budget): the budget is the most queries the page may run.
Page = tuple[str, Callable[[Landmarks], str], int]


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


def measure(client, users, pages: list[Page], marks: Landmarks) -> dict[tuple[str, str], int]:
    counts = {}
    for role, path_of, _ in pages:
        client.force_login(users[role])
        path = path_of(marks)
        client.get(path)  # warm the session and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        counts[role, path] = len(queries)
    return counts


def assert_budgets_hold(client, pages: list[Page]) -> None:
    """Over the loaded record (the isecg_record fixture): read `pages` at two sizes."""
    demo_accounts_ensure(password="a demo password for tests")
    users = {user.username: user for user in get_user_model().objects.all()}
    scale_data_generate(scale=0.3, seed=1)
    twg = WorkingGroup.objects.get(acronym="TWG", status="active")
    submitted = DeliverableFactory(state="submitted", lead_group=twg)
    consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=submitted,
        actor=users["secretariat"],
        channel="plenary",
    )
    draft = report_draft_request(year=2025, actor=users["secretariat"])
    small = measure(client, users, pages, landmarks(draft.pk))

    scale_data_generate(scale=1.2, seed=2)
    assert Deliverable.objects.count() > 4 * 60
    large_marks = landmarks(draft.pk)
    # The page that shows a history must not grow with it: this one has pages of it.
    assert Deliverable.history.filter(id=large_marks.deliverable).count() > 4 * 25
    large = measure(client, users, pages, large_marks)

    moved = {
        f"{role} {large_key[1]}": (small[small_key], large[large_key])
        for (role, _, _), small_key, large_key in zip(pages, small, large, strict=True)
        if small[small_key] != large[large_key]
    }
    over = {
        f"{role} {key[1]}": (large[key], budget)
        for (role, _, budget), key in zip(pages, large, strict=True)
        if large[key] > budget
    }
    assert not moved, f"query counts that grew with the data (small, five times as much): {moved}"
    assert not over, f"pages over their budget (queries, budget): {over}"
