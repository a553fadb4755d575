"""Generated hostile input to every form of the meetings pages, as the secretariat (who may post
them): control characters, strings far over every limit, dates and times past the calendar's
ends, unknown zones. Never a 5xx; a refusal adds no history row; the pages still render."""

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.meetings.agenda import agenda_item_add
from tests import factories
from tests.security.hostile import FUZZ, QUIET, Tally, dates, texts
from tests.security.test_fuzz_forms import post

from .meeting_helpers import schedule, schedule_start, url

pytestmark = [pytest.mark.django_db, QUIET]

times = st.one_of(
    st.sampled_from(["09:00", "17:30", "00:00", "23:59", "24:00", "9", "", "25:61"]), texts
)
zones = st.one_of(
    st.sampled_from(["Europe/Paris", "UTC", "Europe", "posix", "../etc/passwd", "Mars/Olympus"]),
    texts,
)
statuses = st.sampled_from(["present", "apologies", "absent", "", "sleeping"])


def test_the_meetings_forms_take_anything_without_a_server_error(cast):
    tally = Tally()
    secretariat = Client()
    secretariat.force_login(cast.secretariat)
    meeting = schedule(cast)
    later = schedule(cast, title="Spring plenary", starts_at=schedule_start(60),
                     ends_at=schedule_start(61))  # fmt: skip
    item = agenda_item_add(meeting=meeting, actor=cast.secretariat, title="Opening")
    esa = cast.agencies["ESA"]

    @settings(FUZZ, max_examples=25)
    @given(
        text=texts, other=texts, day=dates, start=times, end=times, zone=zones,
        status=statuses, at=st.one_of(st.just(str(later.pk)), texts),
    )  # fmt: skip
    def submit(text, other, day, start, end, zone, status, at):
        post(tally, secretariat, "/meetings/new/", {
            "title": text, "kind": "plenary", "day": day, "starts": start, "ends": end,
            "time_zone": zone, "place": other, "call_link": other,
        })  # fmt: skip
        post(tally, secretariat, url("meeting-agenda-add", meeting), {"title": text, "note": other})
        post(tally, secretariat, url("meeting-agenda-move", meeting, item.pk),
             {"direction": "down", "order": text})  # fmt: skip
        post(tally, secretariat, url("meeting-attendance", meeting),
             {f"a{esa.pk}-status": status, f"a{esa.pk}-represented_by": text})  # fmt: skip
        post(tally, secretariat, url("meeting-minutes", meeting), {"minutes": text})
        post(tally, secretariat, url("meeting-minutes-approve", factories.PlenaryMeetingFactory()),
             {"at_meeting": at, "note": other})  # fmt: skip

    submit()
    post(tally, secretariat, url("meeting-agenda-take-off", meeting, item.pk), {"reason": "\x07"})
    assert tally.server_errors == 0, str(tally)
    for page in ("/meetings/", meeting.get_absolute_url(), url("meeting-agenda-docx", meeting),
                 url("meeting-agenda-ics", meeting)):  # fmt: skip
        assert secretariat.get(page).status_code == 200, page
    print(f"\nmeetings forms: {tally}")
