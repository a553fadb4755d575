"""The move table carries what each move implies, and one executor applies it."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.deliverables import checks, workflow
from apps.deliverables.models import Deliverable
from apps.deliverables.selectors import returned_deliverables
from apps.deliverables.services import (
    deliverable_edit,
    deliverable_transition,
    deliverable_update_progress,
)

pytestmark = pytest.mark.django_db


def test_a_move_not_allowed_now_is_refused_before_its_input_is_looked_at(cast):
    drafting = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=drafting, actor=cast.secretariat, to="published", reason=""
        )
    assert refused.value.code == "illegal_move"
    assert "it is “drafting”" in refused.value.message
    assert "publication date" not in refused.value.message
    assert refused.value.extra["state"] == "drafting"


def test_publishing_without_a_date_names_the_missing_input(cast):
    approved = cast.deliverable("approved")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=approved, actor=cast.secretariat, to="published", reason="Out"
        )
    assert refused.value.code == "invalid"
    assert refused.value.extra["fields"] == {"published_on": [refused.value.message]}
    approved.refresh_from_db()
    assert (approved.state, approved.version) == ("approved", 1)


def test_every_move_row_names_its_history(cast):
    deliverable = cast.deliverable("wg_review")
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="Ready"
    )
    latest = deliverable.history.latest()
    assert latest.history_move == "submit"
    # A later edit of the same object is no move.
    deliverable_update_progress(
        deliverable=deliverable, actor=cast.cochair_twg, expected_version=2, percent_complete=90
    )
    assert deliverable.history.latest().history_move == ""


def test_returned_work_is_found_by_the_move_not_by_the_label(cast, monkeypatch):
    deliverable = cast.deliverable("submitted")
    renamed = {
        name: move.__class__(**{**move.__dict__, "label": f"Renamed {name}"})
        for name, move in workflow.MOVES_BY_NAME.items()
    }
    monkeypatch.setattr(workflow, "MOVES", tuple(renamed.values()))
    deliverable_transition(
        deliverable=deliverable, actor=cast.secretariat, to="drafting", reason="Fix the figures"
    )
    assert deliverable.history.latest().history_change_reason.startswith("Renamed ")
    returned = returned_deliverables(group_ids={cast.twg.pk}, since=timezone.localdate())
    assert [row.id for row in returned] == [deliverable.pk]
    # Progress notes that happen to start like a return's label are no return.
    other = cast.deliverable("drafting")
    deliverable_update_progress(
        deliverable=other,
        actor=cast.cochair_twg,
        expected_version=1,
        reason="Return to drafting with comments",
    )
    returned = returned_deliverables(group_ids={cast.twg.pk}, since=timezone.localdate())
    assert [row.id for row in returned] == [deliverable.pk]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (datetime.date(2026, 9, 30), datetime.date(2027, 9, 30)),
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
    ],
)
def test_deferral_moves_the_target_exactly_a_year_later(cast, target, expected):
    deliverable = cast.deliverable("drafting", target_date=target)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="deferred", reason="Next year"
    )
    deliverable.refresh_from_db()
    assert deliverable.target_date == expected


def test_deferral_without_a_target_leaves_it_empty(cast):
    deliverable = cast.deliverable("planned", target_date=None)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="deferred", reason="Later"
    )
    deliverable.refresh_from_db()
    assert (deliverable.state, deliverable.target_date) == ("deferred", None)


@pytest.mark.parametrize("state", ["published", "withdrawn"])
def test_progress_of_a_final_product_is_refused(cast, state):
    extra = {"published_on": datetime.date(2025, 1, 1)} if state == "published" else {}
    deliverable = cast.deliverable(state, percent_complete=80, **extra)
    for who in (cast.cochair_twg, cast.secretariat):
        with pytest.raises(ApplicationError, match="its progress is final") as refused:
            deliverable_update_progress(
                deliverable=deliverable, actor=who, expected_version=1, percent_complete=10
            )
        assert refused.value.code == "illegal_move"
    deliverable.refresh_from_db()
    assert (deliverable.percent_complete, deliverable.version) == (80, 1)


@pytest.mark.parametrize(
    ("state", "field", "value", "allowed"),
    [
        ("drafting", "title", "New title", True),
        ("submitted", "title", "New title", True),
        ("in_consensus", "title", "New title", False),
        ("approved", "summary", "New summary", False),
        ("drafting", "needs_sam_endorsement", True, True),
        ("submitted", "needs_sam_endorsement", True, False),
        ("in_consensus", "needs_sam_endorsement", False, False),
        ("published", "notes", "Research note", True),
        ("drafting", "link", "https://example.org", False),
        ("drafting", "state", "published", False),
    ],
)
def test_what_the_secretariat_may_edit_depends_on_the_state(cast, state, field, value, allowed):
    extra = {"published_on": datetime.date(2025, 1, 1)} if state == "published" else {}
    deliverable = cast.deliverable(state, **extra)
    before = getattr(deliverable, field)
    edit = lambda: deliverable_edit(  # noqa: E731
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=1,
        reason="Tidy",
        changes={field: value},
    )
    if allowed:
        edit()
        deliverable.refresh_from_db()
        assert getattr(deliverable, field) == value
        assert deliverable.history.latest().history_user == cast.secretariat
    else:
        with pytest.raises(ApplicationError) as refused:
            edit()
        assert field in refused.value.extra["fields"]
        deliverable.refresh_from_db()
        assert getattr(deliverable, field) == before
        assert deliverable.version == 1


def test_a_cochair_edits_only_the_progress(cast):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError, match="secretariat's") as refused:
        deliverable_edit(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            expected_version=1,
            reason="",
            changes={"lead_group": cast.swg, "percent_complete": 20},
        )
    assert set(refused.value.extra["fields"]) == {"lead_group"}
    deliverable.refresh_from_db()
    assert (deliverable.lead_group, deliverable.percent_complete) == (cast.twg, 0)


def test_a_reason_with_control_characters_is_refused(cast):
    deliverable = cast.deliverable("planned")
    with pytest.raises(ApplicationError, match="control characters"):
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="ok\x00"
        )
    deliverable.refresh_from_db()
    assert deliverable.state == "planned"


def _errors_with(monkeypatch, **changes) -> list[str]:
    move = workflow.MOVES_BY_NAME["submit"]
    broken = move.__class__(**{**move.__dict__, **changes})
    monkeypatch.setattr(
        checks, "MOVES", tuple(m if m is not move else broken for m in workflow.MOVES)
    )
    return [error.id for error in checks.every_move_detail_exists(None)]


def test_the_start_up_check_passes_on_the_real_table():
    assert checks.every_move_detail_exists(None) == []
    assert checks.every_state_is_in_the_workflow(None) == []


def test_the_start_up_check_refuses_a_move_naming_an_unknown_mail(monkeypatch):
    assert "deliverables.E005" in _errors_with(monkeypatch, mail="no_such_mail")


def test_the_start_up_check_refuses_a_move_naming_an_unknown_effect(monkeypatch):
    assert "deliverables.E006" in _errors_with(monkeypatch, effects=("no_such_effect",))


def test_the_start_up_check_refuses_a_mail_no_move_sends(monkeypatch):
    # Without its mail, the "submitted" mail is sent by no move.
    assert "deliverables.E008" in _errors_with(monkeypatch, mail="")


def test_the_start_up_check_refuses_an_effect_no_move_has(monkeypatch):
    defer = workflow.MOVES_BY_NAME["defer"]
    without = defer.__class__(**{**defer.__dict__, "effects": ()})
    monkeypatch.setattr(
        checks, "MOVES", tuple(m if m is not defer else without for m in workflow.MOVES)
    )
    assert "deliverables.E009" in [e.id for e in checks.every_move_detail_exists(None)]


def test_terminal_states_come_from_the_table():
    assert {"published", "withdrawn"} == workflow.TERMINAL_STATES
    assert {
        "return_submitted",
        "return_objected",
        "decline_endorsement",
    } == workflow.RETURN_MOVE_NAMES


def test_withdrawing_keeps_the_product_with_its_history(cast):
    deliverable = cast.deliverable("drafting")
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="withdrawn", reason="Dropped"
    )
    assert Deliverable.objects.filter(pk=deliverable.pk, state="withdrawn").exists()
    assert deliverable.history.latest().history_move == "withdraw"
