"""Consensus rounds: open, record positions, close exactly once, extend, cancel.

The consensus rule as ISECG works: every agency that is a member on the day a round opens is
eligible, frozen with the round. The latest position per agency counts; silence at the deadline
counts as no objection (the silence procedure); one standing objection blocks.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.agencies.selectors import members_on
from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import apply_move, lock_deliverable
from apps.deliverables.workflow import MOVES, Actor, find_move

from . import notifications
from .models import ConsensusRound, PlenaryMeeting, Position
from .selectors import round_facts

DEFAULT_ROUND_DAYS = 14
_MOVES = {move.name: move for move in MOVES}


def _require_secretariat(actor, doing: str) -> None:
    if not permissions.may_manage_record(actor):
        raise ApplicationError(f"Only the secretariat may {doing}.", code="forbidden")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why: this step records a reason.", code="invalid")
    return reason


def _lock_round(round: ConsensusRound) -> ConsensusRound:
    return (
        ConsensusRound.objects.select_for_update()
        .select_related("deliverable__lead_group")
        .get(pk=round.pk)
    )


def _save_round(round: ConsensusRound, *, actor, reason: str) -> None:
    round._history_user = actor
    round._change_reason = reason
    round.save()


def consensus_round_open(
    *,
    deliverable: Deliverable,
    actor,
    channel: str,
    deadline: datetime.date | None = None,
    meeting: PlenaryMeeting | None = None,
    reason: str = "Submitted for plenary consensus",
    now: datetime.datetime | None = None,
) -> ConsensusRound:
    """Open a round on a submitted deliverable. Who: the secretariat."""
    _require_secretariat(actor, "open a consensus round")
    now = now or timezone.now()
    today = timezone.localdate(now)
    deadline = deadline or today + datetime.timedelta(days=DEFAULT_ROUND_DAYS)
    if channel not in ConsensusRound.Channel.values:
        raise ApplicationError(
            f"Unknown channel '{channel}'; use one of {', '.join(ConsensusRound.Channel.values)}.",
            code="invalid",
        )
    if deadline < today:
        raise ApplicationError(
            f"The deadline {deadline} is already past; give today ({today}) or a later day.",
            code="invalid",
        )
    with transaction.atomic():
        locked = lock_deliverable(deliverable)
        move = find_move(locked, _MOVES["open_round"].target, {Actor.SECRETARIAT})
        if move is None or move.name != "open_round":
            raise ApplicationError(
                f"A consensus round opens only on a submitted deliverable; '{locked}' is "
                f"{locked.state}.",
                code="illegal_move",
                extra={"state": locked.state},
            )
        round = ConsensusRound(
            deliverable=locked,
            channel=channel,
            meeting=meeting,
            opened_on=today,
            opened_at=now,
            opened_by=actor,
            deadline=deadline,
        )
        _save_round(round, actor=actor, reason=reason)
        eligible_ids = set(members_on(today).values_list("pk", flat=True))
        round.eligible_agencies.set(eligible_ids)
        apply_move(deliverable=locked, move=move, actor=actor, reason=reason)
        notifications.round_opened(round=round, eligible_ids=eligible_ids)
    return round


def position_record(
    *,
    round: ConsensusRound,
    actor,
    agency: Agency,
    position: str,
    rationale: str = "",
    now: datetime.datetime | None = None,
) -> Position:
    """Record an agency's position; it may be changed until the round closes.

    Who: the agency's delegate, or the secretariat on the agency's behalf (as stated in a
    plenary). The last eligible agency to answer closes the round.
    """
    now = now or timezone.now()
    rationale = (rationale or "").strip()
    if position not in Position.Kind.values:
        raise ApplicationError(
            f"Unknown position '{position}'; use one of {', '.join(Position.Kind.values)}.",
            code="invalid",
        )
    if position == Position.Kind.OBJECT and not rationale:
        raise ApplicationError(
            "An objection must give its rationale: say what blocks consensus and what would "
            "resolve it.",
            code="invalid",
        )
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != ConsensusRound.State.OPEN:
            raise ApplicationError(
                f"The consensus round on '{locked.deliverable}' is {locked.state}; positions "
                "can no longer be recorded.",
                code="illegal_move",
            )
        if timezone.localdate(now) > locked.deadline:
            raise ApplicationError(
                f"The deadline ({locked.deadline}) has passed; the round is closing under the "
                "silence procedure.",
                code="illegal_move",
            )
        eligible_ids = set(locked.eligible_agencies.values_list("pk", flat=True))
        if agency.pk not in eligible_ids:
            raise ApplicationError(
                f"{agency.acronym} is not eligible in this round: it was not a member on "
                f"{locked.opened_on}, the day the round opened.",
                code="invalid",
            )
        if agency.pk not in permissions.agencies_user_may_speak_for(actor, eligible_ids):
            raise ApplicationError(
                f"You may not record a position for {agency.acronym}: only its delegate, or "
                "the secretariat on its behalf, may.",
                code="forbidden",
            )
        recorded = Position(
            round=locked,
            agency=agency,
            position=position,
            rationale=rationale,
            recorded_by=actor,
            on_behalf=agency.pk not in permissions.delegate_agency_ids(actor),
            recorded_at=now,
        )
        recorded._history_user = actor
        recorded.save()
        answered = set(locked.positions.values_list("agency_id", flat=True).distinct())
        if eligible_ids <= answered:
            _close(locked, closed_by=None, reason="Every eligible agency has answered.", now=now)
    return recorded


def consensus_round_close(
    *, round: ConsensusRound, actor, reason: str, now: datetime.datetime | None = None
) -> ConsensusRound:
    """Close a round once its deadline has passed or every eligible agency has answered, never
    earlier (that would deny an agency its say). Who: the secretariat."""
    _require_secretariat(actor, "close a consensus round")
    reason = _require_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != ConsensusRound.State.OPEN:
            raise ApplicationError(
                f"This round is already {locked.state}"
                + (f" ({locked.get_outcome_display()})." if locked.outcome else "."),
                code="illegal_move",
            )
        facts = round_facts(round=locked, today=timezone.localdate(now))
        if not facts.may_close_now:
            silent = ", ".join(agency.acronym for agency in facts.not_answered)
            raise ApplicationError(
                f"The round cannot close before its deadline ({locked.deadline}) while "
                f"{len(facts.not_answered)} agencies have not answered ({silent}). Wait, or "
                "extend the deadline.",
                code="illegal_move",
            )
        _close(locked, closed_by=actor, reason=reason, now=now)
    return locked


def consensus_rounds_close_expired(*, now: datetime.datetime | None = None) -> int:
    """The silence procedure: close every open round whose deadline has passed. Who: the beat
    job (and operators' commands)."""
    now = now or timezone.now()
    closed = 0
    expired = ConsensusRound.objects.filter(
        state=ConsensusRound.State.OPEN, deadline__lt=timezone.localdate(now)
    ).values_list("pk", flat=True)
    for pk in list(expired):
        with transaction.atomic():
            locked = _lock_round(ConsensusRound(pk=pk))
            if locked.state != ConsensusRound.State.OPEN:
                continue  # someone else got there first
            _close(
                locked,
                closed_by=None,
                reason=f"Deadline {locked.deadline} passed: silence counts as no objection.",
                now=now,
            )
            closed += 1
    return closed


def _close(round: ConsensusRound, *, closed_by, reason: str, now: datetime.datetime) -> None:
    """Decide the round (locked, open) and move its deliverable. Runs exactly once per round."""
    facts = round_facts(round=round, today=timezone.localdate(now))
    round.state = ConsensusRound.State.CLOSED
    round.closed_at = now
    round.closed_by = closed_by
    round.close_reason = reason
    deliverable = lock_deliverable(round.deliverable)
    if facts.objections:
        round.outcome = ConsensusRound.Outcome.OBJECTED
        objections = "; ".join(f"{p.agency.acronym}: {p.rationale}" for p in facts.objections)
        move, why = _MOVES["return_objected"], f"{reason} Objections: {objections}"
    else:
        round.outcome = ConsensusRound.Outcome.CONSENSUS
        silent = len(facts.not_answered)
        target = (
            DeliverableState.SAM_ENDORSEMENT
            if deliverable.needs_sam_endorsement
            else DeliverableState.APPROVED
        )
        move = find_move(deliverable, target, {Actor.SYSTEM})
        why = f"{reason} No standing objection ({silent} silent, counted as no objection)."
    _save_round(round, actor=closed_by, reason=why)
    apply_move(deliverable=deliverable, move=move, actor=closed_by, reason=why)


def consensus_round_extend(
    *, round: ConsensusRound, actor, deadline: datetime.date, reason: str
) -> ConsensusRound:
    """Move an open round's deadline later. Who: the secretariat."""
    _require_secretariat(actor, "extend a consensus round")
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != ConsensusRound.State.OPEN:
            raise ApplicationError(f"This round is already {locked.state}.", code="illegal_move")
        if deadline <= locked.deadline:
            raise ApplicationError(
                f"The new deadline must be after the current one ({locked.deadline}).",
                code="invalid",
            )
        old = locked.deadline
        locked.deadline = deadline
        locked.reminder_sent_at = None  # a new deadline earns a new reminder
        _save_round(locked, actor=actor, reason=f"Deadline extended from {old}: {reason}")
    return locked


def consensus_round_cancel(*, round: ConsensusRound, actor, reason: str) -> ConsensusRound:
    """Cancel an open round; its deliverable goes back to submitted. Who: the secretariat."""
    _require_secretariat(actor, "cancel a consensus round")
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != ConsensusRound.State.OPEN:
            raise ApplicationError(f"This round is already {locked.state}.", code="illegal_move")
        _cancel(locked, actor=actor, reason=reason)
        deliverable = lock_deliverable(locked.deliverable)
        apply_move(deliverable=deliverable, move=_MOVES["cancel_round"], actor=actor, reason=reason)
    return locked


def cancel_open_round_for_withdrawal(*, deliverable: Deliverable, actor, reason: str) -> None:
    """A deliverable withdrawn while in consensus takes its open round with it.

    For deliverables.services only, inside its transaction, after its own permission checks.
    """
    for round in ConsensusRound.objects.select_for_update().filter(
        deliverable=deliverable, state=ConsensusRound.State.OPEN
    ):
        _cancel(round, actor=actor, reason=f"Deliverable withdrawn: {reason}")


def _cancel(round: ConsensusRound, *, actor, reason: str) -> None:
    round.state = ConsensusRound.State.CANCELLED
    round.closed_at = timezone.now()
    round.closed_by = actor
    round.close_reason = reason
    _save_round(round, actor=actor, reason=f"Cancelled: {reason}")


def consensus_rounds_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the eligible delegates three days before a round's deadline, once per deadline.
    Who: the beat job."""
    now = now or timezone.now()
    due = timezone.localdate(now) + datetime.timedelta(days=3)
    sent = 0
    for pk in list(
        ConsensusRound.objects.filter(
            state=ConsensusRound.State.OPEN, deadline=due, reminder_sent_at__isnull=True
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            locked = _lock_round(ConsensusRound(pk=pk))
            if locked.state != ConsensusRound.State.OPEN or locked.reminder_sent_at:
                continue
            eligible = set(locked.eligible_agencies.values_list("pk", flat=True))
            answered = set(locked.positions.values_list("agency_id", flat=True))
            notifications.round_deadline_near(
                round=locked, agency_ids=eligible, answered_ids=answered
            )
            locked.reminder_sent_at = now
            _save_round(locked, actor=None, reason="Deadline reminder sent to the delegates.")
            sent += 1
    return sent
