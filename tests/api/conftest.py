import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.services import api_token_create
from tests import factories

ROLES = ("secretariat", "sam", "reader", "cochair", "other_cochair", "delegate")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report drafts are written under a throw-away MEDIA_ROOT, never into the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for():
    """An API client that authenticates as `user` with their token, as a script would."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            issued = api_token_create(actor=user, name="tests", scope="read_write")
            client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
        return client

    return make


@pytest.fixture
def as_role(cast, client_for):
    def make(role: str) -> APIClient:
        return client_for(cast.by_role(role))

    return make


@pytest.fixture
def record(cast):
    """A little of everything, so every endpoint has something to show."""
    meeting = factories.PlenaryMeetingFactory(
        title="ISECG Plenary, Tokyo", host_agency=cast.agencies["JAXA"]
    )
    roadmap = cast.deliverable(
        "drafting",
        title="Global Exploration Roadmap",
        kind="roadmap",
        target_date=datetime.date(2026, 6, 1),
        rag="green",
    )
    roadmap.contributing_groups.add(cast.swg)
    gap = cast.deliverable(
        "published",
        title="Gap assessment report",
        lead_group=cast.swg,
        published_on=datetime.date(2025, 3, 1),
        link="https://www.globalspaceexploration.org/gap",
    )
    activity = factories.ActivityFactory(title="GLEX 2025 paper", group=cast.twg)
    activity.deliverables.add(roadmap)
    outlook = factories.OutlookItemFactory(group=cast.twg, year=2026)
    outlook.planned_deliverables.add(roadmap)
    priorities = factories.OutlookItemFactory(group=None, year=2026, text="ISECG priorities")
    submitted = cast.deliverable("in_consensus", title="Lunar white paper", kind="white_paper")
    round = factories.ConsensusRoundFactory(
        deliverable=submitted,
        opened_by=cast.secretariat,
        opened_on=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        meeting=meeting,
    )
    round.eligible_agencies.set(cast.agencies.values())
    factories.PositionFactory(
        round=round, agency=cast.agencies["ESA"], recorded_by=cast.delegates["ESA"]
    )
    draft = factories.done_report_draft(requested_by=cast.secretariat)
    return {
        "meeting": meeting,
        "roadmap": roadmap,
        "gap": gap,
        "activity": activity,
        "outlook": outlook,
        "priorities": priorities,
        "round": round,
        "appointment": cast.cochair_twg.cochair_appointments.get(),
        "draft": draft,
    }
