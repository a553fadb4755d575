"""Writes to deliverables: workflow moves, progress and record edits, each with one history row.

Every door (web, API, admin, commands, the round services) comes through these functions:
the same permission question, the same validation, the same row lock and version check.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts import permissions
from apps.core.dates import DatePrecision, stored_date_checked
from apps.core.errors import ApplicationError
from apps.core.limits import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    date_checked,
    length_checked,
    text_checked,
)
from apps.core.transactions import atomic_retrying

from . import notifications
from .editing import PROGRESS_FIELDS, editable_fields, field_label, why_not_editable
from .effects import EFFECTS
from .locks import deliverable_for_update
from .models import Deliverable, DeliverableState
from .workflow import TERMINAL_STATES, Actor, Input, Move, find_move, moves_from

# What to ask for when a move's required input is missing.
_INPUT_ASKS = {
    Input.REASON: "Say why: every move records a reason (for a return, what to fix).",
    Input.PUBLISHED_ON: "Give the publication date to mark a deliverable published.",
    Input.CHANNEL: "Give the channel of the consensus round.",
    Input.DEADLINE: "Give the deadline of the consensus round.",
}
# The moves' inputs and the fields that are dates (what each is called), each checked against
# the range the tracker holds.
_DATE_INPUTS = {Input.PUBLISHED_ON: "publication date", Input.DEADLINE: "deadline"}
DATE_FIELDS = {"target_date": "target date", "published_on": "publication date"}
# A deliverable's paragraphs and the longest each may be (its other text fields are columns
# with a max_length of their own, which the model's validation holds).
TEXT_LIMITS = {
    "summary": SUMMARY_MAX_LENGTH,
    "status_note": NOTE_MAX_LENGTH,
    "notes": NOTE_MAX_LENGTH,
}


def lock_deliverable(
    deliverable: Deliverable, *, expected_version: int | None = None
) -> Deliverable:
    """The deliverable's row, locked until the transaction ends (see locks.py for the order)."""
    return deliverable_for_update(deliverable.pk, expected_version=expected_version)


def allowed_moves(*, deliverable: Deliverable, user) -> list[Move]:
    """The moves this user may make now (round moves included: they go through the round)."""
    actors = permissions.workflow_actors(user, deliverable)
    return [move for move in moves_from(deliverable) if move.actors & actors]


def move_refusal(deliverable: Deliverable, user, target: str) -> ApplicationError:
    """The error for a move to `target` that this user may not make now: it names the state
    and the moves they may make, in words (state labels and move labels, never codes)."""
    mine = allowed_moves(deliverable=deliverable, user=user)
    # "send to WG review": the label's capitals but its first.
    offered = ", ".join(
        f"{m.label[:1].lower()}{m.label[1:]} (to “{state_label(m.target)}”)" for m in mine
    )
    to_target = [m for m in moves_from(deliverable) if m.target == target]
    by_people = [m for m in to_target if m.by_people]
    code = "forbidden" if by_people else "illegal_move"
    state, wanted = f"“{state_label(deliverable.state)}”", f"“{state_label(target)}”"
    if by_people:
        why = "you may not make that move"
    elif to_target:
        why = f"only the outcome of its consensus round moves it to {wanted}"
    else:
        why = f"the workflow has no move from {state} to {wanted}"
    return ApplicationError(
        f"Cannot move '{deliverable}' to {wanted}: it is {state} ({why}). "
        f"Moves you may make now: {offered or 'none'}.",
        code=code,
        extra={"state": deliverable.state, "allowed": [m.target for m in mine]},
    )


def state_label(state: str) -> str:
    """A workflow state as people read it: "submitted to the plenary", not "submitted"."""
    return str(DeliverableState(state).label) if state in DeliverableState.values else state


def move_inputs_checked(move: Move, inputs: dict) -> dict:
    """The move's inputs with the reason cleaned, or an error naming the missing one."""
    inputs = dict(inputs)
    if Input.REASON in move.needs:
        inputs["reason"] = text_checked(
            inputs.get("reason"),
            field="reason",
            limit=REASON_MAX_LENGTH,
            required=True,
            ask=_INPUT_ASKS[Input.REASON],
        )
    for needed in move.needs:
        if needed != Input.REASON and inputs.get(needed.value) in (None, ""):
            raise ApplicationError(
                _INPUT_ASKS[needed],
                code="invalid",
                extra={"fields": {needed.value: [_INPUT_ASKS[needed]]}},
            )
        if needed in _DATE_INPUTS:
            date_checked(inputs[needed.value], field=needed.value, what=_DATE_INPUTS[needed])
    return inputs


