"""The workflow over HTTP, Jira-style: GET lists your moves, POST makes one; every move, every
role. Expected outcomes are written out from DESIGN.md, not derived from the workflow table."""

import datetime

import pytest

from apps.deliverables.models import Deliverable, DeliverableState
from tests import factories
from tests.api.conftest import ROLES
from tests.deliverables.test_workflow import MATRIX as SERVICE_MATRIX

pytestmark = pytest.mark.django_db

# (source, target, flagged) -> the roles that may make the move by POST to transitions/: the
# services' hand-written matrix, plus withdrawal during a round (which cancels the round).
MATRIX = {**SERVICE_MATRIX, ("in_consensus", "withdrawn", False): {"cochair", "secretariat"}}
# Moves that are in the table but not made here: 409 for everyone, pointing elsewhere.
ROUND_MOVES = {
    ("submitted", "in_consensus"): "open a consensus round",
    ("in_consensus", "submitted"): "cancel its consensus round",
}
SYSTEM_MOVES = {
    ("in_consensus", "approved"): "only the outcome of its consensus round",
    ("in_consensus", "drafting"): "only the outcome of its consensus round",
    ("in_consensus", "sam_endorsement"): "only the outcome of its consensus round",
}
# What each role is offered from each state (deliverable led by TWG, not flagged).
OFFERED = {
    ("planned", "cochair"): {"drafting", "withdrawn", "deferred"},
    ("planned", "secretariat"): {"drafting", "withdrawn", "deferred"},
    ("drafting", "cochair"): {"wg_review", "withdrawn", "deferred"},
    ("drafting", "secretariat"): {"withdrawn", "deferred"},
    ("wg_review", "cochair"): {"drafting", "submitted", "withdrawn"},
    ("submitted", "secretariat"): {"drafting", "in_consensus", "withdrawn"},
    ("submitted", "cochair"): {"withdrawn"},
    ("in_consensus", "secretariat"): {"submitted", "withdrawn"},
    ("approved", "secretariat"): {"published"},
    ("published", "secretariat"): set(),
}

LINK = "https://www.globalspaceexploration.org/x"  # no revision: the published text's address


def transitions_url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/transitions/"


def body_for(target: str) -> dict:
    body = {"to": target, "reason": "Agreed at the telecon"}
    if target == "published":
        body |= {"published_on": "2026-05-04", "link": "https://www.globalspaceexploration.org/x"}
    return body


@pytest.mark.parametrize(
    ("source", "target", "flagged", "role"), [(*key, role) for key in MATRIX for role in ROLES]
)
def test_every_move_by_every_role(cast, as_role, source, target, flagged, role):
    deliverable = cast.deliverable(source, needs_sam_endorsement=flagged)
    before = deliverable.history.count()
    client = as_role(role)

    response = client.post(transitions_url(deliverable), body_for(target))

    if role in MATRIX[(source, target, flagged)]:
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == target
        assert response["ETag"] == f'"{deliverable.version + 1}"'
        deliverable.refresh_from_db()
        assert deliverable.state == target
        history = client.get(f"/api/v1/deliverables/{deliverable.pk}/history/").json()
        latest = history["results"][0]
        assert history["count"] == before + 1
        assert latest["who"]["username"] == cast.by_role(role).username
        assert latest["reason"].endswith(": Agreed at the telecon")
        state_change = next(c for c in latest["changes"] if c["field"] == "state")
        assert (state_change["old"], state_change["new"]) == (source, target)
    else:
        assert response.status_code == 403, response.json()
        body = response.json()
        assert body["code"] == "forbidden"
        assert f"it is “{DeliverableState(source).label}”" in body["detail"]
        assert body["state"] == source
        assert target not in body["allowed"]
        assert Deliverable.objects.get(pk=deliverable.pk).state == source
        assert deliverable.history.count() == before


@pytest.mark.parametrize(("source", "target"), [*ROUND_MOVES, *SYSTEM_MOVES])
@pytest.mark.parametrize("role", ROLES)
def test_round_and_outcome_moves_are_not_made_here(cast, as_role, source, target, role):
    deliverable = cast.deliverable(source, needs_sam_endorsement=target == "sam_endorsement")
    response = as_role(role).post(transitions_url(deliverable), body_for(target))
    body = response.json()
    if (source, target) in ROUND_MOVES and role != "secretariat":
        assert response.status_code == 403
    else:
        assert response.status_code == 409, body
        assert body["code"] == "illegal_move"
        assert body["state"] == source
        expected = ROUND_MOVES.get((source, target)) or SYSTEM_MOVES[(source, target)]
        assert expected in body["detail"]
        assert isinstance(body["allowed"], list)
    assert Deliverable.objects.get(pk=deliverable.pk).state == source


