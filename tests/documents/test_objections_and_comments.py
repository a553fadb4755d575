"""Objections followed to their resolution, the next round held until none is open, and
comments on revisions during WG review and rounds."""

import pytest

from apps.core.errors import ApplicationError
from apps.documents.comments import comment_post
from apps.documents.models import Comment
from apps.documents.services import revision_upload
from apps.plenary.models import ConsensusRound, Objection
from apps.plenary.objections import objection_answer
from apps.plenary.services import consensus_round_open, position_record

from .samples import PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def say(cast, round, acronym, position, rationale=""):
    return position_record(
        round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
        position=position, rationale=rationale,
    )  # fmt: skip


@pytest.fixture
def objected(cast):
    """A round on revision 00 that ESA objected to and that closed objected."""
    deliverable = cast.deliverable("submitted")
    zero = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.docx", docx_bytes("v0")),
        note="first",
    )  # fmt: skip
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    say(cast, round, "ESA", "object", "Section 3 misstates ESA's plans")
    say(cast, round, "JAXA", "concur")
    say(cast, round, "NASA", "concur")
    round.refresh_from_db()
    assert (round.state, round.outcome) == ("closed", "objected")
    deliverable.refresh_from_db()
    return deliverable, zero, round


def test_an_objection_becomes_an_open_item_with_the_latest_rationale(cast):
    deliverable = cast.deliverable("submitted")
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    say(cast, round, "ESA", "object", "first reason")
    say(cast, round, "ESA", "object", "second reason")
    [item] = Objection.objects.filter(round=round)
    assert (item.agency.acronym, item.status, item.rationale) == ("ESA", "open", "second reason")
    say(cast, round, "ESA", "concur")
    item.refresh_from_db()
    assert item.status == Objection.Status.WITHDRAWN
    assert item.response == "ESA now says: concur."


def test_the_next_round_waits_until_every_objection_is_answered(cast, objected):
    deliverable, _zero, round = objected
    from apps.deliverables.services import deliverable_transition

    for target in ("wg_review", "submitted"):
        deliverable = deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to=target, reason="reworked"
        )
    with pytest.raises(ApplicationError) as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="written_procedure",
        )
    assert "1 objection(s) are still open (ESA)" in refused.value.message
    assert ConsensusRound.objects.filter(deliverable=deliverable).count() == 1
    one = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("b.pdf", PDF_BYTES),
        note="Section 3 rewritten with ESA",
    )  # fmt: skip
    item = Objection.objects.get(round=round)
    answered = objection_answer(
        objection=item, actor=cast.cochair_twg, status="resolved",
        response="Section 3 rewritten with ESA's figures", revision=one,
    )  # fmt: skip
    assert (answered.status, answered.resolved_in, answered.decided_by) == (
        "resolved",
        one,
        cast.cochair_twg,
    )
    second = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    assert second.revision == one
    assert answered.history.first().history_change_reason == (
        "ESA's objection resolved in revision 01"
    )


def test_who_answers_an_objection_and_with_what(cast, objected):
    _deliverable, zero, round = objected
    item = Objection.objects.get(round=round)
    for someone, status in [
        (cast.cochair_swg, "not_accepted"),
        (cast.delegates["ESA"], "not_accepted"),
        (cast.delegates["JAXA"], "withdrawn"),
        (cast.cochair_twg, "withdrawn"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            objection_answer(objection=item, actor=someone, status=status, response="x")
        assert refused.value.code == "forbidden", (someone, status)
    with pytest.raises(ApplicationError) as refused:
        objection_answer(objection=item, actor=cast.cochair_twg, status="resolved", response="x",
                         revision=zero)  # fmt: skip
    assert "resolved in a later revision, not in 00" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        objection_answer(objection=item, actor=cast.cochair_twg, status="not_accepted",
                         response=" ")  # fmt: skip
    assert "Say how the objection was answered" in refused.value.message
    item.refresh_from_db()
    assert item.status == "open"
    withdrawn = objection_answer(
        objection=item, actor=cast.delegates["ESA"], status="withdrawn", response=""
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ApplicationError) as refused:
        objection_answer(
            objection=item, actor=cast.secretariat, status="not_accepted", response="late"
        )
    assert "already withdrawn by the agency" in refused.value.message


def test_comments_during_review_and_rounds_by_people_with_a_role(cast):
    deliverable = cast.deliverable("wg_review")
    revision = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg,
        file=upload("a.docx", docx_bytes("Crew time on the surface is 30 days.")), note="first",
    )  # fmt: skip
    revision.text, revision.text_state = "Crew time on the surface is 30 days.", "done"
    revision.save()
    first = comment_post(
        revision=revision, actor=cast.delegates["ESA"], body="ESA assumes 42 days.",
        quote="30 days",
    )  # fmt: skip
    reply = comment_post(
        revision=revision, actor=cast.cochair_twg, body="Will align in 01.", parent=first
    )
    assert list(first.replies.all()) == [reply]
    assert (first.deliverable_state, first.quote) == ("wg_review", "30 days")
    with pytest.raises(ApplicationError) as refused:
        comment_post(revision=revision, actor=cast.reader, body="hi")
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        comment_post(revision=revision, actor=cast.secretariat, body="x", quote="90 days")
    assert "not in revision 00's text" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        comment_post(revision=revision, actor=cast.secretariat, body="\x00")
    assert refused.value.code == "invalid"
    drafting = cast.deliverable("drafting")
    other = revision_upload(
        deliverable=drafting, actor=cast.cochair_twg, file=upload("b.pdf", PDF_BYTES), note="n"
    )
    with pytest.raises(ApplicationError) as refused:
        comment_post(revision=other, actor=cast.secretariat, body="too early")
    assert "during WG review and consensus rounds only" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        comment_post(revision=revision, actor=cast.secretariat, body="x", parent=Comment(
            revision=other, pk=999))  # fmt: skip
    assert "same revision" in refused.value.message
    assert Comment.objects.count() == 2
