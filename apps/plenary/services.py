"""Consensus rounds: open, record positions, close exactly once, extend, cancel.

The consensus rule as ISECG works: every agency that is a member on the day a round opens is
eligible, frozen with the round. The latest position per agency counts; silence at the deadline
counts as no objection (the silence procedure); one standing objection blocks. Once the deadline
has passed, the round is closing: no position, extension or cancellation is taken any more.

A round decides a deliverable (its workflow moves follow) or a structural change (its
proposal is decided, apps/groups/changes.py). Every write locks the round's subject before the
round (locks.py).
"""

import datetime
import logging

from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.dates import date_for_people
from apps.core.errors import ApplicationError
from apps.core.limits import RATIONALE_MAX_LENGTH, date_checked, text_checked
from apps.core.transactions import atomic_retrying
from apps.deliverables.effects import effect
from apps.deliverables.locks import rows_for_update
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import move_make, move_refusal
from apps.deliverables.workflow import Actor, moves_from
from apps.groups.changes import (
    change_round_cancelled,
    change_round_decided,
)

from .events import extension_reason
from .guards import (
    can_cancel,
    can_close,
    can_extend,
    reason_checked,
    require_allowed,
    require_before_deadline,
    require_may_speak,
    require_open,
    require_position_kind,
    require_secretariat,
)
from .locks import round_for_update
from .models import ConsensusRound, Position
from .objections import objection_follow
from .opening import (  # noqa: F401 (the round services, in one place for their callers)
    DEFAULT_ROUND_DAYS,
    consensus_round_open,
    round_move,
    save_round,
    structural_change_round_open,
)
from .selectors import round_facts

logger = logging.getLogger(__name__)


@atomic_retrying
def position_record(
    *,
    round: ConsensusRound,
    actor,
    agency: Agency,
    position: str,
    rationale: str = "",
    now: datetime.datetime | None = None,
) -> Position:
    """Record an agency's position; it may be changed until the deadline.

    Who: the agency's delegate, or the secretariat on the agency's behalf (as stated in a
    plenary). The last eligible agency to answer closes the round.
    """
    now = now or timezone.now()
    require_position_kind(position)
    locked, eligible_ids = _taking_positions(round, now)
    require_may_speak(actor, agency, eligible_ids, locked)
    recorded = _position_write(
        locked, actor=actor, agency=agency, position=position, rationale=rationale, now=now
    )
    _close_if_all_answered(locked, eligible_ids, now=now)
    return recorded


def _taking_positions(round: ConsensusRound, now) -> tuple[ConsensusRound, set[int]]:
    """The round locked, if it takes positions now, and its eligible agencies."""
    locked = round_for_update(round)
    require_open(locked, "take positions")
    require_before_deadline(locked, timezone.localdate(now), "take positions")
    return locked, set(locked.eligible_agencies.values_list("pk", flat=True))


def _position_write(
    locked, *, actor, agency: Agency, position: str, rationale: str, now, meeting=None
) -> Position:
    rationale = text_checked(
        rationale,
        field="rationale",
        limit=RATIONALE_MAX_LENGTH,
        required=position == Position.Kind.OBJECT,
        ask=f"An objection ({agency.acronym}) must give its rationale: say what blocks "
        "consensus and what would resolve it.",
    )
    recorded = Position(
        round=locked,
        agency=agency,
        position=position,
        rationale=rationale,
        recorded_by=actor,
        on_behalf=meeting is not None or agency.pk not in permissions.delegate_agency_ids(actor),
        recorded_at=now,
        revision_id=locked.revision_id,
        meeting=meeting,
    )
    stated = f" as stated in {meeting.title}" if meeting else ""
    recorded._history_user = actor
    recorded._change_reason = f"{agency.acronym}: {recorded.get_position_display()}{stated}"
    recorded.save()
    objection_follow(recorded)
    return recorded


def _close_if_all_answered(locked, eligible_ids: set[int], *, now) -> None:
    answered = set(locked.positions.values_list("agency_id", flat=True).distinct())
    if eligible_ids <= answered:
        _close(locked, closed_by=None, reason="Every eligible agency has answered.", now=now)


@atomic_retrying
def consensus_round_close(
    *, round: ConsensusRound, actor, reason: str, now: datetime.datetime | None = None
) -> ConsensusRound:
    """Close a round once its deadline has passed or every eligible agency has answered, never
    earlier (that would deny an agency its say). Who: the secretariat."""
    require_secretariat(actor, "close a consensus round")
    now = now or timezone.now()
    locked = round_for_update(round)
    require_open(locked, "be closed")
    reason = reason_checked(reason)
    require_allowed(can_close(round_facts(round=locked, today=timezone.localdate(now))), locked)
    _close(locked, closed_by=actor, reason=reason, now=now)
    return locked


def consensus_rounds_close_expired(*, now: datetime.datetime | None = None) -> int:
    """The silence procedure: close every open round whose deadline has passed. Who: the beat
    job (and operators' commands)."""
    now = now or timezone.now()
    expired = ConsensusRound.objects.filter(
        ConsensusRound.deadline_passed_q(timezone.localdate(now)), state=ConsensusRound.State.OPEN
    ).values_list("pk", flat=True)
    closed, failures = 0, []
    for pk in list(expired):
        # One round that cannot close now must not keep the others open past their deadline.
        try:
            closed += _close_expired(ConsensusRound(pk=pk), now=now)
        except Exception as exc:
            logger.exception("Consensus round #%s could not be closed; the next run retries", pk)
            failures.append(exc)
    if failures:
        raise failures[0]
    return closed