def test_an_illegal_move_is_409_naming_the_state_and_the_allowed_moves(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").post(transitions_url(deliverable), body_for("published"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_move"
    assert body["state"] == "drafting"
    assert set(body["allowed"]) == {"wg_review", "withdrawn", "deferred"}
    assert "it is “drafting”" in body["detail"]
    assert "send to WG review (to “WG review”)" in body["detail"]


@pytest.mark.parametrize(("state", "role"), sorted(OFFERED))
def test_get_lists_the_moves_this_user_may_make_now(cast, as_role, state, role):
    published_on = datetime.date(2025, 3, 1) if state == "published" else None
    deliverable = cast.deliverable(state, published_on=published_on)
    if state == "in_consensus":
        factories.ConsensusRoundFactory(deliverable=deliverable, opened_by=cast.secretariat)
    response = as_role(role).get(transitions_url(deliverable))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == state
    assert body["version"] == deliverable.version
    assert {move["to"] for move in body["transitions"]} == OFFERED[(state, role)]
    for move in body["transitions"]:
        if move["to"] == "in_consensus":
            assert move["endpoint"].endswith(
                f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
            )
            assert move["needs"] == ["channel", "deadline"]
        elif move["to"] == "submitted" and state == "in_consensus":
            assert move["endpoint"].endswith("/cancel/")
        else:
            assert move["endpoint"] is None
            assert "reason" in move["needs"]
    if state == "approved":
        assert body["transitions"][0]["needs"] == ["reason", "published_on", "link"]


@pytest.mark.parametrize("role", ["reader", "delegate", "other_cochair"])
def test_roles_without_a_say_are_offered_nothing(cast, as_role, role):
    for state in ["planned", "drafting", "wg_review", "submitted"]:
        response = as_role(role).get(transitions_url(cast.deliverable(state)))
        assert response.json()["transitions"] == []


def test_a_move_needs_a_known_state_and_a_reason(cast, as_role):
    deliverable = cast.deliverable("planned")
    client = as_role("cochair")
    response = client.post(transitions_url(deliverable), {"to": "finished", "reason": ""})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["to"] == [
        '"finished" is not a state. Use one of: planned, drafting, wg_review, submitted, '
        "in_consensus, approved, sam_endorsement, published, withdrawn, deferred."
    ]
    assert fields["reason"] == ["Say why: every move records a reason (for a return, what to fix)."]
    missing = client.post(transitions_url(deliverable), {"to": "drafting"})
    assert missing.json()["fields"] == {
        "reason": ["Say why: every move records a reason (for a return, what to fix)."]
    }


def test_publishing_needs_the_publication_date(cast, as_role):
    deliverable = cast.deliverable("approved")
    response = as_role("secretariat").post(
        transitions_url(deliverable), {"to": "published", "reason": "Out"}
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "published_on": ["Give the publication date to mark a deliverable published."]
    }
    bad_link = as_role("secretariat").post(
        transitions_url(deliverable),
        {"to": "published", "reason": "Out", "published_on": "2026-05-04", "link": "not a url"},
    )
    assert list(bad_link.json()["fields"]) == ["link"]
    done = as_role("secretariat").post(
        transitions_url(deliverable),
        {"to": "published", "reason": "Out", "published_on": "2026-05-04"},
    )
    # No text in the tracker: the address of the published text is needed instead.
    assert done.status_code == 400 and list(done.json()["fields"]) == ["link"]
    done = as_role("secretariat").post(
        transitions_url(deliverable),
        {"to": "published", "reason": "Out", "published_on": "2026-05-04", "link": LINK},
    )
    assert done.status_code == 200
    assert done.json()["published_on"] == "2026-05-04"


def test_a_malformed_body_is_a_400(cast, as_role):
    deliverable = cast.deliverable("planned")
    response = as_role("cochair").post(
        transitions_url(deliverable), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    form = as_role("cochair").post(
        transitions_url(deliverable), {"to": "drafting", "reason": "x"}, format="multipart"
    )
    assert form.status_code == 415
    assert form.json()["code"] == "unsupported_media_type"
    listed = as_role("cochair").post(transitions_url(deliverable), ["drafting"], format="json")
    assert listed.status_code == 400
    assert "non_field_errors" in listed.json()["fields"]


def test_an_illegal_move_is_a_409_before_its_input_is_checked(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("secretariat").post(
        transitions_url(deliverable), {"to": "published", "reason": ""}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert "it is “drafting”" in body["detail"]
    assert "publication date" not in body["detail"]
    assert body["state"] == "drafting"
    assert "fields" not in body
    assert Deliverable.objects.get(pk=deliverable.pk).version == 1


def test_an_objection_without_rationale_is_refused_by_the_service_with_its_field(cast, as_role):
    from apps.plenary.services import consensus_round_open

    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
    )
    response = as_role("delegate").post(
        f"/api/v1/consensus-rounds/{round.pk}/positions/", {"position": "object"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rationale"]
    assert round.positions.count() == 0
