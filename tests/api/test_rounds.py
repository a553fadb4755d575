"""Consensus over HTTP: open a round, record positions, close, extend, cancel; every role."""

import datetime

import pytest
from django.utils import timezone

from apps.deliverables.models import Deliverable
from apps.plenary.models import ConsensusRound, Position
from tests import factories
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def open_url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"


def in_days(days: int) -> str:
    return (TODAY() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def round(cast, as_role):
    """An open round on a TWG deliverable, opened over the API; ESA, JAXA and NASA eligible."""
    deliverable = cast.deliverable("submitted", title="Lunar surface white paper")
    response = as_role("secretariat").post(
        open_url(deliverable), {"deadline": in_days(14), "channel": "written_procedure"}
    )
    assert response.status_code == 201, response.json()
    return ConsensusRound.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_opens_a_round(cast, as_role, role):
    deliverable = cast.deliverable("submitted")
    meeting = factories.PlenaryMeetingFactory()
    response = as_role(role).post(
        open_url(deliverable),
        {"deadline": in_days(10), "channel": "plenary", "meeting": meeting.pk},
    )
    deliverable.refresh_from_db()
    if role == "secretariat":
        assert response.status_code == 201, response.json()
        body = response.json()
        assert response["Location"] == body["url"]
        assert type(response["Location"]) is str  # not a Hyperlink: wsgiref refuses those
        assert body["state"] == "open"
        assert body["meeting"]["id"] == meeting.pk
        assert body["deadline"] == in_days(10)
        assert [row["agency"]["acronym"] for row in body["agencies"]] == ["ESA", "JAXA", "NASA"]
        assert body["not_answered"] and body["tally"]["concur"] == 0
        assert set(body["actions"]) == {"record_position", "extend", "cancel"}
        assert deliverable.state == "in_consensus"
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the secretariat may open a consensus round."
        assert deliverable.state == "submitted"


def test_a_round_opens_only_on_a_submitted_deliverable(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("secretariat").post(open_url(deliverable), {"channel": "plenary"})
    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "drafting"
    assert set(body["allowed"]) == {"withdrawn", "deferred"}
    assert "only on a submitted deliverable" in body["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "carrier pigeon"}, "channel"),
        ({}, "channel"),
        ({"channel": "plenary", "deadline": "next week"}, "deadline"),
        ({"channel": "plenary", "meeting": 99999}, "meeting"),
    ],
)
def test_opening_with_bad_input_is_a_400_per_field(cast, as_role, body, field):
    response = as_role("secretariat").post(open_url(cast.deliverable("submitted")), body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_past_deadline_is_refused(cast, as_role):
    response = as_role("secretariat").post(
        open_url(cast.deliverable("submitted")), {"channel": "plenary", "deadline": in_days(-1)}
    )
    assert response.status_code == 400
    assert "already past" in response.json()["detail"]


def test_the_deliverables_rounds_are_listed_under_it(cast, as_role, round):
    response = as_role("reader").get(open_url(round.deliverable))
    assert [item["id"] for item in response.json()["results"]] == [round.pk]


# --- positions -----------------------------------------------------------------------------------


def positions_url(round) -> str:
    return f"/api/v1/consensus-rounds/{round.pk}/positions/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("delegate", 201),  # NASA's delegate, for NASA
        ("secretariat", 400),  # may speak for all three: must say which
        ("cochair", 403),
        ("other_cochair", 403),
        ("sam", 403),
        ("reader", 403),
    ],
)
def test_who_may_record_a_position_without_naming_the_agency(as_role, round, role, status):
    response = as_role(role).post(positions_url(round), {"position": "concur"})
    assert response.status_code == status, response.json()
    if status == 201:
        body = response.json()
        assert body["position"]["agency"]["acronym"] == "NASA"
        assert body["position"]["on_behalf"] is False
        assert body["round"]["tally"]["concur"] == 1
    if status == 400:
        assert response.json()["fields"] == {
            "agency": [
                "You may record a position for several agencies in this round: say which, "
                'e.g. "agency": "ESA".'
            ]
        }


def test_a_delegate_may_not_speak_for_another_agency(as_role, round):
    response = as_role("delegate").post(
        positions_url(round), {"position": "object", "agency": "ESA", "rationale": "No"}
    )
    assert response.status_code == 403
    assert "only its delegate, or the secretariat on its behalf" in response.json()["detail"]
    assert not Position.objects.exists()


def test_the_secretariat_records_on_an_agencys_behalf(cast, as_role, round):
    response = as_role("secretariat").post(
        positions_url(round),
        {"position": "no_objection", "agency": "jaxa", "rationale": "Stated at the plenary"},
    )
    assert response.status_code == 201
    position = response.json()["position"]
    assert position["agency"]["acronym"] == "JAXA"
    assert position["on_behalf"] is True
    assert position["recorded_by"]["username"] == "secretariat"


