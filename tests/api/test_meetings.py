"""The plenary through the REST API: meetings scheduled, their minutes written and approved,
the agenda built and completed, attendance recorded for many agencies at once, the outcome of
a round recorded for every agency present in one POST, and how each agency was told of a
round. Reads for any signed-in user, writes for the secretariat only; a bad body is a 400 that
names the field and changes nothing."""

import datetime
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from icalendar import Calendar

from apps.agencies.models import Agency
from apps.api.services import api_token_create
from apps.meetings.models import AgendaItem, Attendance, Decision
from apps.plenary.models import AgencyNotice, ConsensusRound, PlenaryMeeting, Position
from tests import factories
from tests.api.test_schemathesis import served_schema
from tests.security.test_routes import history_rows

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meetings/"
PARIS_MORNING = "2026-12-08T09:00:00+01:00"
PARIS_EVENING = "2026-12-08T17:00:00+01:00"
SCHEDULE = {
    "title": "ISECG Plenary, Paris",
    "kind": "plenary",
    "starts_at": PARIS_MORNING,
    "ends_at": PARIS_EVENING,
    "time_zone": "Europe/Paris",
    "place": "ESA Headquarters, Paris",
    "host_agency": "esa",
    "chair": "secretariat",
}


def post(client, url: str, body, method: str = "post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def scheduled(client, **fields) -> dict:
    response = post(client, MEETINGS, SCHEDULE | fields)
    assert response.status_code == 201, response.content
    return response.json()


def meeting_path(meeting, rest: str = "") -> str:
    pk = meeting["id"] if isinstance(meeting, dict) else meeting.pk
    return f"{MEETINGS}{pk}/{rest}"


def opened_round(client, deliverable, meeting=None, **body) -> dict:
    body = {"channel": "plenary", "deadline": "2200-12-01"} | body
    if meeting is not None:
        body["meeting"] = meeting["id"] if isinstance(meeting, dict) else meeting.pk
    response = post(client, f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/", body)
    assert response.status_code == 201, response.content
    return response.json()


def present(client, meeting, acronyms) -> None:
    rows = [{"agency": acronym, "status": "present"} for acronym in acronyms]
    response = post(client, meeting_path(meeting, "attendance/"), {"rows": rows})
    assert response.status_code == 200, response.content


def more_agencies(count: int) -> list[str]:
    """`count` member agencies more, each with a head of delegation who has an address."""
    acronyms = []
    for number in range(count):
        agency = factories.AgencyFactory(
            acronym=f"AG{number:02d}",
            country=f"Country {number}",
            joined_on=datetime.date(2007, 5, 1),
        )
        factories.DelegateAppointmentFactory(
            person=factories.UserFactory(username=f"head-{number}"),
            agency=agency,
            starts_on=datetime.date(2020, 1, 1),
        )
        acronyms.append(agency.acronym)
    return acronyms


# --- meetings ---------------------------------------------------------------------------------


def test_the_secretariat_schedules_a_meeting_answered_with_its_location(cast, as_role):
    client = as_role("secretariat")
    response = post(client, MEETINGS, SCHEDULE)
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert type(response["Location"]) is str and response["Location"] == meeting["url"]
    assert (meeting["starts_on"], meeting["time_zone"]) == ("2026-12-08", "Europe/Paris")
    assert meeting["starts_at"] == "2026-12-08T08:00:00Z"
    assert meeting["host_agency"]["acronym"] == "ESA"
    assert meeting["chair"]["username"] == "secretariat"
    assert (meeting["is_sample"], meeting["minutes"], meeting["minutes_approved_in"]) == (
        False,
        "",
        None,
    )
    for link, path in [
        ("agenda_url", "agenda/"),
        ("attendance_url", "attendance/"),
        ("decisions_url", "decisions/"),
        ("agenda_docx_url", "agenda/docx/"),
        ("agenda_ics_url", "agenda/ics/"),
    ]:
        assert meeting[link].endswith(meeting_path(meeting, path)), link
    read = as_role("reader").get(meeting_path(meeting))
    assert read.status_code == 200 and read.json() == meeting
    stored = PlenaryMeeting.objects.get(pk=meeting["id"])
    assert stored.history.latest().history_change_reason == "Scheduled"
    assert stored.history.latest().history_user == cast.secretariat


def test_the_list_is_paged_and_filters_upcoming_and_kind(cast, as_role):
    factories.PlenaryMeetingFactory(title="Tokyo 2024", starts_on=datetime.date(2024, 5, 14))
    client = as_role("secretariat")
    later = scheduled(
        client,
        title="Later",
        starts_at="2199-03-01T09:00:00Z",
        ends_at="2199-03-01T11:00:00Z",
        kind="teleconference",
    )
    sooner = scheduled(
        client, title="Sooner", starts_at="2199-01-01T09:00:00Z", ends_at="2199-01-01T11:00:00Z"
    )
    reader = as_role("reader")
    upcoming = reader.get(MEETINGS, {"upcoming": "true"}).json()
    assert [m["id"] for m in upcoming["results"]] == [sooner["id"], later["id"]]
    past = reader.get(MEETINGS, {"upcoming": "false"}).json()["results"]
    assert [m["title"] for m in past] == ["Tokyo 2024"]
    calls = reader.get(MEETINGS, {"kind": "teleconference"}).json()
    assert (calls["count"], calls["results"][0]["id"]) == (1, later["id"])
    assert reader.get(MEETINGS, {"page_size": 1}).json()["next"]
    refused = reader.get(MEETINGS, {"upcoming": "soon"})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["upcoming"]


def test_minutes_are_written_approved_at_a_later_meeting_then_frozen(cast, as_role):
    client = as_role("secretariat")
    december = scheduled(client)
    january = scheduled(
        client,
        title="January call",
        kind="teleconference",
        starts_at="2027-01-12T14:00:00Z",
        ends_at="2027-01-12T15:00:00Z",
    )
    written = post(client, meeting_path(december), {"minutes": "1. Opening."}, "patch")
    assert written.status_code == 200 and written.json()["minutes"] == "1. Opening."

    earlier = post(
        client, meeting_path(january, "approve-minutes/"), {"at_meeting": december["id"]}
    )
    assert earlier.status_code == 400 and list(earlier.json()["fields"]) == ["at_meeting"]
    approved = post(
        client, meeting_path(december, "approve-minutes/"), {"at_meeting": january["id"]}
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["minutes_approved_in"]["id"] == january["id"]

    frozen = post(client, meeting_path(december), {"minutes": "Rewritten"}, "patch")
    assert frozen.status_code == 409
    assert (frozen.json()["code"], frozen.json()["state"]) == ("illegal_move", "approved")
    again = post(client, meeting_path(december, "approve-minutes/"), {"at_meeting": january["id"]})
    assert again.status_code == 409 and again.json()["state"] == "approved"
    assert PlenaryMeeting.objects.get(pk=december["id"]).minutes == "1. Opening."


# --- the agenda -------------------------------------------------------------------------------


def test_the_agenda_is_built_completed_ordered_and_pruned(cast, as_role):
    client = as_role("secretariat")
    meeting = scheduled(client)
    awaiting = cast.deliverable("submitted", title="Lunar power gaps")
    built = post(client, meeting_path(meeting, "agenda/build/"), {})
    assert built.status_code == 200, built.content
    [item] = built.json()
    assert (item["kind"], item["deliverable"]["id"], item["position"]) == (
        "awaiting_round",
        awaiting.pk,
        1,
    )
    assert post(client, meeting_path(meeting, "agenda/build/"), {}).json() == []  # nothing new

    added = post(client, meeting_path(meeting, "agenda/"), {"title": "Any other business"})
    assert added.status_code == 201, added.content
    assert added["Location"] == added.json()["url"]
    free = as_role("reader").get(added["Location"]).json()
    assert (free["kind"], free["position"], free["added_by"]["username"]) == (
        "other",
        2,
        "secretariat",
    )

    order = [free["id"], item["id"]]
    ordered = post(client, meeting_path(meeting, "agenda/order/"), {"item_ids": order}, "put")
    assert ordered.status_code == 200 and [i["id"] for i in ordered.json()] == order
    listed = as_role("reader").get(meeting_path(meeting, "agenda/")).json()["results"]
    assert [(i["id"], i["position"]) for i in listed] == [(free["id"], 1), (item["id"], 2)]
    stale = post(client, meeting_path(meeting, "agenda/order/"), {"item_ids": [item["id"]]}, "put")
    assert stale.status_code == 400 and list(stale.json()["fields"]) == ["item_ids"]

    removed = post(client, item["remove_url"], {"reason": "Moved to the May call"})
    assert removed.status_code == 200 and removed.json()["removed"] is True
    assert "Moved to the May call" in (
        AgendaItem.objects.get(pk=item["id"]).history.latest().history_change_reason
    )
    reader = as_role("reader")
    assert [i["id"] for i in reader.get(meeting_path(meeting, "agenda/")).json()["results"]] == [
        free["id"]
    ]
    with_removed = reader.get(meeting_path(meeting, "agenda/"), {"removed": "true"}).json()
    assert {i["id"] for i in with_removed["results"]} == {free["id"], item["id"]}
    twice = post(client, item["remove_url"], {"reason": "Again"})
    assert twice.status_code == 409 and twice.json()["state"] == "removed"
    assert post(client, meeting_path(meeting, "agenda/build/"), {}).json() == []  # not back


def test_the_agenda_downloads_as_docx_and_as_a_calendar_event(cast, as_role):
    client = as_role("secretariat")
    meeting = scheduled(client)
    post(client, meeting_path(meeting, "agenda/"), {"title": "Any other business"})
    reader = as_role("reader")
    docx = reader.get(meeting_path(meeting, "agenda/docx/"))
    assert docx.status_code == 200 and docx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument"
    )
    assert docx["Content-Disposition"] == 'attachment; filename="agenda-isecg-plenary-paris.docx"'
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Agenda: ISECG Plenary, Paris" in text and "Any other business" in text

    ics = reader.get(meeting_path(meeting, "agenda/ics/"))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert "1. Any other business" in str(event["description"])
    missing = reader.get(f"{MEETINGS}999999/agenda/ics/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


# --- attendance -------------------------------------------------------------------------------


def test_attendance_is_recorded_for_many_agencies_at_once_and_updated(cast, as_role):
    client = as_role("secretariat")
    meeting = scheduled(client)
    rows = [
        {"agency": "NASA", "status": "apologies"},
        {"agency": "esa", "status": "present", "represented_by": "J. Doe (head)"},
        {"agency": "JAXA", "status": "present"},
    ]
    recorded = post(client, meeting_path(meeting, "attendance/"), {"rows": rows})
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["changed"] == ["ESA", "JAXA", "NASA"]
    assert [(r["agency"]["acronym"], r["status"]) for r in body["rows"]] == [
        ("ESA", "present"),
        ("JAXA", "present"),
        ("NASA", "apologies"),
    ]
    again = post(
        client,
        meeting_path(meeting, "attendance/"),
        {"rows": [{"agency": "NASA", "status": "present"}, rows[1]]},
    )
    assert again.json()["changed"] == ["NASA"]  # ESA sent unchanged
    nasa = Attendance.objects.get(meeting_id=meeting["id"], agency__acronym="NASA")
    assert [h.status for h in nasa.history.order_by("history_date")] == ["apologies", "present"]
    listed = as_role("reader").get(meeting_path(meeting, "attendance/")).json()
    assert listed["count"] == 3 and listed["results"][0]["represented_by"] == "J. Doe (head)"
    assert listed["results"][2]["recorded_by"]["username"] == "secretariat"


# --- the outcome of a round, for every agency present --------------------------------------------


def test_the_outcome_of_28_agencies_is_recorded_in_one_post(cast, as_role):
    client = as_role("secretariat")
    acronyms = ["ESA", "JAXA", "NASA", *more_agencies(25)]
    meeting = scheduled(client)
    round = opened_round(client, cast.deliverable("submitted"), meeting)
    present(client, meeting, acronyms)
    body = {
        "meeting": meeting["id"],
        "exceptions": [
            {"agency": "jaxa", "position": "abstain"},
            {"agency": "NASA", "position": "no_objection", "rationale": ""},
        ],
    }
    url = f"/api/v1/consensus-rounds/{round['id']}/outcome/"
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    decision = response.json()
    assert response["Location"] == decision["url"]
    assert decision["positions_recorded"] == 28 and len(decision["positions"]) == 28
    assert (decision["round"]["state"], decision["round"]["outcome"]) == ("closed", "consensus")
    assert (
        decision["statement"].startswith("RESOLVED:")
        and "consensus reached" in (decision["statement"])
    )
    stated = {p["agency"]["acronym"]: p["position"] for p in decision["positions"]}
    assert (stated["JAXA"], stated["NASA"], stated["AG24"]) == ("abstain", "no_objection", "concur")
    positions = Position.objects.filter(round_id=round["id"])
    assert positions.count() == 28 and {p.meeting_id for p in positions} == {meeting["id"]}
    assert all(p.on_behalf and p.recorded_by == cast.secretariat for p in positions)
    assert ConsensusRound.objects.get(pk=round["id"]).history.filter(state="closed").count() == 1

    minutes = as_role("reader").get(meeting_path(meeting, "decisions/")).json()
    assert minutes["count"] == 1 and minutes["results"][0] == decision
    assert as_role("reader").get(decision["url"]).json() == decision
    twice = post(client, url, body)
    assert twice.status_code == 409 and twice.json()["state"] == "closed"
    assert Position.objects.filter(round_id=round["id"]).count() == 28


def test_agencies_absent_keep_their_say(cast, as_role):
    client = as_role("secretariat")
    meeting = scheduled(client)
    round = opened_round(client, cast.deliverable("submitted"), meeting)
    url = f"/api/v1/consensus-rounds/{round['id']}/outcome/"
    before = history_rows()
    nobody = post(client, url, {"meeting": meeting["id"]})
    assert nobody.status_code == 400 and list(nobody.json()["fields"]) == ["attendance"]
    present(client, meeting, ["ESA", "JAXA"])
    before = history_rows()
    absent = post(
        client,
        url,
        {
            "meeting": meeting["id"],
            "exceptions": [{"agency": "NASA", "position": "object", "rationale": "Not ready"}],
        },
    )
    assert absent.status_code == 400 and list(absent.json()["fields"]) == ["exceptions"]
    assert "NASA" in absent.json()["detail"] and history_rows() == before
    decided = post(client, url, {"meeting": meeting["id"]})
    assert decided.status_code == 201, decided.content
    assert (
        decided.json()["round"]["state"] == "open" and "stays open" in (decided.json()["statement"])
    )
    detail = as_role("reader").get(f"/api/v1/consensus-rounds/{round['id']}/").json()
    assert [a["acronym"] for a in detail["not_answered"]] == ["NASA"]


# --- notices: every agency really told ------------------------------------------------------------


def test_an_unreachable_agency_must_be_acknowledged_then_told_another_way(cast, as_role):
    factories.AgencyFactory(acronym="KASA", country="Korea", joined_on=datetime.date(2007, 5, 1))
    client = as_role("secretariat")
    deliverable = cast.deliverable("submitted")
    url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    before = history_rows()
    refused = post(client, url, {"channel": "written_procedure"})
    assert refused.status_code == 400, refused.content
    error = refused.json()
    assert (error["code"], error["unreachable"]) == ("unreachable_not_acknowledged", ["KASA"])
    assert list(error["fields"]) == ["acknowledge_unreachable"]
    assert history_rows() == before and not ConsensusRound.objects.exists()

    round = opened_round(client, deliverable, acknowledge_unreachable=["kasa"])
    assert "KASA" in round["silence_not_counted"] and round["silence_counts"] == []
    assert "unreachable by the tracker: KASA" in (
        ConsensusRound.objects.get(pk=round["id"]).history.earliest().history_change_reason
    )
    notices = as_role("reader").get(round["notices_url"]).json()["results"]
    by_agency = {row["agency"]["acronym"]: row for row in notices}
    assert (by_agency["KASA"]["reachable"], by_agency["KASA"]["told"]) == (False, False)
    assert [(n["kind"], n["status"]) for n in by_agency["KASA"]["notices"]] == [
        ("opened", "no_address")
    ]
    assert by_agency["ESA"]["reachable"] is True

    told = post(client, round["notices_url"], {"agency": "KASA", "note": "Phoned, 3 May"})
    assert told.status_code == 201, told.content
    assert told["Location"].endswith("/notices/?agency=KASA")
    row = told.json()
    assert row["told"] is True and row["notices"][-1]["status"] == "other_channel"
    assert row["notices"][-1]["recorded_by"]["username"] == "secretariat"
    one = as_role("reader").get(told["Location"]).json()
    assert one["count"] == 1 and one["results"][0] == row
    detail = as_role("reader").get(round["url"]).json()
    assert "KASA" in detail["silence_counts"] and "KASA" not in detail["silence_not_counted"]


def test_another_channel_once_the_round_is_closed_is_a_409(cast, as_role):
    client = as_role("secretariat")
    round = opened_round(client, cast.deliverable("submitted"))
    post(client, f"{round['url']}cancel/", {"reason": "Wrong text"})
    closed = post(client, round["notices_url"], {"agency": "ESA", "note": "Phoned"})
    assert closed.status_code == 409 and closed.json()["state"] == "cancelled"
    assert not AgencyNotice.objects.filter(kind="other_channel").exists()


# --- who may ------------------------------------------------------------------------------------


@pytest.fixture
def plenary(cast, as_role):
    """A meeting with an item, ESA present, and a round decided there."""
    client = as_role("secretariat")
    meeting = scheduled(client)
    later = scheduled(
        client, title="Later", starts_at="2027-01-12T14:00:00Z", ends_at="2027-01-12T15:00:00Z"
    )
    item = post(client, meeting_path(meeting, "agenda/"), {"title": "AOB"}).json()
    present(client, meeting, ["ESA"])
    round = opened_round(client, cast.deliverable("submitted"), meeting)
    return {"meeting": meeting, "later": later, "item": item, "round": round}


WRITES = {  # name: (method, path, body) from the plenary above
    "schedule": lambda p: ("post", MEETINGS, SCHEDULE),
    "minutes": lambda p: ("patch", meeting_path(p["meeting"]), {"minutes": "Forged"}),
    "approve": lambda p: (
        "post",
        meeting_path(p["meeting"], "approve-minutes/"),
        {"at_meeting": p["later"]["id"]},
    ),
    "build": lambda p: ("post", meeting_path(p["meeting"], "agenda/build/"), {}),
    "item": lambda p: ("post", meeting_path(p["meeting"], "agenda/"), {"title": "Forged"}),
    "order": lambda p: (
        "put",
        meeting_path(p["meeting"], "agenda/order/"),
        {"item_ids": [p["item"]["id"]]},
    ),
    "remove": lambda p: ("post", p["item"]["remove_url"], {"reason": "Forged"}),
    "attendance": lambda p: (
        "post",
        meeting_path(p["meeting"], "attendance/"),
        {"rows": [{"agency": "NASA", "status": "present"}]},
    ),
    "outcome": lambda p: (
        "post",
        f"{p['round']['url']}outcome/",
        {"meeting": p["meeting"]["id"]},
    ),
    "other_channel": lambda p: (
        "post",
        p["round"]["notices_url"],
        {"agency": "ESA", "note": "Forged"},
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_only_the_secretariat_writes(plenary, as_role, write, role):
    method, url, body = WRITES[write](plenary)
    client = as_role(role)
    before = history_rows()
    response = post(client, url, body, method)
    assert response.status_code == 403, (write, response.content)
    assert response.json()["code"] == "forbidden" and "secretariat" in response.json()["detail"]
    assert history_rows() == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_read_only_token_and_no_token_cannot_write(plenary, cast, client_for, write):
    method, url, body = WRITES[write](plenary)
    read_only = client_for(None)
    issued = api_token_create(actor=cast.secretariat, name="feed", scope="read")
    read_only.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    before = history_rows()
    refused = post(read_only, url, body, method)
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert post(client_for(None), url, body, method).status_code == 401
    assert history_rows() == before


def test_every_read_is_open_to_any_signed_in_reader(plenary, as_role, client_for):
    meeting, round = plenary["meeting"], plenary["round"]
    reads = [
        MEETINGS,
        meeting_path(meeting),
        meeting_path(meeting, "agenda/"),
        plenary["item"]["url"],
        meeting_path(meeting, "attendance/"),
        meeting_path(meeting, "decisions/"),
        meeting_path(meeting, "agenda/docx/"),
        meeting_path(meeting, "agenda/ics/"),
        round["notices_url"],
    ]
    for url in reads:
        assert as_role("reader").get(url).status_code == 200, url
        assert client_for(None).get(url).status_code == 401, url


# --- forged and garbage bodies -------------------------------------------------------------------

GARBAGE = [  # (write, body, the field named)
    ("schedule", SCHEDULE | {"kind": "party"}, "kind"),
    ("schedule", SCHEDULE | {"starts_at": "2026-12-08T09:00:00"}, "starts_at"),
    ("schedule", SCHEDULE | {"starts_at": "9999-12-31T23:59:59-12:00"}, "starts_at"),
    ("schedule", SCHEDULE | {"ends_at": "2026-12-08T08:00:00+01:00"}, "ends_at"),
    ("schedule", SCHEDULE | {"time_zone": "America"}, "time_zone"),
    ("schedule", SCHEDULE | {"time_zone": "Mars/Olympus"}, "time_zone"),
    ("schedule", SCHEDULE | {"time_zone": "x" * 300}, "time_zone"),
    ("schedule", SCHEDULE | {"host_agency": "XXX"}, "host_agency"),
    ("schedule", SCHEDULE | {"chair": "nobody"}, "chair"),
    ("schedule", SCHEDULE | {"is_sample": "yes"}, "is_sample"),
    ("schedule", SCHEDULE | {"call_link": "javascript:alert(1)"}, "call_link"),
    ("schedule", SCHEDULE | {"title": "Paris\x00"}, "title"),
    ("schedule", SCHEDULE | {"title": "P" * 201}, "title"),
    ("schedule", SCHEDULE | {"starts_on": "2026-12-08"}, "starts_on"),
    ("schedule", [SCHEDULE], "non_field_errors"),
    ("minutes", {"minutes": 5}, "minutes"),
    ("minutes", {"minutes": "Bell\x07"}, "minutes"),
    ("minutes", {"minutes": "ok", "title": "Renamed"}, "title"),
    ("approve", {"at_meeting": "5"}, "at_meeting"),
    ("approve", {"at_meeting": 2**31}, "at_meeting"),
    ("approve", {"at_meeting": 999999}, "at_meeting"),
    ("item", {"title": " "}, "title"),
    ("item", {"title": "Bad\x1btitle"}, "title"),
    ("item", {"title": "AOB", "kind": "round_decision"}, "kind"),
    ("order", {"item_ids": [1, "2"]}, "item_ids.1"),
    ("order", {"item_ids": "1,2"}, "item_ids"),
    ("remove", {"reason": ""}, "reason"),
    ("remove", {}, "reason"),
    ("attendance", {"rows": []}, "rows"),
    ("attendance", {"rows": [{"agency": "ZZZ", "status": "present"}]}, "rows.0.agency"),
    ("attendance", {"rows": [{"agency": "ESA", "status": "asleep"}]}, "rows.0.status"),
    (
        "attendance",
        {"rows": [{"agency": "ESA", "status": "present"}, {"agency": "esa", "status": "absent"}]},
        "rows.1.agency",
    ),
    (
        "attendance",
        {"rows": [{"agency": "ESA", "status": "present", "represented_by": "\x01"}]},
        "rows.0.represented_by",
    ),
    ("attendance", {"rows": [{"agency": "ESA", "status": "present", "x": 1}]}, "rows.0.x"),
    ("outcome", {"meeting": "1"}, "meeting"),
    ("outcome", {"meeting": 999999}, "meeting"),
    ("outcome", {"meeting": None}, "meeting"),
    ("outcome", "MEETING|default=object", "default"),
    ("outcome", "MEETING|exceptions=[{agency:ESA,position:object}]", "exceptions.0.rationale"),
    ("outcome", "MEETING|exceptions=[{agency:ZZZ,position:concur}]", "exceptions.0.agency"),
    ("outcome", "MEETING|exceptions=[{agency:ESA,position:veto}]", "exceptions.0.position"),
    ("other_channel", {"agency": "ESA", "note": ""}, "note"),
    ("other_channel", {"agency": "ZZZ", "note": "Phoned"}, "agency"),
    ("other_channel", {"agency": "ESA", "note": "Phoned", "kind": "opened"}, "kind"),
]
EXCEPTIONS = {
    "exceptions=[{agency:ESA,position:object}]": [{"agency": "ESA", "position": "object"}],
    "exceptions=[{agency:ZZZ,position:concur}]": [{"agency": "ZZZ", "position": "concur"}],
    "exceptions=[{agency:ESA,position:veto}]": [{"agency": "ESA", "position": "veto"}],
}


def outcome_body(spec: str, meeting: dict) -> dict:
    _, rest = spec.split("|")
    if rest == "default=object":
        return {"meeting": meeting["id"], "default": "object"}
    return {"meeting": meeting["id"], "exceptions": EXCEPTIONS[rest]}


@pytest.mark.parametrize(("write", "body", "field"), GARBAGE)
def test_a_bad_body_is_a_400_naming_the_field_and_changes_nothing(
    plenary, as_role, write, body, field
):
    method, url, _ = WRITES[write](plenary)
    if isinstance(body, str):
        body = outcome_body(body, plenary["meeting"])
    client = as_role("secretariat")
    before = history_rows()
    response = post(client, url, body, method)
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "invalid" and list(error["fields"]) == [field], error
    assert history_rows() == before


def test_acknowledging_an_agency_that_does_not_exist_is_a_400(cast, as_role):
    deliverable = cast.deliverable("submitted")
    url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    for acknowledged, field in [
        (["ZZZ"], "acknowledge_unreachable"),
        ([1], "acknowledge_unreachable.0"),
        ("ESA", "acknowledge_unreachable"),
    ]:
        response = post(
            as_role("secretariat"),
            url,
            {"channel": "plenary", "acknowledge_unreachable": acknowledged},
        )
        assert response.status_code == 400 and list(response.json()["fields"]) == [field]
    assert not ConsensusRound.objects.exists()


# --- what a page costs ----------------------------------------------------------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_agenda_and_attendance_lists_cost_the_same_whatever_their_length(cast, as_role):
    client, reader = as_role("secretariat"), as_role("reader")
    acronyms = ["ESA", "JAXA", "NASA", *more_agencies(25)]
    small, large = scheduled(client), scheduled(client, title="Large")
    present(client, small, acronyms[:2])
    present(client, large, acronyms)
    post(client, meeting_path(small, "agenda/"), {"title": "Only item"})
    for number in range(3):
        cast.deliverable("submitted", title=f"Submitted {number}")
    meeting = PlenaryMeeting.objects.get(pk=large["id"])
    for _ in range(10):
        round = factories.ConsensusRoundFactory(
            deliverable=cast.deliverable("in_consensus"),
            opened_by=cast.secretariat,
            deadline=datetime.date(2199, 1, 1),
            meeting=meeting,
        )
        round.eligible_agencies.set(Agency.objects.all())
    post(client, meeting_path(large, "agenda/build/"), {})
    post(client, meeting_path(large, "agenda/"), {"title": "AOB"})
    assert AgendaItem.objects.filter(meeting=meeting).count() > 10
    reader.get(MEETINGS)  # the token's first use is noted once: not a cost of the lists
    for path in ("agenda/", "attendance/", "decisions/"):
        assert queries_for(reader, meeting_path(small, path)) == queries_for(
            reader, meeting_path(large, path)
        ), path
    assert queries_for(reader, meeting_path(large, "agenda/")) <= 6


# --- the schema says it ---------------------------------------------------------------------------


def test_the_schema_documents_each_new_write(db):
    schema = served_schema()
    paths = schema["paths"]
    creates = [
        ("/api/v1/meetings/", "post"),
        ("/api/v1/meetings/{id}/agenda/", "post"),
        ("/api/v1/consensus-rounds/{id}/outcome/", "post"),
        ("/api/v1/consensus-rounds/{id}/notices/", "post"),
    ]
    for path, method in creates:
        created = paths[path][method]["responses"]["201"]
        assert created["headers"]["Location"]["required"] is True, path
        assert paths[path][method]["requestBody"]["content"]["application/json"], path
    error = schema["components"]["schemas"]["FieldError"]["properties"]
    assert "unreachable" in error
    opening = schema["components"]["schemas"]["RoundOpen"]["properties"]
    assert opening["acknowledge_unreachable"]["type"] == "array"
    detail = schema["components"]["schemas"]["ConsensusRound"]["properties"]
    assert {"silence_counts", "silence_not_counted", "notices_url"} <= set(detail)


# --- races ---------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_outcome_is_recorded_once(cast, client_for):
    """Two POSTs of the same outcome at the same moment (a double click, two secretaries): one
    is recorded, the other refused with a 409; the positions are recorded once."""
    from tests.plenary.test_races import race

    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL: run with DATABASE_URL=postgres://...")
    clients = [client_for(cast.secretariat), client_for(cast.secretariat)]
    meeting = scheduled(clients[0])
    round = opened_round(clients[0], cast.deliverable("submitted"), meeting)
    present(clients[0], meeting, ["ESA", "JAXA"])
    url = f"/api/v1/consensus-rounds/{round['id']}/outcome/"
    results = race(*[lambda c=c: post(c, url, {"meeting": meeting["id"]}) for c in clients])
    assert sorted(r.status_code for r in results) == [201, 409], [r.content for r in results]
    assert Position.objects.filter(round_id=round["id"]).count() == 2
    assert Decision.objects.filter(round_id=round["id"]).count() == 1
