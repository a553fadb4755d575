import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests import factories

from .hostile import Tally


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_throttles(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(cast):
    """One object of every kind, the TWG's where a group owns it, so the SWG co-chair is an
    outsider to every write."""
    today = timezone.localdate()
    meeting = factories.PlenaryMeetingFactory(host_agency=cast.agencies["JAXA"])
    planned = cast.deliverable("planned", title="TWG roadmap")
    submitted = cast.deliverable("submitted", title="TWG white paper")
    in_consensus = cast.deliverable("in_consensus", title="TWG gap report")
    round = factories.ConsensusRoundFactory(
        deliverable=in_consensus,
        opened_by=cast.secretariat,
        opened_on=today,
        deadline=today + datetime.timedelta(days=14),
        meeting=meeting,
    )
    round.eligible_agencies.set(cast.agencies.values())
    position = factories.PositionFactory(
        round=round, agency=cast.agencies["ESA"], recorded_by=cast.delegates["ESA"]
    )
    # Its deadline has passed: the secretariat may close it.
    expired_round = factories.ConsensusRoundFactory(
        deliverable=cast.deliverable("in_consensus", title="TWG database"),
        opened_by=cast.secretariat,
        opened_on=today - datetime.timedelta(days=20),
        deadline=today - datetime.timedelta(days=1),
    )
    expired_round.eligible_agencies.set(cast.agencies.values())
    outlook = factories.OutlookItemFactory(group=cast.twg, year=today.year + 1)
    activity = factories.ActivityFactory(group=cast.twg)
    draft = factories.done_report_draft(requested_by=cast.secretariat)
    return {
        "meeting": meeting,
        "planned": planned,
        "submitted": submitted,
        "in_consensus": in_consensus,
        "round": round,
        "expired_round": expired_round,
        "position": position,
        "outlook": outlook,
        "activity": activity,
        "draft": draft,
        "agency_name": factories.AgencyNameFactory(agency=cast.agencies["JAXA"]),
        "sub_team": factories.SubTeamFactory(group=cast.twg),
        "structural_change": factories.StructuralChangeFactory(),
        "chair": factories.ChairAppointmentFactory(agency=cast.agencies["NASA"]),
        "mandate_version": cast.twg.mandates.get(),
        "account": _disputed_account(cast),
        "narrative": factories.ReportNarrativeFactory(),
        "highlight": factories.ReportHighlightFactory(group=cast.twg),
        "listing": factories.ReportListingFactory(group=cast.swg),
        "revision": factories.RevisionFactory(deliverable=submitted, uploaded_by=cast.cochair_twg),
        "comment": factories.CommentFactory(author=cast.delegates["ESA"]),
        "objection": factories.ObjectionFactory(
            position__round=round,
            position__agency=cast.agencies["NASA"],
            position__recorded_by=cast.delegates["NASA"],
        ),
    }


def _disputed_account(cast):
    """The first of two accounts that disagree on when ESA's chair began (a conflict to settle)."""
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["ESA"], starts_on=None)
    first, _ = (
        factories.AppointmentAccountFactory(chair=chair, date=datetime.date(year, 1, 1))
        for year in (2015, 2016)
    )
    return first


@pytest.fixture
def tally(request):
    """Counts a fuzz test's requests by status; printed (-s) for RELIABILITY.md."""
    counted = Tally()
    yield counted
    print(f"\n{request.node.name}: {counted}")
