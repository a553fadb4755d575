"""A plenary in a real browser (Debian's Chromium through Playwright, as tests/web/test_browser.py):
the secretariat schedules the December plenary, builds its agenda from the tracker, records
who attended in one form, then records the outcome of two consensus rounds on their pages;
the meeting's minutes list both decisions."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.agencies.models import Agency
from apps.groups.models import WorkingGroup
from apps.meetings.models import Decision
from apps.plenary.models import PlenaryMeeting
from apps.plenary.services import consensus_round_open
from tests import factories

from .test_browser import browser, forum, shot, signed_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_december_plenary_day() -> datetime.date:
    """8 December, this year's while it is still ahead, else next year's."""
    today = timezone.localdate()
    day = datetime.date(today.year, 12, 8)
    return day if day > today else datetime.date(today.year + 1, 12, 8)


def test_a_december_plenary_from_schedule_to_minutes(browser, forum):  # noqa: F811
    day = next_december_plenary_day()
    title = f"December {day.year} plenary"
    secretariat = signed_in(browser, forum, "secretariat")

    # Scheduled: its hours in Paris, shown there and in UTC.
    secretariat.get_by_role("link", name="Meetings").click()
    secretariat.get_by_role("link", name="Schedule a meeting").click()
    secretariat.get_by_label("Title").fill(title)
    secretariat.get_by_label("Kind").select_option("plenary")
    secretariat.get_by_label("Date").fill(day.isoformat())
    secretariat.get_by_label("Starts at").fill("09:00")
    secretariat.get_by_label("Ends at").fill("17:30")
    secretariat.get_by_label("Time zone").fill("Europe/Paris")
    secretariat.get_by_label("Place").fill("Paris, France")
    esa = Agency.objects.get(acronym="ESA")
    secretariat.get_by_label("Host agency").select_option(str(esa.pk))
    chair = get_user_model().objects.get(username="secretariat")
    secretariat.get_by_label("Chair").select_option(str(chair.pk))
    secretariat.get_by_role("button", name="Schedule the meeting").click()
    secretariat.wait_for_load_state()
    assert f"{title} is scheduled" in secretariat.content()
    assert "09:00-17:30 (Europe/Paris)" in secretariat.content()
    assert "08:00-16:30 UTC" in secretariat.content()
    meeting = PlenaryMeeting.objects.get(title=title)
    meeting_url = secretariat.url.split("#")[0]

    # Two products go to this plenary for consensus.
    twg = WorkingGroup.objects.filter(status="active").order_by("acronym").first()
    titles = ("Lunar surface power gap report", "Mars sample return white paper")
    rounds = [
        consensus_round_open(
            deliverable=factories.DeliverableFactory(state="submitted", lead_group=twg, title=t),
            actor=chair,
            channel="plenary",
            meeting=meeting,
            unreachable_acknowledged=True,
        )
        for t in titles
    ]

    # The agenda, built from the tracker: both rounds, to be decided at this meeting.
    secretariat.get_by_role("button", name="Build the agenda from the tracker").click()
    secretariat.wait_for_load_state()
    agenda = secretariat.locator("ol.agenda").inner_text()
    assert "added to the agenda from the tracker" in secretariat.content()
    assert "Consensus on Lunar surface power gap report" in agenda
    assert "Consensus on Mars sample return white paper" in agenda

    # Attendance, one form: the first agency sent apologies, every other one is present.
    selects = secretariat.locator("select[name$='-status']")
    count = selects.count()
    assert count >= 27  # a row per member agency on the day
    selects.nth(0).select_option("apologies")
    for n in range(1, count):
        selects.nth(n).select_option("present")
    secretariat.locator("input[name$='-represented_by']").nth(1).fill("J. Doe (head)")
    secretariat.get_by_role("button", name="Record the attendance").click()
    secretariat.wait_for_load_state()
    assert f"Attendance ({count - 1} present)" in secretariat.content()
    shot(secretariat, "meeting-secretariat")

    # The outcome of each round, recorded on its page for every agency present at once.
    present = meeting.attendance.filter(status="present").select_related("agency")
    objector = present.order_by("agency__acronym").first().agency
    for number, round in enumerate(rounds):
        secretariat.goto(f"{forum}{round.get_absolute_url()}")
        outcome = secretariat.locator("section", has=secretariat.locator("#outcome"))
        assert title in outcome.get_by_label("At the meeting").inner_text()
        outcome.get_by_label("Position of every agency present").select_option("concur")
        if number == 1:
            outcome.get_by_label(f"{objector.acronym}'s position").select_option("abstain")
            outcome.get_by_label(f"{objector.acronym}'s rationale").fill("Not our programme")
        outcome.get_by_role("button", name="Record the outcome for the agencies present").click()
        secretariat.wait_for_load_state()
        assert f"Outcome recorded at {title}" in secretariat.content()
    assert Decision.objects.filter(meeting=meeting).count() == 2

    # The minutes list both decisions, each with the positions stated in the meeting.
    reader = signed_in(browser, forum, "reader")
    reader.goto(meeting_url)
    minutes = reader.locator("section", has=reader.locator("#minutes")).inner_text()
    assert "Decisions (2)" in minutes
    assert minutes.count("RESOLVED:") == 2
    assert "Lunar surface power gap report" in minutes
    assert "Mars sample return white paper" in minutes
    assert f"{objector.acronym}: abstain — Not our programme" in minutes
    shot(reader, "meeting-minutes-reader")