def _fields_checked(fields: dict) -> dict:
    """A deliverable's new field values with its paragraphs stripped, or the refusal naming the
    field: a paragraph over its limit, a date outside the range the tracker holds."""
    checked = dict(fields)
    for name, limit in TEXT_LIMITS.items():
        if isinstance(checked.get(name), str):
            checked[name] = length_checked(checked[name], field=name, limit=limit, required=False)
    for name, what in DATE_FIELDS.items():
        if name in checked:
            date_checked(checked[name], field=name, what=what)
    return checked


def _target_with_precision(fields: dict, stored: Deliverable | None) -> dict:
    """A target date carries its precision, and changes with it. A target date given without
    one is a day, as a date names a day (typing 12 May 2026 on a "2026" target makes it 12 May
    2026), unless it is the date already stored, which keeps its own; a month or a year is
    stored as its first day (core.dates.stored_date_checked). No target: back to the default."""
    if "target_date" not in fields and "target_precision" not in fields:
        return fields
    fields = dict(fields)
    day = fields["target_date"] if "target_date" in fields else getattr(stored, "target_date", None)
    if "target_precision" not in fields:
        unchanged = stored is not None and day == stored.target_date
        fields["target_precision"] = stored.target_precision if unchanged else DatePrecision.DAY
    if day is None:
        fields["target_precision"] = DatePrecision.DAY
    stored_date_checked(day, fields["target_precision"], field="target_date", what="target date")
    return fields


def move_make(*, deliverable: Deliverable, move: Move, actor, inputs: dict) -> Deliverable:
    """Apply one row of the move table to a locked deliverable: its effects, the new state, one
    save (so exactly one history row, naming the move) and its mail after commit.

    For this module and plenary.services only: callers have locked the row and checked that
    the actor may make the move.
    """
    inputs = move_inputs_checked(move, inputs)
    reason = inputs.get("reason", "")
    changes: dict = {}
    for name in move.effects:
        changes |= EFFECTS[name](deliverable=deliverable, actor=actor, reason=reason, inputs=inputs)
    deliverable.state = move.target
    for field, value in changes.items():
        setattr(deliverable, field, value)
    deliverable.version += 1
    deliverable._history_user = actor
    deliverable._change_reason = f"{move.label}: {reason}"
    deliverable._history_move = move.name
    deliverable.save()
    notifications.deliverable_moved(deliverable=deliverable, move=move, actor=actor, reason=reason)
    return deliverable


def deliverable_transition(
    *,
    deliverable: Deliverable,
    actor,
    to: str,
    reason: str,
    published_on: datetime.date | None = None,
    link: str = "",
    expected_version: int | None = None,
) -> Deliverable:
    """Move a deliverable to state `to`, stating why.

    Who: per workflow.MOVES, the lead group's co-chairs (drafting, WG review, submission,
    withdrawal, deferral), the secretariat (returns, publication, withdrawal) and SAMs
    (endorsement). Consensus rounds are opened and cancelled through plenary.services. A move
    the workflow does not allow now is refused before any of its input is looked at.
    """
    inputs = {"reason": reason, "published_on": published_on, "link": link}
    _transition(
        deliverable=deliverable,
        actor=actor,
        to=to,
        inputs=inputs,
        expected_version=expected_version,
    )
    deliverable.refresh_from_db()
    return deliverable


def move_check(*, deliverable: Deliverable, actor, to: str) -> Move:
    """The move to `to` that this user may make directly now, or the refusal naming the state
    and their moves. Interfaces ask it before they look at a move's input (illegal before
    incomplete); deliverable_transition asks it again under the row lock."""
    actors = permissions.workflow_actors(actor, deliverable) - {Actor.SYSTEM}
    move = find_move(deliverable, to, actors)
    if move is None:
        raise move_refusal(deliverable, actor, to)
    if move.via_round:
        raise ApplicationError(
            f"'{deliverable}' is “{state_label(deliverable.state)}”: "
            + (
                "open a consensus round on it to move it to “in consensus”."
                if move.target == DeliverableState.IN_CONSENSUS
                else "cancel its consensus round to move it back to “submitted to the plenary”."
            ),
            code="illegal_move",
            extra={"state": deliverable.state},
        )
    return move


@atomic_retrying
def _transition(*, deliverable, actor, to: str, inputs: dict, expected_version) -> None:
    locked = lock_deliverable(deliverable, expected_version=expected_version)
    move = move_check(deliverable=locked, actor=actor, to=to)
    move_make(deliverable=locked, move=move, actor=actor, inputs=inputs)


