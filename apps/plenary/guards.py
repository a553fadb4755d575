"""The refusals every round service shares, said once: who may, whether the round is still
open, before its deadline, and what a position and a reason must be. can_close, can_extend
and can_cancel answer "may it, now, and if not why" for the pages and the services alike."""

import datetime
from dataclasses import dataclass

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.dates import date_for_people
from apps.core.errors import ApplicationError
from apps.core.limits import REASON_MAX_LENGTH, text_checked

from .models import ConsensusRound, Position
from .selectors import RoundFacts


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


def open_refusal(round: ConsensusRound, doing: str) -> str:
    """Why the round cannot `doing` because it is no longer open; blank while it is open."""
    if round.state == ConsensusRound.State.OPEN:
        return ""
    return (
        f"This round is already {round.state}"
        + (f" ({round.get_outcome_display()})" if round.outcome else "")
        + f": the consensus round on '{round.subject}' is {round.state} and can no "
        f"longer {doing}."
    )


def require_open(round: ConsensusRound, doing: str) -> None:
    if refusal := open_refusal(round, doing):
        raise ApplicationError(refusal, code="illegal_move", extra={"state": round.state})


def deadline_refusal(round: ConsensusRound, today: datetime.date, doing: str) -> str:
    """Positions are taken until the end of the deadline day; after it the round is closing
    under the silence procedure, and nothing may change what it decides. Blank: not passed."""
    if not round.deadline_passed_on(today):
        return ""
    return (
        f"The deadline ({date_for_people(round.deadline)}) has passed; the round is closing "
        f"under the silence procedure, so it can no longer {doing}."
    )


def require_before_deadline(round: ConsensusRound, today: datetime.date, doing: str) -> None:
    if refusal := deadline_refusal(round, today, doing):
        raise ApplicationError(refusal, code="illegal_move", extra={"state": round.state})


@dataclass(frozen=True)
class Verdict:
    """Whether a step on a round is allowed now, and if not, why: what a page shows in place
    of the button and what the service refuses with, said once."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self):  # allowed, reason = can_close(...)
        return iter((self.allowed, self.reason))


def require_allowed(verdict: Verdict, round: ConsensusRound) -> None:
    """The service's refusal of a step a Verdict does not allow."""
    if not verdict:
        raise ApplicationError(verdict.reason, code="illegal_move", extra={"state": round.state})


def can_close(facts: RoundFacts) -> Verdict:
    """A round closes once its deadline has passed or every eligible agency has answered, never
    earlier: that would deny an agency its say. `facts` (round_facts) are read on the day."""
    round = facts.round
    if refusal := open_refusal(round, "be closed"):
        return Verdict(False, refusal)
    if facts.may_close_now:
        return Verdict(True)
    silent = ", ".join(agency.acronym for agency in facts.not_answered)
    return Verdict(
        False,
        f"The round cannot close before its deadline ({date_for_people(round.deadline)}) while "
        f"{len(facts.not_answered)} agencies have not answered ({silent}). Wait, or "
        "extend the deadline.",
    )


def can_extend(round: ConsensusRound, today: datetime.date) -> Verdict:
    """An open round's deadline moves later only before it has passed."""
    refusal = open_refusal(round, "be extended") or deadline_refusal(round, today, "be extended")
    return Verdict(not refusal, refusal)


def can_cancel(round: ConsensusRound, today: datetime.date) -> Verdict:
    """An open round is cancelled only before its deadline has passed."""
    refusal = open_refusal(round, "be cancelled") or deadline_refusal(round, today, "be cancelled")
    return Verdict(not refusal, refusal)


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
            f"{date_for_people(locked.opened_on)}, the day the round opened.",
            code="invalid",
        )
    if agency.pk not in permissions.agencies_user_may_speak_for(actor, eligible_ids):
        raise ApplicationError(
            f"You may not record a position for {agency.acronym}: only its delegate, or "
            "the secretariat on its behalf, may.",
            code="forbidden",
        )
