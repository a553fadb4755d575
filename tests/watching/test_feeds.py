"""The private feeds as a feed reader and a calendar read them: an address made once and shown
once, valid Atom and iCalendar back, stable ids, and an address that stops answering the moment
it is revoked or replaced. A secret opens its one feed and nothing else."""

import datetime
import re
import zoneinfo
from xml.etree import ElementTree

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.api.services import api_token_create
from apps.deliverables.services import deliverable_transition
from apps.watching.feed_addresses import feed_address_issue, feed_address_revoke
from apps.watching.models import FeedAddress, feed_digest_of
from apps.watching.services import watch_start
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_path(secret):
    return reverse("web:feed-watched", args=[secret])


def ics_path(secret):
    return reverse("web:feed-calendar", args=[secret])


def read_ics(secret) -> Calendar:
    response = Client().get(ics_path(secret))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def events_by_uid(calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def world(cast):
    today = timezone.localdate()
    submitted = cast.deliverable("submitted", title="Lunar gap report")
    round = factories.ConsensusRoundFactory(
        deliverable=cast.deliverable("in_consensus", title="Mars roadmap"),
        opened_by=cast.secretariat,
        opened_on=today,
        deadline=today + datetime.timedelta(days=10),
    )
    closed = factories.ConsensusRoundFactory(
        opened_by=cast.secretariat,
        opened_on=today,
        deadline=today,
        state="closed",
        outcome="consensus",
        closed_at=timezone.now(),
    )
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    timed = factories.PlenaryMeetingFactory(
        title="Autumn plenary",
        starts_on=datetime.date(today.year + 1, 3, 4),
        starts_at=datetime.datetime(today.year + 1, 3, 4, 9, 30, tzinfo=paris),
        ends_at=datetime.datetime(today.year + 1, 3, 4, 17, 0, tzinfo=paris),
        time_zone="Europe/Paris",
        place="ESA HQ, Paris",
        call_link="https://meet.example.org/isecg",
    )
    dated = factories.PlenaryMeetingFactory(
        title="Teleconference", starts_on=today + datetime.timedelta(days=5), place=""
    )
    target = cast.deliverable("drafting", title="TWG white paper", target_date=today.replace(day=1))
    month = cast.deliverable(
        "drafting", title="TWG database", target_date=today.replace(day=1), target_precision="month"
    )
    vague = cast.deliverable(
        "drafting", title="TWG plan", target_date=today.replace(day=1), target_precision="year"
    )
    elsewhere = cast.deliverable(
        "drafting", lead_group=cast.swg, title="SWG report", target_date=today
    )
    return {
        "submitted": submitted, "round": round, "closed": closed, "timed": timed,
        "dated": dated, "target": target, "month": month, "vague": vague, "elsewhere": elsewhere,
    }  # fmt: skip


def test_the_calendar_holds_deadlines_meetings_and_the_groups_targets(cast, world):
    secret = feed_address_issue(actor=cast.cochair_twg, kind="calendar").secret
    events = events_by_uid(read_ics(secret))
    host = "127.0.0.1"
    round, timed = world["round"], world["timed"]
    deadline = events[f"round-{round.pk}-deadline@{host}"]
    assert deadline["DTSTART"].dt == round.deadline  # an all-day event: a date, not a time
    assert deadline["DTEND"].dt == round.deadline + datetime.timedelta(days=1)
    assert "Mars roadmap" in str(deadline["SUMMARY"])
    assert str(deadline["URL"]).endswith(round.get_absolute_url())
    assert f"round-{world['closed'].pk}-deadline@{host}" not in events  # only open rounds

    meeting = events[f"meeting-{timed.pk}@{host}"]
    assert meeting["DTSTART"].params["TZID"] == "Europe/Paris"
    assert meeting["DTSTART"].dt.hour == 9 and meeting["DTSTART"].dt.minute == 30
    assert meeting["DTEND"].dt.hour == 17
    assert str(meeting["LOCATION"]) == "ESA HQ, Paris, https://meet.example.org/isecg"
    assert "https://meet.example.org/isecg" in str(meeting["DESCRIPTION"])
    dated = events[f"meeting-{world['dated'].pk}@{host}"]
    assert dated["DTSTART"].dt == world["dated"].starts_on
    assert not isinstance(dated["DTSTART"].dt, datetime.datetime)

    target = events[f"deliverable-{world['target'].pk}-target@{host}"]
    assert target["DTSTART"].dt == world["target"].target_date
    month = events[f"deliverable-{world['month'].pk}-target@{host}"]
    assert month["DTSTART"].dt.day == 1 and (month["DTEND"].dt - month["DTSTART"].dt).days >= 28
    assert f"deliverable-{world['vague'].pk}-target@{host}" not in events  # a year: too vague
    assert f"deliverable-{world['elsewhere'].pk}-target@{host}" not in events  # not their group
    for event in events.values():
        assert event.get("DTSTAMP") and event.get("SUMMARY") and event.get("URL")
    calendar = read_ics(secret)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert set(events_by_uid(calendar)) == set(events)  # the same UIDs every time it is read


def test_a_watched_group_puts_its_targets_in_the_calendar(cast, world):
    watch_start(actor=cast.reader, target=cast.swg, level="all", digest=False)
    secret = feed_address_issue(actor=cast.reader, kind="calendar").secret
    uids = set(events_by_uid(read_ics(secret)))
    assert f"deliverable-{world['elsewhere'].pk}-target@127.0.0.1" in uids
    assert f"deliverable-{world['target'].pk}-target@127.0.0.1" not in uids


def test_the_watched_feed_is_valid_atom_of_the_persons_notifications(cast):
    deliverable = cast.deliverable("planned", title="Lunar gap report")
    watch_start(actor=cast.reader, target=deliverable, level="all", digest=False)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
    )
    secret = feed_address_issue(actor=cast.reader, kind="atom").secret
    response = Client().get(atom_path(secret))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    [entry] = parsed.entries
    assert "Lunar gap report" in entry.title
    assert entry.id.startswith("tag:127.0.0.1,2024:notification/")
    assert entry.link.endswith(deliverable.get_absolute_url())
    assert entry.get("updated_parsed")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (the app's own feed)
    assert root.find(f"{ATOM}id").text == f"tag:127.0.0.1,2024:feed/watched/{cast.reader.pk}"
    assert root.find(f"{ATOM}author/{ATOM}name").text


def test_control_characters_in_a_title_break_neither_feed(cast, world):
    title = "Gap\x0breport\x01\x7f with \x1b[31m escapes"
    deliverable = cast.deliverable("planned", title=title, target_date=timezone.localdate())
    factories.ConsensusRoundFactory(
        deliverable=cast.deliverable("in_consensus", title=title),
        opened_by=cast.secretariat,
        opened_on=timezone.localdate(),
        deadline=timezone.localdate(),
    )
    watch_start(actor=cast.cochair_twg, target=deliverable, level="all", digest=False)
    deliverable_transition(
        deliverable=deliverable, actor=cast.secretariat, to="drafting", reason="Go"
    )

    atom = Client().get(atom_path(feed_address_issue(actor=cast.cochair_twg, kind="atom").secret))
    parsed = feedparser.parse(atom.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert "report with" in parsed.entries[0].title.replace("\n", " ")

    ics = Client().get(ics_path(feed_address_issue(actor=cast.cochair_twg, kind="calendar").secret))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", ics.content)
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")]
    assert any("report" in s and "escapes" in s for s in summaries)


def test_a_revoked_or_replaced_address_answers_not_found_at_once(cast):
    first = feed_address_issue(actor=cast.reader, kind="atom").secret
    assert Client().get(atom_path(first)).status_code == 200
    second = feed_address_issue(actor=cast.reader, kind="atom").secret  # rotate
    assert second != first
    assert Client().get(atom_path(first)).status_code == 404
    assert Client().get(atom_path(second)).status_code == 200
    assert feed_address_revoke(actor=cast.reader, kind="atom") == 1
    assert Client().get(atom_path(second)).status_code == 404
    assert FeedAddress.objects.filter(user=cast.reader).count() == 2  # kept, revoked


def test_the_stored_digest_is_not_the_address(cast):
    issued = feed_address_issue(actor=cast.reader, kind="calendar")
    stored = FeedAddress.objects.get(pk=issued.address.pk).digest
    assert stored == feed_digest_of(issued.secret) and issued.secret not in stored
    assert Client().get(ics_path(stored)).status_code == 404
    assert Client().get(ics_path("isecg_feed_" + stored)).status_code == 404


def test_a_secret_opens_its_one_feed_and_nothing_else(cast):
    atom = feed_address_issue(actor=cast.reader, kind="atom").secret
    assert Client().get(ics_path(atom)).status_code == 404  # another kind
    api = Client().get("/api/v1/deliverables/", HTTP_AUTHORIZATION=f"Token {atom}")
    assert api.status_code == 401  # a feed secret is no API token
    assert Client().get(f"{reverse('web:feed')}?token={atom}").status_code == 401
    api_secret = api_token_create(actor=cast.reader, name="reader", scope="read").secret
    assert Client().get(atom_path(api_secret)).status_code == 404  # nor the other way round


def test_a_deactivated_account_has_no_feed(cast):
    secret = feed_address_issue(actor=cast.reader, kind="atom").secret
    cast.reader.is_active = False
    cast.reader.save()
    assert Client().get(atom_path(secret)).status_code == 404


def test_the_feeds_page_shows_a_new_address_once_with_its_webcal_link(cast):
    client = Client()
    client.force_login(cast.reader)
    response = client.post(reverse("web:feed-addresses"), {"kind": "calendar", "action": "issue"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    [url] = re.findall(r'value="(http[^"]+/calendar\.ics)"', page)
    assert f'href="webcal://{url.split("://", 1)[1]}"' in page
    path = url.split("127.0.0.1:8000", 1)[1]
    assert Client().get(path).status_code == 200
    again = client.get(reverse("web:feed-addresses")).content.decode()
    assert path not in again and "An address is live since" in again  # shown once

    client.post(reverse("web:feed-addresses"), {"kind": "calendar", "action": "revoke"})
    assert Client().get(path).status_code == 404
    assert "No address yet" in client.get(reverse("web:feed-addresses")).content.decode()


def test_the_feeds_page_refuses_a_post_without_csrf(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.reader)
    response = client.post(reverse("web:feed-addresses"), {"kind": "atom", "action": "issue"})
    assert response.status_code == 403
    assert not FeedAddress.objects.exists()


def test_an_over_long_or_strange_token_is_not_found(cast):
    for token in ("x" * 5000, "isecg_feed_" + "a" * 200, "..", "%00"):
        assert Client().get(f"/feeds/{token}/watched.atom").status_code == 404


def test_request_logs_never_hold_a_feed_secret(cast):
    from apps.api.authentication import redacted

    secret = feed_address_issue(actor=cast.reader, kind="calendar").secret
    line = f'"GET {ics_path(secret)} HTTP/1.1" 200 512'
    assert secret not in redacted(line)
    assert secret[len("isecg_") :] not in redacted(line)
