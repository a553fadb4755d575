"""Comments on a revision and objections followed to their resolution, over HTTP: each role, each
refusal with the service's message, hostile text stored and returned as JSON, and the next round
refused while an objection is open, then allowed once it is answered."""

import datetime
import json

import pytest
from django.utils import timezone

from apps.deliverables.models import Deliverable
from apps.documents.models import Comment, Revision
from apps.plenary.models import ConsensusRound, Objection
from tests import factories
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

COMMENTERS = {"secretariat", "cochair", "other_cochair", "delegate"}
DECIDERS = {"secretariat", "cochair"}  # the lead group's (TWG's) co-chairs, the secretariat
WITHDRAWERS = {"secretariat", "delegate"}  # NASA's delegate, the secretariat on its behalf
TEXT = "Introduction\n\nThe Moon and Mars."


def comments_url(revision) -> str:
    return f"/api/v1/deliverables/{revision.deliverable_id}/revisions/{revision.number}/comments/"


@pytest.fixture
def revision(cast):
    """Revision 00 of a TWG deliverable in WG review, its text extracted."""
    deliverable = cast.deliverable("wg_review", title="Lunar surface white paper")
    return factories.RevisionFactory(
        deliverable=deliverable, number=0, text=TEXT, text_state=Revision.TextState.DONE
    )


# --- comments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_co_chairs_delegates_and_the_secretariat_comment_and_nobody_else(as_role, revision, role):
    response = as_role(role).post(comments_url(revision), {"body": "Add the 2025 figures."})
    if role in COMMENTERS:
        assert response.status_code == 201, response.json()
        body = response.json()
        assert type(response["Location"]) is str and response["Location"] == body["url"]
        assert body["url"].endswith(f"{comments_url(revision)}{body['id']}/")
        assert (body["body"], body["parent"], body["replies"]) == ("Add the 2025 figures.", None, 0)
        assert body["deliverable_state"] == "wg_review"
        comment = Comment.objects.get()
        assert comment.history.get().history_change_reason == "Comment on revision 00"
    else:
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only co-chairs, delegates and the secretariat comment on a revision.",
            "code": "forbidden",
        }
        assert not Comment.objects.exists()


def test_a_reply_threads_under_its_comment_and_the_list_is_oldest_first(as_role, revision):
    first = as_role("delegate").post(
        comments_url(revision), {"body": "Mars too early?", "quote": "The Moon and Mars."}
    )
    assert first.status_code == 201, first.json()
    reply = as_role("cochair").post(
        comments_url(revision), {"body": "It is the 2040s.", "parent": first.json()["id"]}
    )
    assert reply.status_code == 201, reply.json()
    page = as_role("reader").get(comments_url(revision)).json()
    assert page["count"] == 2
    assert [(c["body"], c["parent"], c["replies"]) for c in page["results"]] == [
        ("Mars too early?", None, 1),
        ("It is the 2040s.", first.json()["id"], 0),
    ]
    assert page["results"][0]["quote"] == "The Moon and Mars."
    assert page["results"][0]["author"]["username"] == "delegate-nasa"
    one = as_role("reader").get(reply.json()["url"])
    assert one.status_code == 200 and one.json() == page["results"][1]


def test_comments_are_refused_outside_wg_review_and_rounds(cast, as_role):
    drafting = cast.deliverable("drafting", title="Early draft")
    revision = factories.RevisionFactory(deliverable=drafting, number=0)
    response = as_role("cochair").post(comments_url(revision), {"body": "Too soon?"})
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        "'Early draft' is drafting: revisions take comments during WG review and consensus "
        "rounds only."
    )
    assert (body["code"], body["state"]) == ("illegal_move", "drafting")
    assert "wg_review" in body["allowed"]
    assert not Comment.objects.exists()


