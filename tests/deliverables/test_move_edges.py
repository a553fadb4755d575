"""The deliverable services at the edges the other move tests leave open: what a refusal says,
what the caller gets back, and what adding or editing a deliverable records."""

import datetime

import pytest

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.deliverables.services import (
    deliverable_create,
    deliverable_edit,
    deliverable_transition,
    deliverable_update_progress,
)

pytestmark = pytest.mark.django_db


def refusal(**kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(**kwargs)
    return refused.value


def test_a_move_another_role_makes_is_forbidden_to_this_one(cast):
    submitted = cast.deliverable("submitted")
    refused = refusal(
        deliverable=submitted, actor=cast.cochair_twg, to="drafting", reason="Take it back"
    )
    assert refused.code == "forbidden"
    assert "you may not make that move" in refused.message
    assert refused.message.endswith("Moves you may make now: withdraw (to “withdrawn”).")
    assert refused.extra == {"state": "submitted", "allowed": ["withdrawn"]}


def test_a_move_only_a_round_makes_is_named_as_such(cast):
    in_consensus = cast.deliverable("in_consensus")
    refused = refusal(deliverable=in_consensus, actor=cast.secretariat, to="approved", reason="Ok")
    assert refused.code == "illegal_move"
    assert "only the outcome of its consensus round moves it to “approved”" in refused.message


def test_a_move_the_table_lacks_is_named_as_such_and_a_reader_is_offered_none(cast):
    drafting = cast.deliverable("drafting")
    refused = refusal(deliverable=drafting, actor=cast.reader, to="approved", reason="Ok")
    assert refused.code == "illegal_move"
    assert "the workflow has no move from “drafting” to “approved”" in refused.message
    assert refused.message.endswith("Moves you may make now: none.")
    assert refused.extra["allowed"] == []


def test_moves_through_a_round_say_which_round_step_to_take(cast):
    submitted = cast.deliverable("submitted")
    refused = refusal(deliverable=submitted, actor=cast.secretariat, to="in_consensus", reason="x")
    assert refused.message.endswith("open a consensus round on it to move it to “in consensus”.")
    in_consensus = cast.deliverable("in_consensus")
    refused = refusal(deliverable=in_consensus, actor=cast.secretariat, to="submitted", reason="x")
    assert refused.message.endswith(
        "cancel its consensus round to move it back to “submitted to the plenary”."
    )
    assert refused.code == "illegal_move"


def test_the_callers_copy_shows_the_move(cast):
    deliverable = cast.deliverable("wg_review")
    returned = deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="Ready"
    )
    assert returned is deliverable
    assert (deliverable.state, deliverable.version) == ("submitted", 2)


def test_a_move_sends_its_mail(cast, mailoutbox, django_capture_on_commit_callbacks):
    deliverable = cast.deliverable("wg_review")
    with django_capture_on_commit_callbacks(execute=True):
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="Ready"
        )
    assert len(mailoutbox) == 1


def test_publishing_with_an_empty_date_field_names_the_missing_input(cast):
    approved = cast.deliverable("approved")
    refused = refusal(
        deliverable=approved, actor=cast.secretariat, to="published", reason="Out", published_on=""
    )
    assert refused.code == "invalid"
    assert "published_on" in refused.extra["fields"]
    approved.refresh_from_db()
    assert approved.state == "approved"


def test_progress_refuses_a_field_it_does_not_have(cast):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError, match="Progress has no field title") as refused:
        deliverable_update_progress(
            deliverable=deliverable, actor=cast.cochair_twg, expected_version=1, title="New"
        )
    assert refused.value.code == "invalid"
    deliverable.refresh_from_db()
    assert deliverable.version == 1


