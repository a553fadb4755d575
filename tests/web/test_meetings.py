"""The meetings pages through HTTP: the list, scheduling, the agenda, attendance, minutes and
the downloads; who may write (a refusal changes nothing) and what a refused form keeps."""

import datetime

import pytest
from django.urls import reverse

from apps.meetings.agenda import agenda_item_add
from apps.meetings.models import AgendaItem, Attendance
from apps.meetings.services import attendance_record
from apps.plenary.models import PlenaryMeeting
from apps.plenary.services import consensus_round_open
from tests import factories

from .meeting_helpers import DAY, OTHERS, PARIS, get, post, schedule, schedule_start, url

pytestmark = pytest.mark.django_db

SCHEDULE = {
    "title": "December plenary",
    "kind": "plenary",
    "day": DAY.isoformat(),
    "starts": "09:00",
    "ends": "17:00",
    "time_zone": "Europe/Paris",
    "place": "Paris, France",
    "call_link": "https://meet.example.org/isecg",
}


class TestList:
    def test_upcoming_first_then_past_and_samples_labelled(self, client, cast):
        schedule(cast, title="Next plenary")
        schedule(cast, title="Demo plenary", is_sample=True)
        factories.PlenaryMeetingFactory(title="Tokyo plenary", starts_on=datetime.date(2024, 5, 14))
        html = get(client, cast.reader, reverse("web:meetings"))
        upcoming, past = html.split('id="past"')
        assert "Next plenary" in upcoming and "Tokyo plenary" in past
        assert 'Demo plenary</a> <span class="badge">sample</span>' in upcoming
        assert "Next plenary</a> <span" not in upcoming
        assert 'href="/meetings/" aria-current="page">Meetings</a>' in html
        assert "Schedule a meeting" not in html
        assert "Schedule a meeting" in get(client, cast.secretariat, reverse("web:meetings"))

    def test_the_records_meetings_show_their_days_as_precisely_as_known(self, client, cast):
        month = factories.PlenaryMeetingFactory(
            title="Spring plenary", starts_on=datetime.date(2019, 5, 1), starts_precision="month"
        )
        factories.PlenaryMeetingFactory(
            title="Tokyo plenary",
            starts_on=datetime.date(2024, 5, 14),
            ends_on=datetime.date(2024, 5, 15),
        )
        html = get(client, cast.reader, reverse("web:meetings"))
        assert '<td data-label="When">May 2019</td>' in html and "1 May 2019" not in html
        assert '<td data-label="When">14 May 2024 to 15 May 2024</td>' in html
        page = get(client, cast.reader, month.get_absolute_url())
        assert "<dd>May 2019" in page and "1 May 2019" not in page


class TestSchedule:
    def test_the_secretariat_schedules_a_meeting_in_its_own_time_zone(self, client, cast):
        host = cast.agencies["ESA"]
        data = SCHEDULE | {"host_agency": host.pk, "chair": cast.secretariat.pk}
        response = post(client, cast.secretariat, reverse("web:meeting-new"), data)
        meeting = PlenaryMeeting.objects.get(title="December plenary")
        assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
        assert meeting.starts_at == datetime.datetime.combine(DAY, datetime.time(9), tzinfo=PARIS)
        assert (meeting.time_zone, meeting.host_agency, meeting.chair) == (
            "Europe/Paris", host, cast.secretariat,
        )  # fmt: skip
        html = response.content.decode()
        assert "December plenary is scheduled" in html
        assert f"{DAY.day} {DAY:%B %Y}, 09:00-17:00 (Europe/Paris)" in html
        utc = datetime.datetime.combine(DAY, datetime.time(9), tzinfo=PARIS).astimezone(
            datetime.UTC
        )
        assert f"{utc:%H:%M}-{utc.hour + 8:02d}:00 UTC" in html
        assert 'href="https://meet.example.org/isecg"' in html and "Paris, France" in html

    @pytest.mark.parametrize(
        ("change", "said"),
        [
            ({"time_zone": "Mars/Olympus"}, "Unknown time zone &#x27;Mars/Olympus&#x27;"),
            ({"time_zone": "Europe"}, "is a region, not a time zone"),
            ({"ends": "08:00"}, "A meeting must end after it starts."),
            ({"call_link": "javascript:alert(1)"}, "Give the call&#x27;s full address"),
            ({"title": "x" * 201}, "at most 200 characters"),
            ({"day": "9999-12-31"}, "outside the dates the tracker holds"),
        ],
    )
    def test_a_refusal_is_shown_with_what_was_typed(self, client, cast, change, said):
        response = post(client, cast.secretariat, reverse("web:meeting-new"), SCHEDULE | change)
        html = response.content.decode()
        assert response.status_code == 400 and said in html
        assert 'value="Paris, France"' in html  # what was typed is kept
        assert not PlenaryMeeting.objects.exists()

    @pytest.mark.parametrize("role", OTHERS)
    def test_only_the_secretariat_may_open_or_send_the_form(self, client, cast, role):
        get(client, cast.by_role(role), reverse("web:meeting-new"), status=403)
        response = post(client, cast.by_role(role), reverse("web:meeting-new"), SCHEDULE)
        assert response.status_code == 403 and not PlenaryMeeting.objects.exists()


