"""Writes to deliverables: workflow moves and progress updates, each with one history row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts import permissions
from apps.core.errors import ApplicationError

from . import notifications
from .models import Deliverable, DeliverableState
from .workflow import ROUND_MOVES, Actor, Move, find_move, moves_from

TERMINAL_STATES = {DeliverableState.PUBLISHED, DeliverableState.WITHDRAWN}


def lock_deliverable(
    deliverable: Deliverable, *, expected_version: int | None = None
) -> Deliverable:
    """The deliverable's row, locked until the transaction ends; refused if edited meanwhile."""
    locked = (
        Deliverable.objects.select_for_update().select_related("lead_group").get(pk=deliverable.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            f"'{locked}' was changed by someone else since you opened it (you have version "
            f"{expected_version}, it is now at version {locked.version}). Reload it, check "
            "their change, and make yours again.",
            code="stale",
        )
    return locked


def allowed_moves(*, deliverable: Deliverable, user) -> list[Move]:
    """The moves this user may make now (round moves included: they go through the round)."""
    actors = permissions.workflow_actors(user, deliverable)
    return [move for move in moves_from(deliverable) if move.actors & actors]


def _refuse_move(deliverable: Deliverable, user, target: str) -> ApplicationError:
    mine = allowed_moves(deliverable=deliverable, user=user)
    offered = ", ".join(f"{m.target} ({m.label.lower()})" for m in mine) or "none"
    to_target = [m for m in moves_from(deliverable) if m.target == target]
    by_people = [m for m in to_target if m.actors - {Actor.SYSTEM}]
    code = "forbidden" if by_people else "illegal_move"
    if by_people:
        why = "you may not make that move"
    elif to_target:
        why = f"only the outcome of its consensus round moves it to {target}"
    else:
        why = f"the workflow has no move from {deliverable.state} to {target}"
    return ApplicationError(
        f"Cannot move '{deliverable}' to {target}: it is {deliverable.state} and {why}. "
        f"Moves you may make now: {offered}.",
        code=code,
        extra={"state": deliverable.state, "allowed": [m.target for m in mine]},
    )


def apply_move(
    *, deliverable: Deliverable, move: Move, actor, reason: str, **changes
) -> Deliverable:
    """Make `move` on a locked deliverable: one save, so exactly one history row.

    For this module and plenary.services only: callers have checked the move and the actor.
    """
    deliverable.state = move.target
    for field, value in changes.items():
        setattr(deliverable, field, value)
    deliverable.version += 1
    deliverable._history_user = actor
    deliverable._change_reason = f"{move.label}: {reason}"
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
    (endorsement). Consensus rounds are opened and cancelled through plenary.services.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Say why: every move records a reason (for a return, what to fix).", code="invalid"
        )
    with transaction.atomic():
        locked = lock_deliverable(deliverable, expected_version=expected_version)
        actors = permissions.workflow_actors(actor, locked) - {Actor.SYSTEM}
        move = find_move(locked, to, actors)
        if move is None:
            raise _refuse_move(locked, actor, to)
        if move.name in ROUND_MOVES:
            raise ApplicationError(
                f"'{locked}' is {locked.state}: "
                + (
                    "open a consensus round on it to move it to in_consensus."
                    if move.name == "open_round"
                    else "cancel its consensus round to move it back to submitted."
                ),
                code="illegal_move",
                extra={"state": locked.state},
            )
        changes = {}
        if move.name == "publish":
            changes = _publication(published_on=published_on, link=link)
        if move.name == "defer" and locked.target_date:
            # Deferred means deferred to next year: the target follows.
            changes = {"target_date": _a_year_later(locked.target_date)}
        if move.name == "withdraw" and locked.state == DeliverableState.IN_CONSENSUS:
            from apps.plenary.services import cancel_open_round_for_withdrawal

            cancel_open_round_for_withdrawal(deliverable=locked, actor=actor, reason=reason)
        apply_move(deliverable=locked, move=move, actor=actor, reason=reason, **changes)
    deliverable.refresh_from_db()
    return deliverable


def _a_year_later(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _publication(*, published_on: datetime.date | None, link: str) -> dict:
    if published_on is None:
        raise ApplicationError(
            "Give the publication date (published_on) to mark a deliverable published.",
            code="invalid",
        )
    if link:
        from django.core.validators import URLValidator

        try:
            URLValidator()(link)
        except ValidationError:
            raise ApplicationError(
                f"'{link}' is not a web address; give the full link, e.g. https://www.globalspaceexploration.org/...",
                code="invalid",
            ) from None
    return {"published_on": published_on, "published_precision": "day", "link": link}


PROGRESS_FIELDS = ("percent_complete", "rag", "next_milestone", "target_date", "status_note")


def deliverable_update_progress(
    *,
    deliverable: Deliverable,
    actor,
    expected_version: int,
    reason: str = "",
    **progress,
) -> Deliverable:
    """Update progress (percent, RAG, next milestone, target date, status note).

    Who: the lead group's co-chairs on the day, and the secretariat. Refused when the copy the
    user edited is stale, or once the deliverable is published or withdrawn.
    """
    unknown = set(progress) - set(PROGRESS_FIELDS)
    if unknown:
        raise ApplicationError(
            f"Progress has no field {', '.join(sorted(unknown))}; "
            f"use {', '.join(PROGRESS_FIELDS)}.",
            code="invalid",
        )
    with transaction.atomic():
        locked = lock_deliverable(deliverable, expected_version=expected_version)
        if not permissions.may_edit_deliverable(actor, locked):
            raise ApplicationError(
                f"Only the co-chairs of {locked.lead_group.acronym} and the secretariat may update "
                f"the progress of '{locked}'.",
                code="forbidden",
            )
        if locked.state in TERMINAL_STATES:
            raise ApplicationError(
                f"'{locked}' is {locked.state}: its progress is final.", code="illegal_move"
            )
        for field, value in progress.items():
            setattr(locked, field, value)
        try:
            locked.full_clean(exclude=["lead_group"])
        except ValidationError as exc:
            raise ApplicationError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()),
                code="invalid",
                extra={"fields": exc.message_dict},
            ) from None
        locked.version += 1
        locked._history_user = actor
        locked._change_reason = f"Progress update: {reason.strip() or 'no comment'}"
        locked.save()
    deliverable.refresh_from_db()
    return deliverable