def test_progress_and_edits_return_the_callers_copy_updated(cast):
    deliverable = cast.deliverable("drafting")
    returned = deliverable_update_progress(
        deliverable=deliverable, actor=cast.cochair_twg, expected_version=1, percent_complete=40
    )
    assert returned is deliverable
    assert (deliverable.percent_complete, deliverable.version) == (40, 2)
    returned = deliverable_edit(
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=2,
        reason="",
        changes={"notes": "Checked"},
    )
    assert returned is deliverable
    assert (deliverable.notes, deliverable.version) == ("Checked", 3)
    assert deliverable.history.latest().history_change_reason == "Edited"
    deliverable_edit(
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=3,
        reason="Minutes of March",
        changes={"notes": "Checked again"},
    )
    assert deliverable.history.latest().history_change_reason == "Minutes of March"


def test_an_edit_sets_the_contributing_groups_only_when_given(cast):
    deliverable = cast.deliverable("drafting")
    deliverable_edit(
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=1,
        reason="Joint work",
        changes={"contributing_groups": [cast.swg]},
    )
    assert list(deliverable.contributing_groups.all()) == [cast.swg]
    deliverable_edit(
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=2,
        reason="Notes",
        changes={"notes": "Joint"},
    )
    assert list(deliverable.contributing_groups.all()) == [cast.swg]


def test_an_invalid_edit_is_refused_per_field(cast):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        deliverable_update_progress(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            expected_version=1,
            percent_complete=140,
        )
    assert refused.value.code == "invalid"
    assert "percent_complete" in refused.value.extra["fields"]
    deliverable.refresh_from_db()
    assert (deliverable.percent_complete, deliverable.version) != (140, 2)


def new_fields(cast, **fields):
    return {
        "title": "Global Exploration Roadmap",
        "kind": "roadmap",
        "lead_group": cast.twg,
    } | fields


def test_adding_a_deliverable_records_who_and_why(cast):
    added = deliverable_create(
        actor=cast.secretariat,
        contributing_groups=[cast.swg],
        link="",
        **new_fields(cast),
    )
    assert (added.state, added.version) == ("planned", 1)
    assert list(added.contributing_groups.all()) == [cast.swg]
    row = added.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        cast.secretariat,
        "Added to the record",
    )
    again = deliverable_create(
        actor=cast.secretariat, reason="From the 2026 plan", **new_fields(cast, title="Other")
    )
    assert again.history.latest().history_change_reason == "From the 2026 plan"
    assert Deliverable.objects.count() == 2


def test_only_the_secretariat_adds_deliverables(cast):
    with pytest.raises(ApplicationError, match="Only the secretariat") as refused:
        deliverable_create(actor=cast.cochair_twg, **new_fields(cast))
    assert refused.value.code == "forbidden"
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    "forced",
    [
        {"state": "approved"},
        {"published_on": datetime.date(2026, 1, 1)},
        {"link": "https://example.org/ger"},
        {"version": 7},
    ],
    ids=["state", "published_on", "link", "version"],
)
def test_a_new_deliverable_cannot_skip_the_workflow(cast, forced):
    with pytest.raises(ApplicationError, match="starts planned") as refused:
        deliverable_create(actor=cast.secretariat, **new_fields(cast, **forced))
    assert refused.value.code == "invalid"
    assert set(refused.value.extra["fields"]) == set(forced)
    assert not Deliverable.objects.exists()


def test_an_invalid_new_deliverable_is_refused_per_field(cast):
    with pytest.raises(ApplicationError) as refused:
        deliverable_create(actor=cast.secretariat, **new_fields(cast, kind="poem"))
    assert refused.value.code == "invalid"
    assert "kind" in refused.value.extra["fields"]
    assert not Deliverable.objects.exists()


def test_a_field_not_the_cochairs_is_forbidden_and_named_while_the_product_is_open(cast):
    """A co-chair's edit of a workflow-owned field on an open product is theirs to fix (403 with
    the field), not a state conflict: only a final product answers with its state."""
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        deliverable_edit(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            expected_version=deliverable.version,
            changes={"lead_group": cast.swg},
            reason="Move it to SWG",
        )
    assert refused.value.code == "forbidden"
    assert set(refused.value.extra["fields"]) == {"lead_group"}
    assert "state" not in refused.value.extra
    deliverable.refresh_from_db()
    assert deliverable.lead_group == cast.twg