@atomic_retrying
def _close_expired(round: ConsensusRound, *, now: datetime.datetime) -> int:
    locked = round_for_update(round)
    if locked.state != ConsensusRound.State.OPEN:
        return 0  # someone else got there first
    _close(
        locked,
        closed_by=None,
        reason=(
            f"Deadline {date_for_people(locked.deadline)} passed: silence counts as no objection."
        ),
        now=now,
    )
    return 1


def _close(round: ConsensusRound, *, closed_by, reason: str, now: datetime.datetime) -> None:
    """Decide the round (locked with its deliverable, open) and make the outcome's move. Runs
    exactly once per round."""
    facts = round_facts(round=round, today=timezone.localdate(now))
    round.state = ConsensusRound.State.CLOSED
    round.closed_at = now
    round.closed_by = closed_by
    round.close_reason = reason
    if facts.objections:
        round.outcome = ConsensusRound.Outcome.OBJECTED
        objections = "; ".join(f"{p.agency.acronym}: {p.rationale}" for p in facts.objections)
        why = f"{reason} Objections: {objections}"
    else:
        round.outcome = ConsensusRound.Outcome.CONSENSUS
        silent = len(facts.silence_counts)
        why = f"{reason} No standing objection ({silent} silent, counted as no objection)."
    if facts.silence_not_counted:
        untold = ", ".join(agency.acronym for agency in facts.silence_not_counted)
        why += f" Never told, so their silence is not counted as no objection: {untold}."
    save_round(round, actor=closed_by, reason=why)
    if round.structural_change_id:
        change_round_decided(
            round.structural_change,
            consensus=not facts.objections,
            actor=closed_by,
            why=why,
            now=now,
        )
        return
    # Objected: the move that hands the work back; else approve or await SAM, by the flag.
    outcomes = [m for m in moves_from(round.deliverable) if Actor.SYSTEM in m.actors]
    [move] = [m for m in outcomes if m.returns_work == bool(facts.objections)]
    move_make(deliverable=round.deliverable, move=move, actor=closed_by, inputs={"reason": why})


@atomic_retrying
def consensus_round_extend(
    *,
    round: ConsensusRound,
    actor,
    deadline: datetime.date,
    reason: str,
    now: datetime.datetime | None = None,
) -> ConsensusRound:
    """Move an open round's deadline later, before it has passed. Who: the secretariat."""
    require_secretariat(actor, "extend a consensus round")
    now = now or timezone.now()
    locked = round_for_update(round)
    require_allowed(can_extend(locked, timezone.localdate(now)), locked)
    reason = reason_checked(reason)
    date_checked(deadline, field="deadline")
    if deadline <= locked.deadline:
        raise ApplicationError(
            f"The new deadline must be after the current one ({date_for_people(locked.deadline)}).",
            code="invalid",
            extra={
                "fields": {"deadline": [f"Give a day after {date_for_people(locked.deadline)}."]}
            },
        )
    old = locked.deadline
    locked.deadline = deadline
    locked.reminder_sent_at = None  # a new deadline earns a new reminder
    save_round(locked, actor=actor, reason=extension_reason(old, reason))
    return locked


@atomic_retrying
def consensus_round_cancel(
    *, round: ConsensusRound, actor, reason: str, now: datetime.datetime | None = None
) -> ConsensusRound:
    """Cancel an open round before its deadline has passed; its deliverable goes back to
    submitted. Who: the secretariat."""
    require_secretariat(actor, "cancel a consensus round")
    now = now or timezone.now()
    locked = round_for_update(round)
    require_allowed(can_cancel(locked, timezone.localdate(now)), locked)
    reason = reason_checked(reason)
    if locked.structural_change_id:
        _cancel(locked, actor=actor, reason=reason, now=now)
        change_round_cancelled(locked.structural_change, actor=actor, reason=reason)
        return locked
    move = round_move(locked.deliverable, DeliverableState.SUBMITTED)
    if move is None:
        raise move_refusal(locked.deliverable, actor, DeliverableState.SUBMITTED)
    _cancel(locked, actor=actor, reason=reason, now=now)
    move_make(deliverable=locked.deliverable, move=move, actor=actor, inputs={"reason": reason})
    return locked


@effect("cancel_open_round")
def cancel_open_round(*, deliverable: Deliverable, actor, reason: str, **_) -> dict:
    """The withdraw move's effect: a deliverable withdrawn while in consensus takes its open
    round with it. The executor holds the deliverable's lock; its rounds are locked next."""
    rounds = ConsensusRound.objects.filter(deliverable=deliverable, state=ConsensusRound.State.OPEN)
    for round in rows_for_update(rounds):
        _cancel(round, actor=actor, reason=f"Deliverable withdrawn: {reason}", now=timezone.now())
    return {}


def _cancel(round: ConsensusRound, *, actor, reason: str, now: datetime.datetime) -> None:
    round.state = ConsensusRound.State.CANCELLED
    round.closed_at = now
    round.closed_by = actor
    round.close_reason = reason
    save_round(round, actor=actor, reason=f"Cancelled: {reason}")
