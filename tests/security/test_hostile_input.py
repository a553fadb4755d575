"""The recipes reported against production, each one a test: a control character in a published
summary (the feed, the CSV, the report), a body nested 100,000 levels deep, a target date of
9999-12-31 and a deferral past the last year, a 2,000,001-character reason and a
2,400,000-character status note; and what fuzzing the admin found (a forged key in an
autocomplete field). Each is refused with a 400 (or the form again) that names the field and the
limit, or written out cleaned; nothing is changed by a refusal, and no history row is added."""

import csv
import datetime
import io
from xml.etree import ElementTree  # parsing what the app itself wrote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from apps.api.parsers import MAX_DEPTH
from apps.core import limits
from apps.core.errors import ApplicationError
from apps.core.text import unholdable_character, xml_safe
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_edit, deliverable_transition
from apps.groups.services import outlook_item_create
from apps.reports.narratives import report_narrative_write
from tests import factories

from .test_fuzz_admin import admin_page, the_form
from .test_routes import history_rows

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
WORD_TEXT = "First line\x0bsecond line\x0cnext page, a bell\x07 and a NUL-like \x01 mark"


@pytest.fixture
def api():
    """An API client signed in as `user`."""

    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return client_for


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def patch(client, deliverable, body) -> object:
    return client.patch(
        reverse("api:deliverable-detail", args=[deliverable.pk]),
        body,
        content_type="application/json",
        HTTP_IF_MATCH=f'"{deliverable.version}"',
    )


def unchanged(deliverable, before: int) -> None:
    fresh = Deliverable.objects.get(pk=deliverable.pk)
    assert fresh.version == deliverable.version
    assert history_rows() == before


# --- control characters: cleaned where XML cannot hold them --------------------------------------


@settings(max_examples=200, derandomize=True, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=[])))
def test_xml_safe_text_is_always_valid_xml_and_keeps_every_printable_character(text):
    cleaned = xml_safe(text)
    element = ElementTree.fromstring(f"<p>{escape(cleaned)}</p>")  # noqa: S314 (raises on bad XML)
    assert (element.text or "") == cleaned.replace("\r\n", "\n").replace("\r", "\n")
    kept = [c for c in text.replace("\x0b", "\n").replace("\x0c", "\n") if c in cleaned]
    assert "".join(kept) == cleaned  # nothing added, order kept
    assert all(c in cleaned for c in text if c.isprintable() and c not in "\ufffe\uffff")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_words_breaks_become_line_breaks_and_other_controls_go():
    assert xml_safe(WORD_TEXT) == (
        "First line\nsecond line\nnext page, a bell and a NUL-like  mark"
    )
    assert unholdable_character("tab\tand\nline\r\x0bbreak") is None
    assert unholdable_character("a bell\x07") == (7, "U+0007")


def test_the_feed_with_control_characters_in_a_published_summary_is_valid_atom(cast):
    cast.deliverable(
        "published",
        title="Roadmap\x0b(3rd edition)",
        summary=WORD_TEXT,
        published_on=datetime.date(2025, 6, 1),
    )
    factories.ActivityFactory(title="Webnews\x0c GLEX", summary="Talk\x1bgiven")
    client = Client()
    client.force_login(cast.reader)
    response = client.get(reverse("web:feed"))
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (the app's own feed)
    entries = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert entries["Roadmap\n(3rd edition)"] == xml_safe(WORD_TEXT)
    assert entries["Webnews: Webnews\n GLEX"] == "Talkgiven"


def test_the_csv_export_holds_no_control_character(cast):
    cast.deliverable("drafting", title="Gap\x0breport\x07", next_milestone="\x01=1+1")
    client = Client()
    client.force_login(cast.reader)
    response = client.get(reverse("web:deliverables-csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Title"] == "Gap\nreport"
    assert rows[0]["Next milestone"] == "'=1+1"  # cleaned, then kept from running as a formula


def test_a_reason_with_a_word_line_break_is_kept_as_a_line_break(cast):
    deliverable = cast.deliverable("planned")
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Kick-off\x0bdone"
    )
    assert deliverable.history.first().history_change_reason == "Start drafting: Kick-off\ndone"


def test_a_reason_with_another_control_character_is_refused_saying_where(cast):
    deliverable = cast.deliverable("planned")
    with pytest.raises(ApplicationError, match=r"U\+0007 at character 3"):
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="ok\x07"
        )


# --- JSON nested too deep ------------------------------------------------------------------------


