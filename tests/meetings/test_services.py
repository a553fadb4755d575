"""A plenary meeting: its agenda built from the tracker, attendance, the outcome of a round
recorded in one step, minutes approved later; the agenda as DOCX and ICS."""

import datetime
import io
import zoneinfo

import pytest
from django.utils import timezone
from docx import Document
from icalendar import Calendar

from apps.core.errors import ApplicationError
from apps.meetings.agenda import agenda_build, agenda_item_add, agenda_item_remove, agenda_order
from apps.meetings.calendar import calendar_of, meeting_event
from apps.meetings.documents import agenda_docx
from apps.meetings.models import AgendaItem, Attendance, Decision
from apps.meetings.selectors import minutes_entries
from apps.meetings.services import (
    attendance_record,
    meeting_schedule,
    minutes_approve,
    minutes_write,
    plenary_outcome_record,
)
from apps.plenary.models import ConsensusRound, Position
from apps.plenary.services import consensus_round_open, position_record
from tests import factories

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
OPENED = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
MEETING_DAY = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)
IN_MEETING = MEETING_DAY + datetime.timedelta(hours=2)


def schedule(cast, **fields):
    values = {
        "actor": cast.secretariat,
        "title": "December 2026 plenary",
        "kind": "plenary",
        "starts_at": MEETING_DAY,
        "ends_at": MEETING_DAY + datetime.timedelta(hours=8),
        "time_zone": "Europe/Paris",
        "place": "Paris, France",
        "host_agency": cast.agencies["ESA"],
    }
    return meeting_schedule(**(values | fields))


def open_round(cast, deliverable=None, meeting=None, deadline=datetime.date(2026, 12, 18)):
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable or cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        meeting=meeting,
        deadline=deadline,
        now=OPENED,
    )


