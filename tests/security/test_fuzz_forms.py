"""Generated hostile input to every web form, as the people who may post it: C0 control
characters (Word's manual line break first), strings far over every limit, dates at and past the
calendar's ends, in every field. Never a 5xx; a refusal says why and adds no history row; and
whatever was accepted, every page, the Atom feed (valid XML) and the CSV export still work."""

import csv
import datetime
import io
from xml.etree import ElementTree  # parsing what the app itself wrote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.deliverables.models import Deliverable, DeliverableState
from tests import factories

from .hostile import FUZZ, QUIET, Tally, dates, texts
from .test_routes import history_rows

pytestmark = [pytest.mark.django_db, QUIET]
FORM = settings(FUZZ, max_examples=12)
# 429: moves and sign-ins are throttled per person, as they must be.
ANSWERS = {200, 302, 400, 403, 404, 409, 429}


def post(tally: Tally, client: Client, url: str, data: dict) -> None:
    """Post as a browser would; a refusal (an error status, or a redirect to a page saying
    what went wrong) must have changed nothing."""
    before = history_rows()
    response = client.post(url, data)
    tally.count(response.status_code)
    assert response.status_code in ANSWERS, (url, response.status_code)
    refused = response.status_code >= 400
    if response.status_code == 302:
        landing = client.get(response["Location"])
        assert landing.status_code < 500, response["Location"]
        refused = 'class="error"' in landing.content.decode()
    if refused:
        assert history_rows() == before, f"a refused post to {url} changed the record"


@pytest.fixture
def people(cast):
    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return {
        "cochair": signed_in(cast.cochair_twg),
        "secretariat": signed_in(cast.secretariat),
        "delegate": signed_in(cast.delegates["NASA"]),
        "reader": signed_in(cast.reader),
    }


@pytest.fixture
def products(cast):
    return {
        state: cast.deliverable(state, target_date=datetime.date(2200, 12, 31))
        for state in ("planned", "drafting", "submitted", "approved")
    }


def seen_version(deliverable: Deliverable) -> int:
    return Deliverable.objects.get(pk=deliverable.pk).version


def test_progress_and_moves_take_anything_without_a_server_error(cast, people, products, tally):
    moves = st.one_of(*[st.sampled_from(DeliverableState.values)] * 3, texts.map(lambda t: t[:20]))

    @FORM
    @given(
        which=st.sampled_from(sorted(products)), note=texts, reason=texts, day=dates,
        to=moves, link=texts, percent=st.one_of(st.integers(-1, 101).map(str), texts),
        who=st.sampled_from(["cochair", "secretariat"]),
    )  # fmt: skip
    def submit(which, note, reason, day, to, link, percent, who):
        deliverable = products[which]
        post(tally, people[who], reverse("web:progress", args=[deliverable.pk]), {
            "percent_complete": percent[:6], "rag": "amber", "next_milestone": note,
            "target_date": day, "status_note": note, "reason": reason,
            "seen_version": seen_version(deliverable),
        })  # fmt: skip
        post(tally, people[who], reverse("web:move", args=[deliverable.pk]), {
            "to": to, "reason": reason, "published_on": day, "link": link,
            "seen_version": seen_version(deliverable),
        })  # fmt: skip

    submit()


def test_round_forms_take_anything_without_a_server_error(cast, people, tally):
    submitted = [cast.deliverable("submitted") for _ in range(3)]
    people["secretariat"].post(
        reverse("web:round-open", args=[submitted[0].pk]),
        {"channel": "written_procedure", "deadline": "2200-12-30"},
    )
    round = submitted[0].consensus_rounds.get()
    agencies = st.sampled_from(["ESA", "JAXA", "NASA", "", "x"])

    @settings(FORM, max_examples=20)
    @given(
        text=texts, day=dates, agency=agencies,
        position=st.sampled_from(["concur", "object", "abstain", "x"]),
        action=st.sampled_from(["extend", "close", "cancel"]),
        opening=st.sampled_from(submitted[1:]),
    )  # fmt: skip
    def submit(text, day, agency, position, action, opening):
        post(tally, people["secretariat"], reverse("web:round-open", args=[opening.pk]),
             {"channel": "plenary", "deadline": day})  # fmt: skip
        post(tally, people["delegate"], reverse("web:position", args=[round.pk]),
             {"agency": agency, "position": position, "rationale": text})  # fmt: skip
        post(tally, people["secretariat"],
             reverse("web:round-decide", kwargs={"pk": round.pk, "action": action}),
             {"reason": text, "deadline": day})  # fmt: skip

    submit()


