"""What happened to a round, from its history: opened, text replaced, reminded, extended,
cancelled, closed, each with who, when and why. One query, whatever the round's length.

Each event is told by the fields that changed between two history rows (the deadline moved
later, the state became cancelled), never by matching the words of a change reason.
"""

import datetime
from dataclasses import dataclass

from .models import ConsensusRound


def extension_reason(old_deadline: datetime.date, reason: str) -> str:
    """The history reason of an extension (services.consensus_round_extend); the event log
    reads the secretariat's own words back from it."""
    return f"Deadline extended from {old_deadline}: {reason}"


@dataclass(frozen=True)
class RoundEvent:
    kind: str  # opened, text_replaced, reminded, extended, cancelled, closed
    label: str
    at: datetime.datetime
    by: object | None  # the person; None: the tracker itself (deadline job, last answer)
    reason: str = ""
    deadline_from: datetime.date | None = None  # an extension: from and to
    deadline_to: datetime.date | None = None


def round_events(round: ConsensusRound) -> list[RoundEvent]:
    """The round's events, oldest first. A round of the record (loaded without history) still
    has its opening and, once decided, its closing or cancellation, from its own fields."""
    rows = list(round.history.select_related("history_user").order_by("history_date", "history_id"))
    events: list[RoundEvent] = []
    previous = None
    for row in rows:
        events += _changes(previous, row)
        previous = row
    kinds = {event.kind for event in events}
    if "opened" not in kinds:
        events.insert(0, RoundEvent("opened", "Opened", round.opened_at, round.opened_by))
    decided = {ConsensusRound.State.CLOSED: "closed", ConsensusRound.State.CANCELLED: "cancelled"}
    if round.state in decided and decided[round.state] not in kinds:
        events.append(_decision(round.state, round.closed_at, round.closed_by, round))
    return events


def _changes(previous, row) -> list[RoundEvent]:
    by, at, said = row.history_user, row.history_date, row.history_change_reason or ""
    if previous is None:
        return [RoundEvent("opened", "Opened", row.opened_at or at, by, said)]
    events = []
    if row.revision_id != previous.revision_id and previous.revision_id is not None:
        label = "Text replaced (editorial revision)"
        events.append(RoundEvent("text_replaced", label, at, by, said))
    if row.reminder_sent_at and not previous.reminder_sent_at:
        events.append(RoundEvent("reminded", "Deadline reminder sent", at, by))
    if row.deadline > previous.deadline:
        prefix = extension_reason(previous.deadline, "")
        events.append(
            RoundEvent(
                "extended",
                "Deadline extended",
                at,
                by,
                said.removeprefix(prefix),
                deadline_from=previous.deadline,
                deadline_to=row.deadline,
            )
        )
    if row.state != previous.state and row.state != ConsensusRound.State.OPEN:
        events.append(_decision(row.state, row.closed_at or at, by, row))
    return events


def _decision(state: str, at, by, row) -> RoundEvent:
    if state == ConsensusRound.State.CANCELLED:
        return RoundEvent("cancelled", "Cancelled", at, by, row.close_reason)
    outcome = ConsensusRound.Outcome(row.outcome).label if row.outcome else ""
    label = f"Closed: {outcome}" if outcome else "Closed"
    return RoundEvent("closed", label, at, by, row.close_reason)
