"""What the meetings pages' tests share: a scheduled meeting, signed-in requests, a decision
recorded at a meeting."""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from apps.meetings.services import attendance_record, meeting_schedule, plenary_outcome_record
from apps.plenary.models import PlenaryMeeting
from apps.plenary.services import consensus_round_open
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAY = timezone.localdate() + datetime.timedelta(days=10)
OTHERS = ("reader", "cochair", "other_cochair", "delegate", "sam")


def schedule(cast, **fields) -> PlenaryMeeting:
    start = datetime.datetime.combine(DAY, datetime.time(9), tzinfo=PARIS)
    values = {
        "actor": cast.secretariat,
        "title": "Winter plenary",
        "kind": "plenary",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=8),
        "time_zone": "Europe/Paris",
        "place": "Paris, France",
        "call_link": "https://meet.example.org/isecg",
        "host_agency": cast.agencies["ESA"],
        "chair": cast.secretariat,
    }
    return meeting_schedule(**(values | fields))


def get(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[-800:]
    return response.content.decode()


def post(client, user, url, data=None, follow=True):
    client.force_login(user)
    return client.post(url, data or {}, follow=follow)


def url(name, meeting, *args) -> str:
    return reverse(f"web:{name}", args=[meeting.pk, *args])


def schedule_start(days: int) -> datetime.datetime:
    return datetime.datetime.combine(
        DAY + datetime.timedelta(days=days), datetime.time(14), tzinfo=datetime.UTC
    )


def decided(cast, meeting, title, exceptions=None, with_revision=False):
    deliverable = cast.deliverable("submitted", title=title)
    if with_revision:
        factories.RevisionFactory(deliverable=deliverable, number=0)
    round = consensus_round_open(
        deliverable=deliverable, actor=cast.secretariat, channel="plenary", meeting=meeting,
        unreachable_acknowledged=True,
    )  # fmt: skip
    return plenary_outcome_record(
        round=round, meeting=meeting, actor=cast.secretariat, exceptions=exceptions
    )


def all_present(cast, meeting, agencies=None):
    attendance_record(
        meeting=meeting,
        actor=cast.secretariat,
        rows={agency: ("present", "") for agency in (agencies or cast.agencies.values())},
    )