def deliverable_update_progress(
    *,
    deliverable: Deliverable,
    actor,
    expected_version: int,
    reason: str = "",
    **progress,
) -> Deliverable:
    """Update progress (percent, RAG, next milestone, target date and its precision, status
    note). A target date without its precision is a day (see _target_with_precision).

    Who: the lead group's co-chairs on the day, and the secretariat. Refused when the copy the
    user edited is stale, or once the deliverable is published or withdrawn.
    """
    unknown = set(progress) - set(PROGRESS_FIELDS)
    if unknown:
        raise ApplicationError(
            f"Progress has no field {', '.join(sorted(unknown))}; "
            f"use {', '.join(PROGRESS_FIELDS)}.",  # for programmers: the API's field names
            code="invalid",
        )
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    return _edited(
        deliverable=deliverable,
        actor=actor,
        expected_version=expected_version,
        reason=f"Progress update: {reason or 'no comment'}",
        changes=progress,
    )


def deliverable_edit(
    *,
    deliverable: Deliverable,
    actor,
    expected_version: int,
    reason: str,
    changes: dict,
) -> Deliverable:
    """Change fields of a deliverable other than by a move (progress, record-keeping, text).

    Who: per editing.editable_fields: the lead group's co-chairs the progress; the secretariat
    also the record, the text until a round opens and the set-up until it is submitted. A field
    not open to this user now is refused with the reason, and nothing is changed.
    `contributing_groups` takes a list of groups.
    """
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    return _edited(
        deliverable=deliverable,
        actor=actor,
        expected_version=expected_version,
        reason=reason or "Edited",
        changes=changes,
    )


def _edited(*, deliverable, actor, expected_version: int, reason: str, changes: dict):
    _edit(
        deliverable=deliverable,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        changes=dict(changes),
    )
    deliverable.refresh_from_db()
    return deliverable


@atomic_retrying
def _edit(*, deliverable, actor, expected_version: int, reason: str, changes: dict) -> None:
    locked = lock_deliverable(deliverable, expected_version=expected_version)
    if not permissions.may_edit_deliverable(actor, locked):
        raise ApplicationError(
            f"Only the co-chairs of {locked.lead_group.acronym} and the secretariat may "
            f"change '{locked}'.",
            code="forbidden",
        )
    open_fields = editable_fields(actor, locked)
    refused = {
        field: why_not_editable(actor, locked, field)
        for field in changes
        if field not in open_fields
    }
    if refused:
        final = locked.state in TERMINAL_STATES
        raise ApplicationError(
            f"Not changed: '{locked}': "
            + "; ".join(f"{field_label(field)}: {why}" for field, why in refused.items())
            + ".",
            # A final product is a state question (409); else a field is not this user's (403).
            code="illegal_move" if final else "forbidden",
            extra={"state": locked.state}
            if final
            else {"fields": {field: [why] for field, why in refused.items()}},
        )
    changes = _target_with_precision(_fields_checked(changes), locked)
    groups = changes.pop("contributing_groups", None)
    for field, value in changes.items():
        setattr(locked, field, value)
    _validated(locked)
    locked.version += 1
    locked._history_user = actor
    locked._change_reason = reason
    if groups is not None:
        # simple-history snapshots many-to-many links at save: set them first.
        locked.contributing_groups.set(groups)
    locked.save()


def deliverable_create(*, actor, reason: str = "", **fields) -> Deliverable:
    """Add a deliverable to the record; it starts planned. Who: the secretariat."""
    if not permissions.may_manage_record(actor):
        raise ApplicationError("Only the secretariat may add deliverables.", code="forbidden")
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    forced = {"state", "published_on", "link", "version"} & {k for k, v in fields.items() if v}
    if forced:
        raise ApplicationError(
            "A new deliverable starts planned: "
            + ", ".join(field_label(f) for f in sorted(forced))
            + " change only with workflow moves.",
            code="invalid",
            extra={"fields": {field: ["Set by a workflow move."] for field in forced}},
        )
    fields = _target_with_precision(_fields_checked(fields), None)
    groups = fields.pop("contributing_groups", None)
    deliverable = Deliverable(**fields)
    _validated(deliverable)
    with transaction.atomic():
        deliverable._history_user = actor
        deliverable._change_reason = reason or "Added to the record"
        deliverable.save()
        if groups:
            deliverable.contributing_groups.set(groups)
    return deliverable


def _validated(deliverable: Deliverable) -> None:
    try:
        deliverable.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            "; ".join(
                f"{field_label(field)}: {' '.join(msgs)}"
                for field, msgs in exc.message_dict.items()
            ),
            code="invalid",
            extra={"fields": exc.message_dict},
        ) from None


__all__ = [
    "PROGRESS_FIELDS",
    "TERMINAL_STATES",
    "allowed_moves",
    "deliverable_create",
    "deliverable_edit",
    "deliverable_transition",
    "deliverable_update_progress",
    "lock_deliverable",
    "move_check",
    "move_make",
    "move_refusal",
    "state_label",
]