def test_a_quote_must_be_the_revisions_own_words(as_role, revision):
    response = as_role("delegate").post(
        comments_url(revision), {"body": "Hm.", "quote": "The Sun first."}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The quoted passage is not in revision 00's text: copy it from the revision, or leave "
        "the quote out."
    )
    assert response.json()["fields"] == {"quote": ["Quote the revision's own words."]}


def test_a_reply_answers_a_comment_on_the_same_revision_that_exists(as_role, revision):
    other = factories.RevisionFactory(deliverable=revision.deliverable, number=1)
    elsewhere = factories.CommentFactory(revision=other)
    response = as_role("delegate").post(
        comments_url(revision), {"body": "Agreed.", "parent": elsewhere.pk}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "A reply answers a comment on the same revision."
    assert response.json()["fields"] == {"parent": ["Reply to a comment on this revision."]}
    missing = as_role("delegate").post(comments_url(revision), {"body": "Agreed.", "parent": 99999})
    assert missing.status_code == 400
    assert missing.json()["fields"]["parent"][0].startswith("No comment with id 99999")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": "  "}, "body"),
        ({"body": 5}, "body"),
        ({"body": "x", "parent": "first"}, "parent"),
        ({"body": "x", "parent": 10**12}, "parent"),
        ({"body": "x", "quote": ["a"]}, "quote"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(as_role, revision, body, field):
    response = as_role("delegate").post(comments_url(revision), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not Comment.objects.exists()


def test_a_blank_comment_is_refused_with_the_services_words(as_role, revision):
    response = as_role("delegate").post(comments_url(revision), {"body": ""})
    assert response.json()["fields"] == {"body": ["Write the comment."]}


def test_hostile_text_is_stored_as_sent_and_returned_as_json(as_role, revision):
    script = '<script>alert("x")</script>\tline one\nline two & "quotes"'
    response = as_role("delegate").post(comments_url(revision), {"body": script})
    assert response.status_code == 201, response.json()
    assert response["Content-Type"] == "application/json"
    assert Comment.objects.get().body == script
    listed = as_role("reader").get(comments_url(revision))
    assert listed["Content-Type"] == "application/json"
    assert json.loads(listed.content)["results"][0]["body"] == script


@pytest.mark.parametrize("control", ["\x07", "\x1b[31m", "\u200b\x00"])
def test_control_characters_are_refused_with_the_services_message(as_role, revision, control):
    response = as_role("delegate").post(comments_url(revision), {"body": f"Bell{control}"})
    assert response.status_code == 400
    messages = response.json()["fields"]["body"]
    assert "control characters" in messages[0] or "Null characters" in messages[0]
    assert not Comment.objects.exists()


def test_unknown_revisions_and_comments_are_404s_that_say_where_to_look(as_role, revision):
    client = as_role("reader")
    missing = client.get(f"/api/v1/deliverables/{revision.deliverable_id}/revisions/4/comments/")
    assert missing.status_code == 404 and "has no revision 04" in missing.json()["detail"]
    no_comment = client.get(f"{comments_url(revision)}12345/")
    assert no_comment.status_code == 404
    assert comments_url(revision) in no_comment.json()["detail"]
    assert client.get(f"{comments_url(revision)}{'9' * 30}/").status_code == 404


def test_the_comment_list_needs_a_signed_in_reader(client_for, revision):
    assert client_for(None).get(comments_url(revision)).status_code == 401


# --- objections -------------------------------------------------------------------------------


def answer_url(item) -> str:
    return f"/api/v1/consensus-rounds/{item.round_id}/objections/{item.pk}/answer/"


@pytest.fixture
def objected(cast, as_role):
    """A round on revision 00 of a TWG deliverable that NASA objected to and that closed
    objected (the deadline passed); the deliverable is back in drafting."""
    deliverable = cast.deliverable("submitted", title="Lunar surface white paper")
    factories.RevisionFactory(deliverable=deliverable, number=0)
    opened = as_role("secretariat").post(
        f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/", {"channel": "plenary"}
    )
    assert opened.status_code == 201, opened.json()
    round = ConsensusRound.objects.get(pk=opened.json()["id"])
    objected = as_role("delegate").post(
        f"/api/v1/consensus-rounds/{round.pk}/positions/",
        {"position": "object", "rationale": "Chapter 3 leaves out the logistics module."},
    )
    assert objected.status_code == 201, objected.json()
    ConsensusRound.objects.filter(pk=round.pk).update(
        opened_on=timezone.localdate() - datetime.timedelta(days=20),
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    closed = as_role("secretariat").post(
        f"/api/v1/consensus-rounds/{round.pk}/close/", {"reason": "Deadline passed"}
    )
    assert closed.json()["outcome"] == "objected", closed.json()
    return Objection.objects.get(round=round)


def test_the_rounds_items_are_listed_with_their_answer(as_role, objected):
    round_url = f"/api/v1/consensus-rounds/{objected.round_id}/"
    detail = as_role("reader").get(round_url).json()
    assert detail["objections_url"].endswith(f"{round_url}objections/")
    assert detail["previous_objections_url"] is None
    page = as_role("reader").get(detail["objections_url"]).json()
    [item] = page["results"]
    assert (item["id"], item["agency"]["acronym"], item["status"]) == (objected.pk, "NASA", "open")
    assert item["rationale"] == "Chapter 3 leaves out the logistics module."
    assert (item["resolved_in"], item["response"], item["decided_by"]) == (None, "", None)
    assert item["answer_url"].endswith(answer_url(objected))
    listed = as_role("reader").get("/api/v1/consensus-rounds/").json()["results"]
    assert listed[0]["objections_url"] == detail["objections_url"]


@pytest.mark.parametrize("role", ROLES)
def test_not_accepted_by_the_lead_groups_co_chairs_or_the_secretariat(as_role, objected, role):
    response = as_role(role).post(
        answer_url(objected), {"status": "not_accepted", "response": "Out of scope for 2025."}
    )
    objected.refresh_from_db()
    if role in DECIDERS:
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["response"]) == (
            "not_accepted", "Out of scope for 2025.",
        )  # fmt: skip
        assert response.json()["decided_by"]["username"] == as_role_username(role)
        assert objected.status == "not_accepted"
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "You may not mark this objection not_accepted: only the co-chairs of TWG or the "
            "secretariat may."
        )
        assert objected.status == "open"


@pytest.mark.parametrize("role", ROLES)
def test_withdrawn_by_the_agencys_delegate_or_the_secretariat(as_role, objected, role):
    response = as_role(role).post(answer_url(objected), {"status": "withdrawn"})
    objected.refresh_from_db()
    if role in WITHDRAWERS:
        assert response.status_code == 200, response.json()
        assert objected.status == "withdrawn"
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "You may not mark this objection withdrawn: only NASA's delegate, or the "
            "secretariat on its behalf may."
        )
        assert objected.status == "open"


def as_role_username(role: str) -> str:
    return {"secretariat": "secretariat", "cochair": "cochair-twg"}[role]


def test_resolved_needs_a_later_revision_and_a_response(as_role, objected):
    client = as_role("cochair")
    no_revision = client.post(answer_url(objected), {"status": "resolved", "response": "Done."})
    assert no_revision.status_code == 400
    assert no_revision.json()["detail"] == (
        "Name the revision of this deliverable that resolves the objection."
    )
    same = client.post(
        answer_url(objected), {"status": "resolved", "response": "Done.", "revision": 0}
    )
    assert same.status_code == 400
    assert same.json()["detail"] == (
        "The objection was raised on revision 00: it is resolved in a later revision, not in "
        "00. Upload the revision that answers it first."
    )
    assert same.json()["fields"] == {"revision": ["Name a revision after 00."]}
    unknown = client.post(
        answer_url(objected), {"status": "resolved", "response": "Done.", "revision": 7}
    )
    assert list(unknown.json()["fields"]) == ["revision"]
    assert "has no revision 07" in unknown.json()["fields"]["revision"][0]
    factories.RevisionFactory(deliverable=objected.round.deliverable, number=1)
    silent = client.post(answer_url(objected), {"status": "resolved", "revision": 1})
    assert silent.status_code == 400 and list(silent.json()["fields"]) == ["response"]
    done = client.post(
        answer_url(objected),
        {"status": "resolved", "response": "Section 3.4 added.", "revision": 1},
    )
    assert done.status_code == 200, done.json()
    assert done.json()["resolved_in"]["number"] == 1
    assert done.json()["resolved_in"]["url"].endswith(
        f"/deliverables/{objected.round.deliverable_id}/revisions/1/"
    )
    again = as_role("secretariat").post(answer_url(objected), {"status": "withdrawn"})
    assert again.status_code == 409
    assert again.json()["detail"] == "NASA's objection is already resolved in a revision."
    assert (again.json()["state"], again.json()["allowed"]) == ("resolved", [])


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "status"), ({"status": "open"}, "status"), ({"status": "withdrawn", "revision": "x"},
     "revision"), ({"status": "not_accepted", "response": 3}, "response")],
)  # fmt: skip
def test_a_malformed_answer_is_a_400_naming_the_field(as_role, objected, body, field):
    response = as_role("secretariat").post(answer_url(objected), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    objected.refresh_from_db()
    assert objected.status == "open"


def test_an_item_of_another_round_or_none_is_a_404(as_role, objected, cast):
    other = factories.ConsensusRoundFactory(deliverable=cast.deliverable("in_consensus"))
    url = f"/api/v1/consensus-rounds/{other.pk}/objections/{objected.pk}/answer/"
    response = as_role("secretariat").post(url, {"status": "withdrawn"})
    assert response.status_code == 404
    assert f"/api/v1/consensus-rounds/{other.pk}/objections/" in response.json()["detail"]
    assert as_role("reader").get("/api/v1/consensus-rounds/999999/objections/").status_code == 404


def test_hostile_text_in_a_response_is_stored_and_returned_as_json(as_role, objected):
    said = "<script>alert(1)</script> & </textarea>"
    response = as_role("secretariat").post(
        answer_url(objected), {"status": "not_accepted", "response": said}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["response"] == said
    refused = as_role("secretariat").post(
        answer_url(objected), {"status": "not_accepted", "response": "No\x1b[2J"}
    )
    assert refused.status_code == 409  # answered already: nothing more is taken


def test_a_control_character_in_a_response_is_refused(as_role, objected):
    response = as_role("cochair").post(
        answer_url(objected), {"status": "not_accepted", "response": "No\x1b[2J"}
    )
    assert response.status_code == 400
    assert "control characters" in response.json()["fields"]["response"][0]


def test_the_next_round_is_refused_while_an_objection_is_open_then_allowed(as_role, objected):
    deliverable = objected.round.deliverable
    Deliverable.objects.filter(pk=deliverable.pk).update(state="submitted")  # revised, resubmitted
    open_url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    refused = as_role("secretariat").post(open_url, {"channel": "plenary"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"].startswith(
        "The previous round was objected and 1 objection(s) are still open (NASA)"
    )
    assert (body["code"], body["open_objections"]) == ("illegal_move", [objected.pk])
    assert ConsensusRound.objects.filter(deliverable=deliverable).count() == 1

    withdrawn = as_role("delegate").post(answer_url(objected), {"status": "withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.json()
    opened = as_role("secretariat").post(open_url, {"channel": "plenary"})
    assert opened.status_code == 201, opened.json()
    previous = f"/api/v1/consensus-rounds/{objected.round_id}/objections/"
    assert opened.json()["previous_objections_url"].endswith(previous)
    log = as_role("reader").get(opened.json()["previous_objections_url"]).json()["results"]
    assert [(i["agency"]["acronym"], i["status"]) for i in log] == [("NASA", "withdrawn")]
