"""The refusals every round service shares, said once: who may, whether the round is still
open, before its deadline, and what a position and a reason must be."""

import datetime

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.core.limits import REASON_MAX_LENGTH, text_checked

from .models import ConsensusRound, Position


def require_secretariat(actor, doing: str) -> None:
    if not permissions.may_manage_record(actor):
        raise ApplicationError(f"Only the secretariat may {doing}.", code="forbidden")


def reason_checked(reason: str) -> str:
    return text_checked(
        reason,
        field="reason",
        limit=REASON_MAX_LENGTH,
        required=True,
        ask="Say why: this step records a reason.",
    )


def require_open(round: ConsensusRound, doing: str) -> None:
    if round.state != ConsensusRound.State.OPEN:
        raise ApplicationError(
            f"This round is already {round.state}"
            + (f" ({round.get_outcome_display()})" if round.outcome else "")
            + f": the consensus round on '{round.subject}' is {round.state} and can no "
            f"longer {doing}.",
            code="illegal_move",
            extra={"state": round.state},
        )


def require_before_deadline(round: ConsensusRound, today: datetime.date, doing: str) -> None:
    """Positions are taken until the end of the deadline day; after it the round is closing
    under the silence procedure, and nothing may change what it decides."""
    if round.deadline_passed_on(today):
        raise ApplicationError(
            f"The deadline ({round.deadline}) has passed; the round is closing under the "
            f"silence procedure, so it can no longer {doing}.",
            code="illegal_move",
            extra={"state": round.state},
        )


def require_position_kind(position: str) -> None:
    if position not in Position.Kind.values:
        use = f"Use one of {', '.join(Position.Kind.values)}."
        raise ApplicationError(
            f"Unknown position '{position}'. {use}",
            code="invalid",
            extra={"fields": {"position": [use]}},
        )


def require_may_speak(actor, agency: Agency, eligible_ids: set[int], locked) -> None:
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