def test_100000_nested_brackets_to_the_anonymous_token_endpoint_are_a_400(client):
    response = client.post(
        reverse("api:auth-token"), deep(100_000), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert f"nested too deep (more than {MAX_DEPTH} levels" in body["detail"]


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 900, 100_000])
def test_a_deep_body_to_a_write_endpoint_is_a_400_and_changes_nothing(cast, api, levels):
    deliverable = cast.deliverable("planned")
    before = history_rows()
    client = api(cast.cochair_twg)
    body = '{"to": "drafting", "reason": ' + deep(levels - 1) + "}"
    response = client.post(
        reverse("api:deliverable-transitions", args=[deliverable.pk]),
        body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested too deep" in response.json()["detail"]
    response = patch(client, deliverable, deep(levels))
    assert response.status_code == 400
    assert "nested too deep" in response.json()["detail"]
    unchanged(deliverable, before)


def test_a_body_at_the_depth_limit_is_parsed_and_judged_on_its_fields(cast, api):
    deliverable = cast.deliverable("planned")
    body = '{"status_note": ' + deep(MAX_DEPTH - 1) + "}"
    response = patch(api(cast.cochair_twg), deliverable, body)
    assert response.status_code == 400
    assert "status_note" in response.json()["fields"]  # not a string: the field says so


# --- dates: one range ---------------------------------------------------------------------------


def test_the_year_bounds_lie_inside_the_date_range():
    assert limits.FIRST_DATE.year <= limits.FIRST_YEAR <= limits.LAST_YEAR
    assert limits.LAST_DATE.year >= limits.LAST_YEAR


@pytest.mark.parametrize("day", ["9999-12-31", "2201-01-01", "1956-12-31", "0001-01-01"])
def test_a_target_date_outside_the_range_is_a_400_naming_it(cast, api, day):
    deliverable = cast.deliverable("planned")
    before = history_rows()
    response = patch(api(cast.cochair_twg), deliverable, {"target_date": day})
    assert response.status_code == 400
    body = response.json()
    assert "1 January 1957 to 31 December 2200" in body["detail"]
    assert "target_date" in body["fields"]
    unchanged(deliverable, before)


def test_the_last_day_of_the_range_is_taken(cast, api):
    deliverable = cast.deliverable("planned")
    response = patch(api(cast.cochair_twg), deliverable, {"target_date": "2200-12-31"})
    assert response.status_code == 200
    assert response.json()["target_date"] == "2200-12-31"


@pytest.mark.parametrize("target", [datetime.date(2200, 12, 31), datetime.date(9999, 12, 31)])
def test_deferring_past_the_last_year_is_refused_with_the_reason(cast, api, target):
    # 9999-12-31: a target stored before the range was enforced.
    deliverable = cast.deliverable("planned", target_date=target)
    before = history_rows()
    response = api(cast.cochair_twg).post(
        reverse("api:deliverable-transitions", args=[deliverable.pk]),
        {"to": "deferred", "reason": "Next year"},
    )
    assert response.status_code == 400
    body = response.json()
    shown = f"{target.day} {target:%b} {target.year}"  # as the pages print a day
    assert f"{shown} a year later is past 31 December 2200" in body["detail"]
    assert "target_date" in body["fields"]
    unchanged(deliverable, before)
    assert Deliverable.objects.get(pk=deliverable.pk).state == "planned"


def test_deferring_within_the_range_moves_the_target_a_year(cast):
    deliverable = cast.deliverable("planned", target_date=datetime.date(2199, 12, 31))
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="deferred", reason="Next year"
    )
    assert deliverable.target_date == datetime.date(2200, 12, 31)


def test_a_publication_date_outside_the_range_is_refused(cast, api):
    deliverable = cast.deliverable("approved")
    before = history_rows()
    response = api(cast.secretariat).post(
        reverse("api:deliverable-transitions", args=[deliverable.pk]),
        {"to": "published", "reason": "Out", "published_on": "9999-12-31"},
    )
    assert response.status_code == 400
    assert "published_on" in response.json()["fields"]
    assert "1 January 1957 to 31 December 2200" in response.json()["detail"]
    unchanged(deliverable, before)


def test_a_round_deadline_outside_the_range_is_refused_on_opening_and_extending(cast, api):
    submitted = cast.deliverable("submitted")
    client = api(cast.secretariat)
    before = history_rows()
    response = client.post(
        reverse("api:deliverable-consensus-rounds", args=[submitted.pk]),
        {"channel": "written_procedure", "deadline": "9999-12-31"},
    )
    assert response.status_code == 400, response.json()
    assert "deadline" in response.json()["fields"]
    unchanged(submitted, before)

    response = client.post(
        reverse("api:deliverable-consensus-rounds", args=[submitted.pk]),
        {"channel": "written_procedure"},
    )
    assert response.status_code == 201
    round_id = response.json()["id"]
    before = history_rows()
    response = client.post(
        reverse("api:consensus-round-extend", args=[round_id]),
        {"deadline": "9999-12-31", "reason": "More time"},
    )
    assert response.status_code == 400
    assert "1 January 1957 to 31 December 2200" in response.json()["detail"]
    assert history_rows() == before


def test_a_date_filter_at_the_calendars_end_never_fails(cast, client):
    client.force_login(cast.reader)
    for url in [
        "/api/v1/agencies/?member_on=9999-12-31",
        "/api/v1/working-groups/?active_on=9999-12-31",
        "/api/v1/cochair-appointments/?on=0001-01-01",
        "/agencies/?on=9999-12-31",
        "/agencies/?on=0001-01-01",
    ]:
        assert client.get(url).status_code in (200, 400), url


