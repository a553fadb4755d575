"""A meeting's page through HTTP, continued: the attendance form, the minutes (decisions, text,
approval), the agenda's downloads, and the page's query budget."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from icalendar import Calendar

from apps.meetings.agenda import agenda_item_add
from tests import factories

from .meeting_helpers import all_present, decided, get, post, schedule, schedule_start, url

pytestmark = pytest.mark.django_db


class TestAttendance:
    def test_one_form_records_the_rows_given(self, client, cast):
        meeting = schedule(cast)
        esa, jaxa, nasa = (cast.agencies[a] for a in ("ESA", "JAXA", "NASA"))
        html = get(client, cast.secretariat, meeting.get_absolute_url())
        for agency in (esa, jaxa, nasa):
            assert f'name="a{agency.pk}-status"' in html
        data = {
            f"a{esa.pk}-status": "present", f"a{esa.pk}-represented_by": "J. Doe (head)",
            f"a{jaxa.pk}-status": "apologies", f"a{jaxa.pk}-represented_by": "",
            f"a{nasa.pk}-status": "", f"a{nasa.pk}-represented_by": "",
        }  # fmt: skip
        response = post(client, cast.secretariat, url("meeting-attendance", meeting), data)
        assert "Attendance recorded: 2 agencies changed." in response.content.decode()
        recorded = {row.agency.acronym: (row.status, row.represented_by)
                    for row in meeting.attendance.select_related("agency")}  # fmt: skip
        assert recorded == {"ESA": ("present", "J. Doe (head)"), "JAXA": ("apologies", "")}
        assert "Attendance (1 present)" in response.content.decode()
        # Sent again unchanged but for JAXA: only JAXA changes (its history keeps the first).
        data[f"a{jaxa.pk}-status"] = "present"
        response = post(client, cast.secretariat, url("meeting-attendance", meeting), data)
        assert "1 agency changed" in response.content.decode()
        assert meeting.attendance.get(agency=jaxa).history.count() == 2

    @pytest.mark.parametrize(
        ("status", "name", "said"),
        [
            ("present", "J. Doe\x1b[31m", "ESA: The represented by holds control characters"),
            ("present", "x" * 301, "at most 300 characters"),
            ("", "J. Doe", "ESA: choose present, apologies or absent too"),
            ("sleeping", "", "Select a valid choice"),
        ],
    )
    def test_a_refused_row_is_shown_with_the_form_as_typed(self, client, cast, status, name, said):
        meeting = schedule(cast)
        esa, jaxa = cast.agencies["ESA"], cast.agencies["JAXA"]
        data = {
            f"a{esa.pk}-status": status, f"a{esa.pk}-represented_by": name,
            f"a{jaxa.pk}-status": "present", f"a{jaxa.pk}-represented_by": "K. Sato",
        }  # fmt: skip
        response = post(client, cast.secretariat, url("meeting-attendance", meeting), data)
        html = response.content.decode()
        assert response.status_code == 400 and said in html
        assert 'value="K. Sato"' in html
        assert not meeting.attendance.exists()

    def test_nothing_chosen_says_so(self, client, cast):
        meeting = schedule(cast)
        response = post(client, cast.secretariat, url("meeting-attendance", meeting), {})
        assert response.status_code == 400 and "Nothing to record" in response.content.decode()


class TestMinutes:
    def test_decisions_with_positions_then_the_text_then_approval(self, client, cast):
        meeting = schedule(cast)
        all_present(cast, meeting)
        esa = cast.agencies["ESA"]
        objected = decided(cast, meeting, "Gap report", {esa: ("object", "Section 3 is wrong")})
        agreed = decided(cast, meeting, "Roadmap supplement", with_revision=True)
        html = get(client, cast.reader, meeting.get_absolute_url())
        assert "Decisions (2)" in html
        assert objected.statement in html.replace("&#x27;", "'")
        assert agreed.statement in html.replace("&#x27;", "'")
        assert f'href="{objected.round.get_absolute_url()}"' in html
        revision = agreed.revision
        assert reverse("web:revision-file", args=[revision.deliverable_id, 0]) in html
        assert "ESA: object — Section 3 is wrong" in html and "NASA: concur" in html

        response = post(client, cast.secretariat, url("meeting-minutes", meeting),
                        {"minutes": "1. Opening\x07"})  # fmt: skip
        assert response.status_code == 400
        assert "The minutes holds control characters" in response.content.decode()
        response = post(client, cast.secretariat, url("meeting-minutes", meeting),
                        {"minutes": "1. Opening by the chair."})  # fmt: skip
        assert "Minutes saved." in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.minutes == "1. Opening by the chair."

        spring = schedule(cast, title="Spring plenary", starts_at=schedule_start(90),
                          ends_at=schedule_start(90) + datetime.timedelta(hours=2))  # fmt: skip
        earlier = factories.PlenaryMeetingFactory(title="Tokyo plenary")
        html = get(client, cast.secretariat, meeting.get_absolute_url())
        assert f'<option value="{spring.pk}">' in html
        assert f'<option value="{earlier.pk}">' not in html  # only later meetings
        response = post(client, cast.secretariat, url("meeting-minutes-approve", meeting),
                        {"at_meeting": earlier.pk})  # fmt: skip
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
        response = post(client, cast.secretariat, url("meeting-minutes-approve", meeting),
                        {"at_meeting": spring.pk})  # fmt: skip
        html = response.content.decode()
        assert "Minutes approved at Spring plenary." in html
        assert f'Approved at <a href="{spring.get_absolute_url()}">Spring plenary</a>' in html
        assert "Save the minutes" not in html and "Approve the minutes" not in html
        response = post(client, cast.secretariat, url("meeting-minutes", meeting),
                        {"minutes": "Rewritten"})  # fmt: skip
        assert "they no longer change" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.minutes == "1. Opening by the chair."


class TestDownloads:
    def test_the_agenda_as_docx_and_as_a_calendar_event(self, client, cast):
        meeting = schedule(cast, title="December plenary")
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Opening")
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Any other business")
        client.force_login(cast.reader)
        response = client.get(url("meeting-agenda-docx", meeting))
        assert response.status_code == 200
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="agenda-december-plenary.docx"' in response["Content-Disposition"]
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert "Agenda: December plenary" in text and "Any other business" in text

        response = client.get(url("meeting-agenda-ics", meeting))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        [event] = Calendar.from_ical(response.content).walk("VEVENT")
        assert event.decoded("dtstart") == meeting.starts_at
        assert event["dtstart"].params["TZID"] == "Europe/Paris"
        description = str(event["description"])
        assert "1. Opening" in description and "2. Any other business" in description
        assert meeting.get_absolute_url() in str(event["url"])


def more_agencies(count: int) -> list:
    joined = datetime.date(2007, 5, 1)
    return [
        factories.AgencyFactory(acronym=f"AG{n:02d}", country=f"Country {n}", joined_on=joined)
        for n in range(count)
    ]


@pytest.mark.parametrize("role", ["secretariat", "reader"])
def test_the_meeting_page_costs_the_same_queries_for_more_agencies_and_items(
    client, cast, role, django_assert_max_num_queries
):
    meeting = schedule(cast)
    all_present(cast, meeting)
    decided(cast, meeting, "Gap report", with_revision=True)
    for n in range(2):
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title=f"Item {n}")
    client.force_login(cast.by_role(role))
    client.get(meeting.get_absolute_url())  # the session and per-process caches
    with django_assert_max_num_queries(30) as small:
        client.get(meeting.get_absolute_url())

    agencies = list(cast.agencies.values()) + more_agencies(25)
    all_present(cast, meeting, agencies)
    decided(cast, meeting, "Roadmap", with_revision=True)  # 28 positions stated
    for n in range(2, 20):
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title=f"Item {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.count('<li id="item-') == 20 and "Attendance (28 present)" in html
    assert html.count("AG24") >= 2  # in the attendance and in the positions stated


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_sent_at_once_from_the_same_page_one_is_refused(cast):
    """Both move from the agenda as they loaded it: the first to get the meeting's lock moves,
    the other is told the agenda changed (on PostgreSQL, with real threads)."""
    from django.db import connection
    from django.test import Client

    from tests.plenary.test_races import race

    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL: run with DATABASE_URL=postgres://...")
    meeting = schedule(cast)
    a, b, c = (
        agenda_item_add(meeting=meeting, actor=cast.secretariat, title=title)
        for title in ("Opening", "Roadmap", "Any other business")
    )
    seen = f"{a.pk},{b.pk},{c.pk}"

    def move(item):
        browser = Client()
        browser.force_login(cast.secretariat)
        action = url("meeting-agenda-move", meeting, item.pk)
        return browser.post(action, {"direction": "up", "order": seen}, follow=True)

    pages = [response.content.decode() for response in race(lambda: move(b), lambda: move(c))]
    assert sum("Agenda reordered." in page for page in pages) == 1
    assert sum("The agenda changed since you loaded the page" in page for page in pages) == 1
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert titles in (
        ["Roadmap", "Opening", "Any other business"],
        ["Opening", "Any other business", "Roadmap"],
    )