class TestMeetingPage:
    def test_the_facts_and_the_sample_banner(self, client, cast):
        meeting = schedule(cast, is_sample=True)
        html = get(client, cast.reader, meeting.get_absolute_url())
        assert "A sample meeting of the demonstration" in html
        assert "European Space Agency" in html or "ESA" in html
        assert "Secretariat" in html  # the chair
        assert url("meeting-agenda-docx", meeting) in html
        assert url("meeting-agenda-ics", meeting) in html

    def test_a_reader_sees_everything_and_no_form(self, client, cast):
        meeting = schedule(cast)
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Any other business")
        attendance_record(
            meeting=meeting,
            actor=cast.secretariat,
            rows={cast.agencies["ESA"]: ("present", "J. Doe")},
        )
        html = get(client, cast.reader, meeting.get_absolute_url())
        assert "Any other business" in html and "J. Doe" in html
        assert html.count('method="post"') == 1  # signing out
        secretariat = get(client, cast.secretariat, meeting.get_absolute_url())
        controls = ("Build the agenda from the tracker", "Add the item", "Record the attendance",
                    "Save the minutes", "Approve the minutes", "Take it off")  # fmt: skip
        for control in controls:
            assert control not in html and control in secretariat


def snapshot(meeting) -> tuple:
    meeting.refresh_from_db()
    return (
        list(AgendaItem.history.values_list("history_id", flat=True)),
        list(Attendance.history.values_list("history_id", flat=True)),
        PlenaryMeeting.history.count(),
        meeting.minutes,
        meeting.minutes_approved_in_id,
    )


@pytest.mark.parametrize("role", OTHERS)
def test_forged_posts_of_every_other_role_are_refused_and_change_nothing(client, cast, role):
    meeting = schedule(cast)
    later = schedule(cast, title="Spring plenary", starts_at=schedule_start(60),
                     ends_at=schedule_start(60) + datetime.timedelta(hours=2))  # fmt: skip
    first = agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Opening")
    second = agenda_item_add(meeting=meeting, actor=cast.secretariat, title="AOB")
    cast.deliverable("submitted")
    before = snapshot(meeting)
    esa = cast.agencies["ESA"]
    forged = [
        (url("meeting-agenda-build", meeting), {}),
        (url("meeting-agenda-add", meeting), {"title": "Forged"}),
        (url("meeting-agenda-move", meeting, second.pk),
         {"direction": "up", "order": f"{first.pk},{second.pk}"}),
        (url("meeting-agenda-take-off", meeting, first.pk), {"reason": "Forged"}),
        (url("meeting-attendance", meeting), {f"a{esa.pk}-status": "absent"}),
        (url("meeting-minutes", meeting), {"minutes": "Forged"}),
        (url("meeting-minutes-approve", meeting), {"at_meeting": later.pk}),
    ]  # fmt: skip
    for action, data in forged:
        response = post(client, cast.by_role(role), action, data)
        assert response.status_code == 403, action
        assert "Only the secretariat may" in response.content.decode()
    assert snapshot(meeting) == before