# --- free text: every field has a limit, named in the refusal ---------------------------------


def test_a_2000001_character_reason_is_a_400_naming_the_field_and_limit(cast, api):
    deliverable = cast.deliverable("planned")
    before = history_rows()
    client = api(cast.cochair_twg)
    response = patch(client, deliverable, {"percent_complete": 10, "reason": "x" * 2_000_001})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The reason is 2000001 characters long; keep it to 2000."
    assert list(body["fields"]) == ["reason"]
    response = client.post(
        reverse("api:deliverable-transitions", args=[deliverable.pk]),
        {"to": "drafting", "reason": "x" * 2_000_001},
    )
    assert response.status_code == 400
    assert "2000" in response.json()["fields"]["reason"][0]
    unchanged(deliverable, before)


def test_a_2400000_character_status_note_is_a_400_naming_the_field_and_limit(cast, api):
    deliverable = cast.deliverable("planned")
    before = history_rows()
    response = patch(api(cast.cochair_twg), deliverable, {"status_note": "x" * 2_400_000})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The status note is 2400000 characters long; keep it to 5000."
    assert list(body["fields"]) == ["status_note"]
    unchanged(deliverable, before)


def test_a_status_note_at_its_limit_is_kept(cast, api):
    deliverable = cast.deliverable("planned")
    response = patch(api(cast.cochair_twg), deliverable, {"status_note": "x" * 5000})
    assert response.status_code == 200
    assert len(response.json()["status_note"]) == 5000


@pytest.mark.parametrize(
    ("field", "limit"), [("summary", 20_000), ("notes", 5000), ("status_note", 5000)]
)
def test_each_paragraph_of_a_deliverable_has_its_limit_in_the_service(cast, field, limit):
    deliverable = cast.deliverable("planned")
    before = history_rows()
    with pytest.raises(ApplicationError, match=f"keep it to {limit}") as refused:
        deliverable_edit(
            deliverable=deliverable,
            actor=cast.secretariat,
            expected_version=deliverable.version,
            reason="",
            changes={field: "x" * (limit + 1)},
        )
    assert list(refused.value.extra["fields"]) == [field]
    unchanged(deliverable, before)


def test_outlook_text_and_the_executive_summary_have_their_limits(cast):
    before = history_rows()
    with pytest.raises(ApplicationError, match="keep it to 5000"):
        outlook_item_create(group=cast.twg, year=2026, text="x" * 5001, actor=cast.cochair_twg)
    with pytest.raises(ApplicationError, match="keep it to 20000") as refused:
        report_narrative_write(year=2025, executive_summary="x" * 20_001, actor=cast.secretariat)
    assert list(refused.value.extra["fields"]) == ["executive_summary"]
    assert history_rows() == before


# --- the admin and the body limit: the same refusals, never a 500 ------------------------------


@pytest.fixture
def staff_secretariat(cast) -> Client:
    cast.secretariat.is_staff = True
    cast.secretariat.save()
    client = Client()
    client.force_login(cast.secretariat)
    return client


def admin_post(client: Client, obj, changes: dict):
    url = admin_page(obj._meta.label_lower, obj)
    return client.post(url, {**the_form(client, url).fields, **changes, "_save": "Save"})


def test_the_admin_holds_the_records_it_writes_to_the_date_range(cast, staff_secretariat):
    agency = cast.agencies["NASA"]
    before = history_rows()
    response = admin_post(staff_secretariat, agency, {"joined_on": "9999-12-31"})
    assert response.status_code == 200  # the form again, saying what to fix
    assert "give a day from 1 January 1957 to 31 December 2200" in response.content.decode()
    agency.refresh_from_db()
    assert agency.joined_on == datetime.date(2007, 5, 1)
    assert history_rows() == before


def test_the_admin_holds_a_records_paragraph_to_a_summarys_length(cast, staff_secretariat):
    response = admin_post(staff_secretariat, cast.twg, {"notes": "x" * 20_001})
    assert response.status_code == 200
    assert "at most 20000 characters (it has 20001)" in response.content.decode()


@pytest.mark.parametrize("forged", ["x", "1e3", "99999999999999999999999", "-1"])
def test_a_forged_key_in_an_autocomplete_field_is_a_form_error(cast, staff_secretariat, forged):
    appointment = cast.delegates["NASA"].delegate_appointments.get()
    response = admin_post(staff_secretariat, appointment, {"person": forged})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.person == cast.delegates["NASA"]


def test_a_body_over_the_upload_limit_is_a_413_in_the_api_error_shape(cast, api, settings):
    deliverable = cast.deliverable("planned")
    body = '{"status_note": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = patch(api(cast.cochair_twg), deliverable, body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in response.json()["detail"]
