"""Structural changes over HTTP: propose (the secretariat, or a co-chair of a group it affects),
amend with the ETag (a stale one is a 412), withdraw, put to a round, the round's positions and
closing as for a deliverable, an objection sending it back, the SAMs' endorsement, and the
lineage once it is in effect."""

import datetime

import pytest
from django.utils import timezone

from apps.groups.models import ChangeState, GroupStatus, StructuralChange
from apps.plenary.models import ConsensusRound, Objection
from tests import factories
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

LIST = "/api/v1/structural-changes/"
TODAY = timezone.localdate()


def absorption(cast, **fields) -> dict:
    return {
        "kind": "absorption",
        "groups": ["SWG"],
        "into_group": "TWG",
        "summary": "The SWG is consolidated under the TWG.",
        "effective_on": TODAY.isoformat(),
        "needs_sam_endorsement": True,
        **fields,
    }


@pytest.fixture
def change(cast, as_role) -> dict:
    response = as_role("other_cochair").post(LIST, absorption(cast), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def detail(change: dict) -> str:
    return f"{LIST}{change['id']}/"


def opened(as_role, change: dict) -> dict:
    response = as_role("secretariat").post(
        f"{detail(change)}consensus-rounds/", {"channel": "written_procedure"}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def deadline_passed(round: dict) -> None:
    yesterday = TODAY - datetime.timedelta(days=1)
    ConsensusRound.objects.filter(pk=round["id"]).update(
        opened_on=yesterday - datetime.timedelta(days=14), deadline=yesterday
    )


def round_url(round: dict) -> str:
    return f"/api/v1/consensus-rounds/{round['id']}/"


# --- proposing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_secretariat_or_an_affected_groups_cochair_proposes(cast, as_role, role):
    response = as_role(role).post(LIST, absorption(cast), format="json")
    if role in ("secretariat", "other_cochair"):  # other_cochair co-chairs SWG
        assert response.status_code == 201, response.json()
        body = response.json()
        assert response["Location"] == body["url"] and type(response["Location"]) is str
        assert response["ETag"] == f'"{body["version"]}"'
        assert (body["state"], body["takes_effect"]) == ("proposed", "")
        assert [g["acronym"] for g in body["groups"]] == ["SWG"]
        assert body["into_group"]["acronym"] == "TWG"
        assert body["lineage"]["made"] is False
        assert [row["group"]["acronym"] for row in body["lineage"]["ending"]] == ["SWG"]
        assert body["lineage"]["ending"][0]["successor"]["acronym"] == "TWG"
        expected = {"amend", "withdraw"} | ({"open_round"} if role == "secretariat" else set())
        assert set(body["actions"]) == expected
        cast.swg.refresh_from_db()
        assert cast.swg.status == GroupStatus.ACTIVE  # nothing happens until it is decided
    else:
        assert response.status_code == 403, response.json()
        assert not StructuralChange.objects.exists()


def test_a_cochair_may_not_propose_for_another_group(cast, as_role):
    forged = absorption(cast, kind="closure", groups=["SWG"], into_group="")
    response = as_role("cochair").post(LIST, forged, format="json")  # co-chairs TWG only
    assert response.status_code == 403
    assert "co-chair of a group the change affects" in response.json()["detail"]
    assert not StructuralChange.objects.exists()


def test_a_malformed_proposal_names_the_field(cast, as_role):
    secretariat = as_role("secretariat")
    response = secretariat.post(LIST, absorption(cast, into_group=""), format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["into_group"]
    response = secretariat.post(LIST, absorption(cast, groups=["NOPE"]), format="json")
    assert response.status_code == 400 and "NOPE" in response.json()["fields"]["groups"][0]
    response = secretariat.post(LIST, absorption(cast, colour="red"), format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["colour"]
    assert not StructuralChange.objects.exists()


def test_the_list_filters_and_the_notes_are_the_secretariats(cast, as_role, change):
    as_role("secretariat").post(
        LIST,
        absorption(cast, kind="closure", groups=["TWG"], into_group="", notes="From the call."),
        format="json",
    )
    reader = as_role("reader")
    assert reader.get(LIST).json()["count"] == 2
    [closure] = reader.get(LIST, {"kind": "closure"}).json()["results"]
    assert closure["notes"] == ""
    assert as_role("secretariat").get(f"{LIST}{closure['id']}/").json()["notes"] == "From the call."
    assert reader.get(LIST, {"group": "swg"}).json()["count"] == 1
    assert reader.get(LIST, {"state": "decided"}).json()["count"] == 0
    assert reader.get(LIST, {"state": "nope"}).status_code == 400


# --- amending ----------------------------------------------------------------------------------


def test_amending_takes_the_etag_and_a_stale_one_is_refused(cast, as_role, change):
    client = as_role("other_cochair")
    etag = client.get(detail(change))["ETag"]
    amended = client.patch(
        detail(change),
        {"summary": "Sharper.", "reason": "To answer ESA"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert amended.status_code == 200, amended.json()
    assert amended.json()["summary"] == "Sharper."
    assert amended.json()["version"] == change["version"] + 1
    assert amended.json()["into_group"]["acronym"] == "TWG"  # what was not sent stays
    stale = client.patch(
        detail(change),
        {"summary": "Over theirs.", "reason": "Mine"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412 and stale.json()["code"] == "stale"
    assert "Someone else changed this proposal" in stale.json()["detail"]
    missing = client.patch(detail(change), {"summary": "x", "reason": "y"}, format="json")
    assert missing.status_code == 428
    no_reason = client.patch(
        detail(change), {"summary": "x"}, format="json", HTTP_IF_MATCH=amended["ETag"]
    )
    assert no_reason.status_code == 400 and list(no_reason.json()["fields"]) == ["reason"]
    kind = client.patch(
        detail(change),
        {"kind": "merger", "reason": "y"},
        format="json",
        HTTP_IF_MATCH=amended["ETag"],
    )
    assert kind.status_code == 400 and list(kind.json()["fields"]) == ["kind"]
    assert StructuralChange.objects.get().summary == "Sharper."


def test_in_a_round_it_is_not_amended_nor_withdrawn(cast, as_role, change):
    opened(as_role, change)
    client = as_role("other_cochair")
    etag = client.get(detail(change))["ETag"]
    response = client.patch(
        detail(change), {"summary": "x", "reason": "y"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 409
    assert (response.json()["state"], response.json()["allowed"]) == ("in_consensus", [])
    response = client.post(f"{detail(change)}withdraw/", {"reason": "No"}, format="json")
    assert response.status_code == 409


def test_a_proposal_is_withdrawn_and_kept(cast, as_role, change):
    assert (
        as_role("reader")
        .post(f"{detail(change)}withdraw/", {"reason": "No"}, format="json")
        .status_code
        == 403
    )
    response = as_role("other_cochair").post(
        f"{detail(change)}withdraw/", {"reason": "Overtaken by events"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn" and response.json()["actions"] == []
    history = as_role("reader").get(f"{detail(change)}history/").json()["results"]
    assert history[0]["reason"] == "Withdrawn: Overtaken by events"


# --- the round ---------------------------------------------------------------------------------


def test_a_round_on_it_silence_at_the_deadline_then_the_sams_and_in_effect(
    cast, as_role, change, client_for
):
    refused = as_role("other_cochair").post(
        f"{detail(change)}consensus-rounds/", {"channel": "plenary"}, format="json"
    )
    assert refused.status_code == 403
    round = opened(as_role, change)
    assert round["structural_change"]["id"] == change["id"] and round["deliverable"] is None
    assert round["revision"] is None and round["opened_by"]["username"] == "secretariat"
    assert as_role("reader").get(f"{detail(change)}consensus-rounds/").json()["count"] == 1
    listed = as_role("reader").get("/api/v1/consensus-rounds/", {"structural_change": change["id"]})
    assert [r["id"] for r in listed.json()["results"]] == [round["id"]]

    nasa = as_role("delegate")
    response = nasa.post(f"{round_url(round)}positions/", {"position": "concur"}, format="json")
    assert response.status_code == 201, response.json()
    deadline_passed(round)
    response = as_role("secretariat").post(
        f"{round_url(round)}close/", {"reason": "Deadline passed"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["outcome"]) == ("closed", "consensus")
    body = as_role("reader").get(detail(change)).json()
    assert body["state"] == "awaiting_endorsement" and body["actions"] == []
    assert as_role("secretariat").get(detail(change)).json()["actions"] == ["endorse"]

    endorse = f"{detail(change)}endorse/"
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    too_early = as_role("secretariat").post(
        endorse, {"endorsed_on": future, "decision": "Approved"}, format="json"
    )
    assert too_early.status_code == 400 and list(too_early.json()["fields"]) == ["endorsed_on"]
    body = {"endorsed_on": TODAY.isoformat(), "decision": "Approved by the SAMs"}
    assert as_role("cochair").post(endorse, body, format="json").status_code == 403
    response = as_role("secretariat").post(endorse, body, format="json")
    assert response.status_code == 200, response.json()
    decided = response.json()
    assert (decided["state"], decided["takes_effect"]) == ("decided", "in effect")
    assert decided["lineage"]["made"] is True
    assert decided["lineage"]["ending"][0]["successor"]["acronym"] == "TWG"
    swg = as_role("reader").get(f"/api/v1/working-groups/{cast.swg.pk}/").json()
    assert swg["status"] == "absorbed" and swg["successor"]["acronym"] == "TWG"
    again = as_role("secretariat").post(endorse, body, format="json")
    assert again.status_code == 409 and again.json()["state"] == "decided"


def test_an_objection_sends_it_back_to_proposed_and_is_not_accepted(cast, as_role, change):
    round = opened(as_role, change)
    response = as_role("delegate").post(
        f"{round_url(round)}positions/",
        {"position": "object", "rationale": "Not this year."},
        format="json",
    )
    assert response.status_code == 201
    deadline_passed(round)
    as_role("secretariat").post(f"{round_url(round)}close/", {"reason": "Due"}, format="json")
    body = as_role("reader").get(detail(change)).json()
    assert body["state"] == "proposed"
    [item] = as_role("reader").get(f"{round_url(round)}objections/").json()["results"]
    answer = item["answer_url"]
    resolved = as_role("other_cochair").post(
        answer, {"status": "resolved", "response": "Done", "revision": 1}, format="json"
    )
    assert resolved.status_code == 400 and list(resolved.json()["fields"]) == ["revision"]
    resolved = as_role("other_cochair").post(
        answer, {"status": "resolved", "response": "Done"}, format="json"
    )
    assert resolved.status_code == 400 and list(resolved.json()["fields"]) == ["status"]
    assert (
        as_role("cochair")
        .post(answer, {"status": "not_accepted", "response": "No"}, format="json")
        .status_code
        == 403
    )  # TWG's co-chair: TWG takes over, but the change affects SWG
    response = as_role("other_cochair").post(
        answer, {"status": "not_accepted", "response": "It is due now."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Objection.objects.get().status == "not_accepted"
    # Amended, it goes to a new round.
    etag = as_role("other_cochair").get(detail(change))["ETag"]
    amended = as_role("other_cochair").patch(
        detail(change),
        {"effective_on": "2027-01-01", "effective_precision": "year", "reason": "A year later"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert amended.status_code == 200 and amended.json()["effective_display"] == "2027"
    assert opened(as_role, change)["state"] == "open"


def test_a_round_of_the_record_reads_with_no_opener(cast, as_role):
    change = factories.StructuralChangeFactory(state=ChangeState.DECIDED)
    year = datetime.date(2025, 1, 1)
    round = factories.ConsensusRoundFactory(
        deliverable=None,
        structural_change=change,
        opened_by=None,
        opened_on=year,
        deadline=year,
        dates_precision="year",
        state="closed",
        outcome="consensus",
        closed_at=timezone.now(),
    )
    body = as_role("reader").get(f"/api/v1/consensus-rounds/{round.pk}/").json()
    assert body["opened_by"] is None and body["dates_precision"] == "year"
    assert body["deliverable"] is None and body["structural_change"]["id"] == change.pk