def test_outcome_and_other_channel_forms_take_anything_without_a_server_error(cast, people, tally):
    from apps.meetings.services import attendance_record

    meeting = factories.PlenaryMeetingFactory()
    people["secretariat"].post(
        reverse("web:round-open", args=[cast.deliverable("submitted").pk]),
        {"channel": "plenary", "deadline": "2200-12-30", "meeting": meeting.pk},
    )
    round = meeting.consensus_rounds.get()
    esa, jaxa = cast.agencies["ESA"], cast.agencies["JAXA"]
    attendance_record(
        meeting=meeting, actor=cast.secretariat, rows={esa: ("present", ""), jaxa: ("present", "")}
    )
    positions = st.sampled_from(["", "concur", "object", "abstain", "x"])

    @FORM
    @given(
        text=texts, position=positions, default=positions,
        agency=st.sampled_from(["ESA", "JAXA", "NASA", "", "x"]),
        who=st.sampled_from(["secretariat", "cochair", "delegate"]),
    )  # fmt: skip
    def submit(text, position, default, agency, who):
        post(tally, people[who], reverse("web:round-outcome", args=[round.pk]), {
            "meeting": meeting.pk, "default": default, f"position_{esa.pk}": position,
            f"rationale_{esa.pk}": text, f"rationale_{jaxa.pk}": text[:40],
        })  # fmt: skip
        post(tally, people[who], reverse("web:round-other-channel", args=[round.pk]),
             {"agency": agency, "note": text})  # fmt: skip

    submit()
    # Whatever was taken, the round's page still shows.
    assert people["reader"].get(round.get_absolute_url()).status_code == 200


def test_outlook_and_report_forms_take_anything_without_a_server_error(cast, people, tally):
    item = factories.OutlookItemFactory(group=cast.twg, year=2026)
    years = st.one_of(st.integers(1900, 2300).map(str), texts.map(lambda t: t[:8]))

    @FORM
    @given(text=texts, note=texts, year=years, assessment=st.sampled_from(["", "achieved", "x"]))
    def submit(text, note, year, assessment):
        post(tally, people["cochair"], reverse("web:outlook-add", args=[cast.twg.pk]),
             {"year": year, "text": text})  # fmt: skip
        prefix = f"o{item.pk}"
        item.refresh_from_db()
        post(tally, people["cochair"], reverse("web:outlook-edit", args=[item.pk]), {
            f"{prefix}-text": text, f"{prefix}-assessment": assessment,
            f"{prefix}-assessment_note": note, f"{prefix}-seen_version": item.version,
        })  # fmt: skip
        post(tally, people["secretariat"], reverse("web:report-request"), {"year": year})

    submit()


def test_filters_take_anything_without_a_server_error(cast, people, tally):
    @FORM
    @given(text=texts, day=dates)
    def read(text, day):
        for url, query in [
            (reverse("web:deliverables"), {"q": text, "year": text[:6], "state": text[:12]}),
            (reverse("web:deliverables-csv"), {"q": text, "year": day[:4]}),
            (reverse("web:agencies"), {"on": day}),
            (reverse("web:overview"), {"year": text[:6]}),
        ]:
            response = people["reader"].get(url, query)
            tally.count(response.status_code)
            assert response.status_code in (200, 400), (url, response.status_code)

    read()


def test_after_hostile_posts_every_page_the_feed_and_the_csv_still_work(
    cast, people, products, tally
):
    """Paragraphs keep what was pasted, control characters included; the pages show it as
    text and the feed and CSV write it out cleaned."""
    word = "Pasted from Word\x0bline two\x07"
    post(tally, people["cochair"], reverse("web:progress", args=[products["drafting"].pk]), {
        "percent_complete": 10, "rag": "green", "next_milestone": "\x01=cmd", "status_note": word,
        "reason": "Word\x0bbreak", "seen_version": seen_version(products["drafting"]),
    })  # fmt: skip
    assert Deliverable.objects.get(pk=products["drafting"].pk).status_note == word
    Deliverable.objects.filter(pk=products["drafting"].pk).update(
        state="published", published_on=datetime.date(2025, 6, 1), summary=word
    )
    reader = people["reader"]
    for url in (
        reverse("web:home"), reverse("web:deliverables"), reverse("web:group", args=[cast.twg.pk]),
        reverse("web:deliverable", args=[products["drafting"].pk]),
    ):  # fmt: skip
        assert reader.get(url).status_code == 200, url
    feed = reader.get(reverse("web:feed"))
    assert feed.status_code == 200
    ElementTree.fromstring(feed.content)  # noqa: S314 (the app's own feed; raises on bad XML)
    rows = list(csv.DictReader(io.StringIO(reader.get(reverse("web:deliverables-csv")).text)))
    assert "'=cmd" in [row["Next milestone"] for row in rows]