def test_scheduling_keeps_the_hours_in_the_meetings_time_zone(cast):
    meeting = schedule(cast)
    assert meeting.starts_on == datetime.date(2026, 12, 8)
    assert meeting.starts_at == MEETING_DAY
    assert meeting.history.latest().history_change_reason == "Scheduled"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),  # a folder of zones, not one
        ({"time_zone": "localtime"}, "time_zone"),
        ({"time_zone": "posix/Europe/Paris"}, "time_zone"),
        ({"call_link": "https://meet.example.org/" + "a" * 200}, "call_link"),
        ({"ends_at": MEETING_DAY - datetime.timedelta(hours=1)}, "ends_at"),
        ({"starts_at": datetime.datetime(2026, 12, 8, 9, 0)}, "starts_at"),
        ({"call_link": "javascript:alert(1)"}, "call_link"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_meeting_is_refused_naming_the_field(cast, fields, field):
    with pytest.raises(ApplicationError) as refused:
        schedule(cast, **fields)
    assert field in refused.value.extra["fields"]


def test_only_the_secretariat_schedules_and_builds(cast):
    with pytest.raises(ApplicationError) as refused:
        schedule(cast, actor=cast.cochair_twg)
    assert refused.value.code == "forbidden"
    meeting = schedule(cast)
    with pytest.raises(ApplicationError):
        agenda_build(meeting=meeting, actor=cast.delegates["NASA"])
    assert not meeting.agenda_items.exists()


def test_the_agenda_is_built_from_the_tracker_once(cast):
    earlier = schedule(
        cast,
        title="June 2026 plenary",
        starts_at=datetime.datetime(2026, 6, 2, 9, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 6, 2, 17, tzinfo=PARIS),
    )
    meeting = schedule(cast)
    decided_here = open_round(cast, meeting=meeting)
    closing_before = open_round(cast, deadline=datetime.date(2026, 12, 1))
    awaiting = cast.deliverable("submitted")
    overdue = cast.deliverable("drafting", target_date=datetime.date(2026, 9, 30))
    cast.deliverable("withdrawn", target_date=datetime.date(2026, 1, 1))  # final: not overdue
    factories.OutlookItemFactory(year=2027, group=cast.twg, text="Lunar surface studies")

    built = agenda_build(meeting=meeting, actor=cast.secretariat)
    keys = [item.source_key for item in built]
    assert keys[0] == f"minutes:{earlier.pk}"
    assert f"round:{decided_here.pk}" in keys and f"round:{closing_before.pk}" in keys
    assert f"awaiting:{awaiting.pk}" in keys
    assert f"overdue:{overdue.pk}" in keys
    assert "outlook:2027" in keys
    assert [item.position for item in built] == list(range(1, len(built) + 1))
    kinds = {item.source_key: item.kind for item in built}
    assert kinds[f"round:{decided_here.pk}"] == AgendaItem.Kind.ROUND_DECISION
    assert kinds[f"round:{closing_before.pk}"] == AgendaItem.Kind.ROUND_CLOSING
    # A rebuild adds nothing already there, and only what is new, after the rest.
    assert agenda_build(meeting=meeting, actor=cast.secretariat) == []
    newly = cast.deliverable("submitted")
    [added] = agenda_build(meeting=meeting, actor=cast.secretariat)
    assert added.source_key == f"awaiting:{newly.pk}" and added.position == len(built) + 1


def test_the_secretariat_adds_orders_and_removes_items(cast):
    meeting = schedule(cast)
    cast.deliverable("submitted")
    built = agenda_build(meeting=meeting, actor=cast.secretariat)
    free = agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Any other business")
    order = [free.pk] + [item.pk for item in built]
    agenda_order(meeting=meeting, actor=cast.secretariat, item_ids=order)
    assert list(meeting.agenda_items.values_list("pk", flat=True)) == order
    with pytest.raises(ApplicationError) as refused:
        agenda_order(meeting=meeting, actor=cast.secretariat, item_ids=order[:-1])
    assert "exactly once" in refused.value.message
    removed = agenda_item_remove(item=built[0], actor=cast.secretariat, reason="Moved to May")
    assert removed.removed and AgendaItem.objects.filter(pk=removed.pk).exists()
    assert "Moved to May" in removed.history.latest().history_change_reason
    assert agenda_build(meeting=meeting, actor=cast.secretariat) == []  # not added back
    with pytest.raises(ApplicationError):
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Bad\x07title")


def many_agencies(cast, count=28):
    """cast's three and 25 more, each with a delegate: 28 members."""
    joined = datetime.date(2007, 5, 1)
    for number in range(count - 3):
        agency = factories.AgencyFactory(
            acronym=f"AG{number:02d}", country=f"Country {number}", joined_on=joined
        )
        factories.DelegateAppointmentFactory(
            person=factories.UserFactory(username=f"head-{number}"),
            agency=agency,
            starts_on=datetime.date(2020, 1, 1),
        )
    from apps.agencies.models import Agency

    return list(Agency.objects.order_by("acronym"))


def test_the_plenary_outcome_records_every_present_agency_in_one_step(cast):
    agencies = many_agencies(cast)
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    attendance_record(
        meeting=meeting,
        actor=cast.secretariat,
        rows={agency: ("present", f"{agency.acronym} head") for agency in agencies},
        now=IN_MEETING,
    )
    jaxa, nasa = cast.agencies["JAXA"], cast.agencies["NASA"]
    decision = plenary_outcome_record(
        round=round,
        meeting=meeting,
        actor=cast.secretariat,
        exceptions={jaxa: ("abstain", ""), nasa: ("no_objection", "")},
        now=IN_MEETING,
    )
    round.refresh_from_db()
    assert decision.positions_recorded == 28
    positions = Position.objects.filter(round=round)
    assert positions.count() == 28
    assert set(positions.values_list("meeting_id", flat=True)) == {meeting.pk}
    assert all(p.on_behalf and p.recorded_by == cast.secretariat for p in positions)
    assert positions.get(agency=jaxa).position == "abstain"
    assert positions.filter(position="concur").count() == 26
    assert Position.history.filter(round=round).count() == 28  # one history row each
    assert round.state == "closed" and round.outcome == "consensus"
    assert round.history.filter(state="closed").count() == 1  # closed once
    assert decision.statement.startswith("RESOLVED:") and "consensus reached" in decision.statement
    [entry] = minutes_entries(meeting)
    assert entry.decision == decision and len(entry.positions) == 28


def test_agencies_absent_keep_their_say_and_cannot_be_stated_for(cast):
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    esa, jaxa, nasa = (cast.agencies[a] for a in ("ESA", "JAXA", "NASA"))
    attendance_record(
        meeting=meeting,
        actor=cast.secretariat,
        rows={esa: ("present", ""), jaxa: ("present", ""), nasa: ("apologies", "")},
    )
    with pytest.raises(ApplicationError) as refused:
        plenary_outcome_record(
            round=round,
            meeting=meeting,
            actor=cast.secretariat,
            exceptions={nasa: ("object", "Not ready")},
            now=IN_MEETING,
        )
    assert "NASA" in refused.value.message and "own say" in refused.value.message
    assert not Position.objects.filter(round=round).exists()
    decision = plenary_outcome_record(
        round=round, meeting=meeting, actor=cast.secretariat, now=IN_MEETING
    )
    round.refresh_from_db()
    assert decision.positions_recorded == 2 and round.state == "open"
    assert "stays open" in decision.statement
    position_record(
        round=round,
        actor=cast.delegates["NASA"],
        agency=nasa,
        position="concur",
        now=IN_MEETING + datetime.timedelta(days=1),
    )
    round.refresh_from_db()
    assert round.state == "closed"


def test_an_objection_without_rationale_records_nothing(cast):
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    attendance_record(
        meeting=meeting,
        actor=cast.secretariat,
        rows={agency: ("present", "") for agency in cast.agencies.values()},
    )
    with pytest.raises(ApplicationError) as refused:
        plenary_outcome_record(
            round=round,
            meeting=meeting,
            actor=cast.secretariat,
            exceptions={cast.agencies["ESA"]: ("object", "")},
            now=IN_MEETING,
        )
    assert "ESA" in refused.value.message
    assert not Position.objects.filter(round=round).exists()
    assert not Decision.objects.exists()
    decision = plenary_outcome_record(
        round=round,
        meeting=meeting,
        actor=cast.secretariat,
        exceptions={cast.agencies["ESA"]: ("object", "Section 3 misstates our plans")},
        now=IN_MEETING,
    )
    round.refresh_from_db()
    assert round.outcome == ConsensusRound.Outcome.OBJECTED and "objected" in decision.statement
    assert round.objections.get().agency == cast.agencies["ESA"]


def test_the_same_outcome_cannot_be_recorded_twice(cast):
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    attendance_record(
        meeting=meeting, actor=cast.secretariat, rows={cast.agencies["ESA"]: ("present", "")}
    )
    plenary_outcome_record(round=round, meeting=meeting, actor=cast.secretariat, now=IN_MEETING)
    with pytest.raises(ApplicationError) as refused:
        plenary_outcome_record(round=round, meeting=meeting, actor=cast.secretariat, now=IN_MEETING)
    assert "already recorded" in refused.value.message
    assert Position.objects.filter(round=round).count() == 1


def test_attendance_needs_to_be_recorded_and_only_by_the_secretariat(cast):
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    with pytest.raises(ApplicationError) as refused:
        plenary_outcome_record(round=round, meeting=meeting, actor=cast.secretariat)
    assert "attendance" in refused.value.message
    with pytest.raises(ApplicationError):
        attendance_record(
            meeting=meeting,
            actor=cast.delegates["ESA"],
            rows={cast.agencies["ESA"]: ("present", "")},
        )
    with pytest.raises(ApplicationError):
        attendance_record(
            meeting=meeting,
            actor=cast.secretariat,
            rows={cast.agencies["ESA"]: ("sleeping", "")},
        )
    assert not Attendance.objects.exists()
    [row] = attendance_record(
        meeting=meeting, actor=cast.secretariat, rows={cast.agencies["ESA"]: ("present", "A")}
    )
    attendance_record(
        meeting=meeting, actor=cast.secretariat, rows={cast.agencies["ESA"]: ("absent", "")}
    )
    row.refresh_from_db()
    assert row.status == "absent" and row.history.count() == 2


def test_minutes_are_approved_at_a_later_meeting_and_then_frozen(cast):
    december = schedule(cast)
    minutes_write(meeting=december, actor=cast.secretariat, minutes="1. Opening.")
    january = schedule(
        cast,
        title="January 2027 teleconference",
        kind="teleconference",
        starts_at=datetime.datetime(2027, 1, 12, 14, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 1, 12, 16, tzinfo=datetime.UTC),
        time_zone="UTC",
        call_link="https://meet.example.org/isecg",
    )
    with pytest.raises(ApplicationError):
        minutes_approve(meeting=january, at_meeting=december, actor=cast.secretariat)
    [item] = [i for i in agenda_build(meeting=january, actor=cast.secretariat)]
    assert item.kind == AgendaItem.Kind.MINUTES and item.previous_meeting == december
    minutes_approve(meeting=december, at_meeting=january, actor=cast.secretariat)
    december.refresh_from_db()
    assert december.minutes_approved_in == january
    with pytest.raises(ApplicationError) as refused:
        minutes_write(meeting=december, actor=cast.secretariat, minutes="Rewritten")
    assert "approved" in refused.value.message


def test_the_agenda_circulates_as_docx_and_as_a_calendar_event(cast):
    meeting = schedule(cast, title="December plenary \x0b(Paris)")
    cast.deliverable("submitted", title="Gap report on lunar power")
    agenda_build(meeting=meeting, actor=cast.secretariat)
    agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Any other business")
    document = Document(io.BytesIO(agenda_docx(meeting)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Agenda: December plenary" in text and "Paris, France" in text
    assert "Gap report on lunar power" in text and "Any other business" in text
    assert "09:00-17:00 (Europe/Paris)" in text

    ics = calendar_of([meeting_event(meeting)], name="Agenda")
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")
    assert event.decoded("dtstart") == MEETING_DAY
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert "\x0b" not in str(event["summary"])
    assert Calendar.from_ical(ics).walk("VTIMEZONE")  # the zone travels with the event


def test_a_record_meeting_without_hours_is_an_all_day_event(cast):
    from apps.plenary.models import PlenaryMeeting

    meeting = PlenaryMeeting.objects.create(
        title="ISECG plenary, Tokyo",
        kind="plenary",
        starts_on=datetime.date(2024, 5, 14),
        ends_on=datetime.date(2024, 5, 15),
    )
    [event] = Calendar.from_ical(calendar_of([meeting_event(meeting)], name="x")).walk("VEVENT")
    assert event.decoded("dtstart") == datetime.date(2024, 5, 14)
    assert event.decoded("dtend") == datetime.date(2024, 5, 16)
    assert event.decoded("dtstamp") <= timezone.now()


def test_an_agenda_lists_a_page_of_each_kind_and_counts_the_rest(cast, settings):
    from apps.meetings import selectors

    meeting = schedule(cast)
    for _ in range(selectors.ITEMS_PER_KIND + 5):
        cast.deliverable("drafting", target_date=datetime.date(2026, 3, 1))
    built = agenda_build(meeting=meeting, actor=cast.secretariat)
    overdue = [item for item in built if item.kind == AgendaItem.Kind.OVERDUE]
    assert len(overdue) == selectors.ITEMS_PER_KIND + 1
    assert overdue[-1].source_key == "overdue:more" and overdue[-1].title.startswith("5 more")


def test_opening_without_an_acknowledgement_is_refused_when_an_agency_is_unreachable(cast):
    """The default acknowledges nothing: a caller that says nothing is refused."""
    cast.delegates["ESA"].delegate_appointments.update(ends_on=datetime.date(2026, 1, 1))
    with pytest.raises(ApplicationError) as refused:
        consensus_round_open(
            deliverable=cast.deliverable("submitted"),
            actor=cast.secretariat,
            channel="plenary",
            now=OPENED,
        )
    assert refused.value.code == "unreachable_not_acknowledged"
    assert refused.value.extra["unreachable"] == ["ESA"]


def test_an_opening_with_every_agency_reachable_names_no_acknowledgement(cast):
    round = open_round(cast)
    assert "acknowledged" not in round.history.earliest().history_change_reason


def test_a_deadline_outside_the_trackers_dates_is_refused_at_opening(cast):
    with pytest.raises(ApplicationError) as refused:
        open_round(cast, deadline=datetime.date(2300, 1, 1))
    assert "deadline" in refused.value.extra["fields"]


def test_a_stated_position_says_where_and_is_on_behalf_even_of_the_secretariats_own_agency(
    cast,
):
    """The secretariat's person may also be an agency's delegate: a position stated in a
    meeting is still recorded on the agency's behalf, as stated there."""
    esa = cast.agencies["ESA"]
    factories.DelegateAppointmentFactory(
        person=cast.secretariat, agency=esa, starts_on=datetime.date(2020, 1, 1)
    )
    meeting = schedule(cast)
    round = open_round(cast, meeting=meeting)
    attendance_record(meeting=meeting, actor=cast.secretariat, rows={esa: ("present", "")})
    plenary_outcome_record(round=round, meeting=meeting, actor=cast.secretariat, now=IN_MEETING)
    stated = Position.objects.get(round=round, agency=esa)
    assert stated.on_behalf and stated.meeting == meeting
    reason = stated.history.get().history_change_reason
    assert reason == "ESA: concur as stated in December 2026 plenary"