class TestAgenda:
    def test_built_from_the_tracker_in_order_with_links(self, client, cast):
        before = schedule(cast, title="Autumn plenary", starts_at=schedule_start(-40),
                          ends_at=schedule_start(-40) + datetime.timedelta(hours=3))  # fmt: skip
        meeting = schedule(cast)
        submitted = cast.deliverable("submitted", title="Lunar power gap report")
        round = consensus_round_open(
            deliverable=cast.deliverable("submitted", title="GER supplement"),
            actor=cast.secretariat, channel="plenary", meeting=meeting,
            unreachable_acknowledged=True,
        )  # fmt: skip
        response = post(client, cast.secretariat, url("meeting-agenda-build", meeting))
        html = response.content.decode()
        assert "3 items added to the agenda from the tracker" in html
        minutes, deciding, awaiting = (
            html.index("Approval of the minutes of Autumn plenary"),
            html.index("Consensus on GER supplement"),
            html.index("Lunar power gap report (TWG): submitted"),
        )
        assert minutes < deciding < awaiting
        assert f'href="{before.get_absolute_url()}"' in html
        assert f'href="{round.get_absolute_url()}"' in html
        assert f'href="{submitted.get_absolute_url()}"' in html
        assert "consensus to be decided at this meeting" in html
        again = post(client, cast.secretariat, url("meeting-agenda-build", meeting))
        assert "already has every item the tracker proposes" in again.content.decode()
        assert meeting.agenda_items.count() == 3

    def test_add_move_and_remove(self, client, cast):
        meeting = schedule(cast)
        response = post(client, cast.secretariat, url("meeting-agenda-add", meeting),
                        {"title": "Opening", "note": "By the chair"})  # fmt: skip
        assert "“Opening” added as item 1." in response.content.decode()
        post(client, cast.secretariat, url("meeting-agenda-add", meeting), {"title": "AOB"})
        opening, aob = meeting.agenda_items.order_by("position")
        order = f"{opening.pk},{aob.pk}"
        response = post(client, cast.secretariat, url("meeting-agenda-move", meeting, aob.pk),
                        {"direction": "up", "order": order})  # fmt: skip
        assert "Agenda reordered." in response.content.decode()
        assert list(meeting.agenda_items.values_list("title", flat=True)) == ["AOB", "Opening"]
        # A second person moving from the page they loaded before: refused, nothing moves.
        response = post(client, cast.secretariat, url("meeting-agenda-move", meeting, opening.pk),
                        {"direction": "down", "order": order})  # fmt: skip
        assert "The agenda changed since you loaded the page" in response.content.decode()
        assert list(meeting.agenda_items.values_list("title", flat=True)) == ["AOB", "Opening"]
        response = post(client, cast.secretariat, url("meeting-agenda-move", meeting, aob.pk),
                        {"direction": "up", "order": f"{aob.pk},{opening.pk}"})  # fmt: skip
        assert "already first" in response.content.decode()

        response = post(client, cast.secretariat, url("meeting-agenda-take-off", meeting, aob.pk),
                        {"reason": ""})  # fmt: skip
        assert response.status_code == 400 and "This field is required" in response.content.decode()
        response = post(client, cast.secretariat, url("meeting-agenda-take-off", meeting, aob.pk),
                        {"reason": "Covered under item 1"})  # fmt: skip
        html = response.content.decode()
        assert "“AOB” taken off the agenda." in html and "Agenda (1 item)" in html
        aob.refresh_from_db()
        assert aob.removed and "Covered under item 1" in aob.history.latest().history_change_reason
        assert get(client, cast.reader, meeting.get_absolute_url()).count('<li id="item-') == 1

    @pytest.mark.parametrize(
        ("data", "said"),
        [
            ({"title": "Bad\x07title"}, "The title holds control characters"),
            ({"title": "x" * 301}, "at most 300 characters"),
            ({"title": "Fine", "note": "Bell\x07"}, "The note holds control characters"),
        ],
    )
    def test_a_refused_item_shows_why_with_what_was_typed(self, client, cast, data, said):
        meeting = schedule(cast)
        response = post(client, cast.secretariat, url("meeting-agenda-add", meeting), data)
        html = response.content.decode()
        assert response.status_code == 400 and said in html
        assert '<details class="move" open><summary>Add an item' in html
        assert not meeting.agenda_items.exists()
