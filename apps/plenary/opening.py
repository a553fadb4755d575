"""Opening a consensus round: on a submitted deliverable, or on a proposed structural change.

Either way the one opening (_round_start): every agency that is a member on the day is
eligible, frozen with the round; those the tracker cannot write to must be acknowledged; each
eligible agency is told (notifications.py). The subject is locked before the round.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from apps.agencies.selectors import members_on
from apps.core.dates import date_for_people
from apps.core.errors import ApplicationError
from apps.core.limits import date_checked
from apps.core.transactions import atomic_retrying
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import lock_deliverable, move_make, move_refusal
from apps.deliverables.workflow import Move, moves_from
from apps.documents.models import Revision
from apps.documents.selectors import revision_for_round
from apps.groups.changes import change_for_update, change_round_opened
from apps.groups.models import ChangeState, StructuralChange

from . import notifications
from .guards import reason_checked, require_secretariat
from .models import ConsensusRound, PlenaryMeeting
from .notices import unreachable_acknowledged_check
from .objections import require_objections_answered

DEFAULT_ROUND_DAYS = 14


def save_round(round: ConsensusRound, *, actor, reason: str) -> None:
    round._history_user = actor
    round._change_reason = reason
    round.save()


def round_move(deliverable: Deliverable, target: str) -> Move | None:
    """The round move (open or cancel) the table allows to `target` now."""
    for move in moves_from(deliverable):
        if move.via_round and move.target == target:
            return move
    return None


@atomic_retrying
def consensus_round_open(
    *,
    deliverable: Deliverable,
    actor,
    channel: str,
    deadline: datetime.date | None = None,
    meeting: PlenaryMeeting | None = None,
    reason: str = "Submitted for plenary consensus",
    now: datetime.datetime | None = None,
    revision: Revision | None = None,
    unreachable_acknowledged: bool | Iterable[str] = False,
) -> ConsensusRound:
    """Open a round on a submitted deliverable, on `revision` (default: its latest current
    one), whose id and SHA-256 the round keeps. Eligible agencies the tracker cannot write to
    must be acknowledged by acronym (or all at once, by a command or the demo). Who: the
    secretariat."""
    require_secretariat(actor, "open a consensus round")
    reason = reason_checked(reason)
    now = now or timezone.now()
    locked = lock_deliverable(deliverable)
    move = round_move(locked, DeliverableState.IN_CONSENSUS)
    if move is None:
        allowed = move_refusal(locked, actor, DeliverableState.IN_CONSENSUS).extra
        raise ApplicationError(
            f"A consensus round opens only on a submitted deliverable; '{locked}' is "
            f"{locked.state} (not from {locked.state}).",
            code="illegal_move",
            extra=allowed,
        )
    require_objections_answered(locked)
    deadline = _deadline_checked(deadline, channel, now)
    text = revision_for_round(deliverable=locked, revision=revision)
    round = ConsensusRound(
        deliverable=locked, revision=text, revision_sha256=text.sha256 if text else ""
    )
    eligible_ids, reason = _round_start(
        round,
        actor=actor,
        channel=channel,
        deadline=deadline,
        meeting=meeting,
        reason=reason,
        now=now,
        unreachable_acknowledged=unreachable_acknowledged,
    )
    inputs = {"reason": reason, "channel": channel, "deadline": deadline}
    move_make(deliverable=locked, move=move, actor=actor, inputs=inputs)
    notifications.round_opened(round=round, eligible_ids=eligible_ids)
    return round


@atomic_retrying
def structural_change_round_open(
    *,
    change: StructuralChange,
    actor,
    channel: str,
    deadline: datetime.date | None = None,
    meeting: PlenaryMeeting | None = None,
    reason: str = "Proposed for plenary consensus",
    now: datetime.datetime | None = None,
    unreachable_acknowledged: bool | Iterable[str] = False,
) -> ConsensusRound:
    """Open a round on a proposed structural change: the same rule as for a product (every
    member on the day eligible, frozen; silence at the deadline is no objection; one standing
    objection blocks). Who: the secretariat."""
    require_secretariat(actor, "open a consensus round")
    reason = reason_checked(reason)
    now = now or timezone.now()
    locked = change_for_update(change)
    if locked.state != ChangeState.PROPOSED:
        raise ApplicationError(
            f"A consensus round opens only on a proposed change; this one is {locked.state_label}.",
            code="illegal_move",
            extra={"state": locked.state},
        )
    deadline = _deadline_checked(deadline, channel, now)
    round = ConsensusRound(structural_change=locked)
    eligible_ids, reason = _round_start(
        round,
        actor=actor,
        channel=channel,
        deadline=deadline,
        meeting=meeting,
        reason=reason,
        now=now,
        unreachable_acknowledged=unreachable_acknowledged,
    )
    change_round_opened(locked, actor=actor, reason=reason)
    notifications.round_opened(round=round, eligible_ids=eligible_ids)
    return round


def _deadline_checked(deadline, channel: str, now) -> datetime.date:
    today = timezone.localdate(now)
    date_checked(deadline, field="deadline")
    deadline = deadline or today + datetime.timedelta(days=DEFAULT_ROUND_DAYS)
    if channel not in ConsensusRound.Channel.values:
        raise ApplicationError(
            f"Unknown channel '{channel}'; use one of {', '.join(ConsensusRound.Channel.values)}.",
            code="invalid",
            extra={"fields": {"channel": [f"Use one of {', '.join(ConsensusRound.Channel)}."]}},
        )
    if deadline < today:
        raise ApplicationError(
            f"The deadline {date_for_people(deadline)} is already past; give today "
            f"({date_for_people(today)}) or a later day.",
            code="invalid",
            extra={"fields": {"deadline": [f"Give {date_for_people(today)} or a later day."]}},
        )
    return deadline


def _round_start(
    round: ConsensusRound,
    *,
    actor,
    channel,
    deadline,
    meeting,
    reason,
    now,
    unreachable_acknowledged,
) -> tuple[set[int], str]:
    """Freeze the eligible agencies (members today), check the unreachable ones were
    acknowledged, and save the round: the one opening of every round, whatever it decides."""
    today = timezone.localdate(now)
    eligible_ids = set(members_on(today).values_list("pk", flat=True))
    unreachable = unreachable_acknowledged_check(eligible_ids, unreachable_acknowledged, today)
    if unreachable:
        reason += f" (acknowledged as unreachable by the tracker: {', '.join(unreachable)})"
    round.channel = channel
    round.meeting = meeting
    round.opened_on = today
    round.opened_at = now
    round.opened_by = actor
    round.deadline = deadline
    save_round(round, actor=actor, reason=reason)
    round.eligible_agencies.set(eligible_ids)
    return eligible_ids, reason