def test_an_objection_needs_a_rationale_and_an_agency_must_exist(as_role, round):
    client = as_role("delegate")
    response = client.post(positions_url(round), {"position": "object"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rationale"]
    assert "must give its rationale" in response.json()["detail"]
    unknown = as_role("secretariat").post(
        positions_url(round), {"position": "concur", "agency": "XYZ"}
    )
    assert unknown.json()["fields"] == {"agency": ["No agency with the acronym 'XYZ'."]}
    bad = client.post(positions_url(round), {"position": "maybe"})
    assert list(bad.json()["fields"]) == ["position"]


def test_a_position_can_be_changed_and_every_one_is_kept(as_role, round):
    client = as_role("delegate")
    client.post(positions_url(round), {"position": "object", "rationale": "Section 3 is wrong"})
    client.post(positions_url(round), {"position": "concur", "rationale": "Fixed in rev 2"})
    listing = as_role("reader").get(positions_url(round)).json()
    assert [item["position"] for item in listing["results"]] == ["concur", "object"]
    detail = as_role("reader").get(f"/api/v1/consensus-rounds/{round.pk}/").json()
    nasa = next(row for row in detail["agencies"] if row["agency"]["acronym"] == "NASA")
    assert nasa["latest"]["position"] == "concur"
    assert [p["position"] for p in nasa["earlier"]] == ["object"]


def test_the_last_answer_closes_the_round_and_approves(cast, as_role, round):
    for acronym in ["ESA", "JAXA"]:
        assert (
            as_role("secretariat")
            .post(positions_url(round), {"position": "concur", "agency": acronym})
            .status_code
            == 201
        )
    last = as_role("delegate").post(positions_url(round), {"position": "abstain"})
    assert last.status_code == 201
    assert last.json()["round"]["state"] == "closed"
    assert last.json()["round"]["outcome"] == "consensus"
    assert Deliverable.objects.get(pk=round.deliverable_id).state == "approved"
    late = as_role("delegate").post(positions_url(round), {"position": "concur"})
    assert late.status_code == 409
    assert late.json()["state"] == "closed"
    assert late.json()["allowed"] == []


# --- close, extend, cancel -----------------------------------------------------------------------


def action_url(round, action: str) -> str:
    return f"/api/v1/consensus-rounds/{round.pk}/{action}/"


def test_closing_early_is_refused_naming_the_silent_agencies(as_role, round):
    response = as_role("secretariat").post(action_url(round, "close"), {"reason": "Enough"})
    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "open"
    assert set(body["allowed"]) == {"record_position", "extend", "cancel"}
    assert "3 agencies have not answered (ESA, JAXA, NASA)" in body["detail"]


def test_the_secretariat_closes_after_the_deadline_with_an_objection(cast, as_role, round):
    as_role("delegate").post(positions_url(round), {"position": "object", "rationale": "Too early"})
    ConsensusRound.objects.filter(pk=round.pk).update(
        opened_on=TODAY() - datetime.timedelta(days=20),
        deadline=TODAY() - datetime.timedelta(days=1),
    )
    detail = as_role("secretariat").get(f"/api/v1/consensus-rounds/{round.pk}/").json()
    assert detail["may_close_now"] is True
    assert "close" in detail["actions"]
    assert as_role("reader").post(action_url(round, "close"), {"reason": "x"}).status_code == 403
    closed = as_role("secretariat").post(action_url(round, "close"), {"reason": "Deadline passed"})
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "objected"
    deliverable = Deliverable.objects.get(pk=round.deliverable_id)
    assert deliverable.state == "drafting"
    assert "NASA: Too early" in deliverable.history.latest().history_change_reason
    again = as_role("secretariat").post(action_url(round, "close"), {"reason": "Again"})
    assert again.status_code == 409
    assert "already closed" in again.json()["detail"]


def test_closing_needs_a_reason(as_role, round):
    response = as_role("secretariat").post(action_url(round, "close"), {})
    assert response.json()["fields"] == {"reason": ["Say why: this step records a reason."]}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_extends(as_role, round, role):
    response = as_role(role).post(
        action_url(round, "extend"), {"deadline": in_days(30), "reason": "Summer break"}
    )
    if role == "secretariat":
        assert response.status_code == 200
        assert response.json()["deadline"] == in_days(30)
    else:
        assert response.status_code == 403


def test_an_extension_must_move_the_deadline_later(as_role, round):
    response = as_role("secretariat").post(
        action_url(round, "extend"), {"deadline": in_days(3), "reason": "Sooner"}
    )
    assert response.status_code == 400
    assert "must be after the current one" in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_cancels(as_role, round, role):
    response = as_role(role).post(action_url(round, "cancel"), {"reason": "Wrong version sent"})
    deliverable = Deliverable.objects.get(pk=round.deliverable_id)
    if role == "secretariat":
        assert response.status_code == 200
        assert response.json()["state"] == "cancelled"
        assert deliverable.state == "submitted"
    else:
        assert response.status_code == 403
        assert deliverable.state == "in_consensus"


def test_the_round_history_records_every_step(as_role, round):
    as_role("secretariat").post(
        action_url(round, "extend"), {"deadline": in_days(20), "reason": "Holidays"}
    )
    history = as_role("reader").get(f"/api/v1/consensus-rounds/{round.pk}/history/").json()
    latest = history["results"][0]
    assert latest["reason"] == f"Deadline extended from {in_days(14)}: Holidays"
    assert latest["who"]["username"] == "secretariat"
    deadline = next(c for c in latest["changes"] if c["field"] == "deadline")
    assert (deadline["old"], deadline["new"]) == (in_days(14), in_days(20))
