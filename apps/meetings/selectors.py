"""What a meeting's agenda is built from, and what its minutes say: reads only."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from apps.core.dates import LONG, date_as_stored
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.selectors import overdue_on
from apps.deliverables.workflow import TERMINAL_STATES
from apps.groups.change_selectors import PENDING_STATES
from apps.groups.models import ChangeState, OutlookItem, StructuralChange
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position

from .models import AgendaItem, Attendance, Decision

Kind = AgendaItem.Kind
# An agenda lists at most this many items of one kind, the most pressing first, then one item
# saying how many more there are: a meeting takes a page of business, not the whole tracker.
ITEMS_PER_KIND = 20
MORE_COUNTED = 999


@dataclass(frozen=True)
class Proposed:
    """An item the tracker proposes for the agenda; `source_key` says what it is about."""

    source_key: str
    kind: str
    title: str
    round: ConsensusRound | None = None
    deliverable: Deliverable | None = None
    structural_change: StructuralChange | None = None
    previous_meeting: PlenaryMeeting | None = None


def meeting_day(meeting: PlenaryMeeting) -> datetime.date:
    return meeting.starts_on


def previous_meeting(meeting: PlenaryMeeting) -> PlenaryMeeting | None:
    """The latest meeting before this one (samples only before samples)."""
    earlier = PlenaryMeeting.objects.filter(starts_on__lt=meeting.starts_on).exclude(pk=meeting.pk)
    if not meeting.is_sample:
        earlier = earlier.filter(is_sample=False)
    return earlier.order_by("-starts_on", "-pk").first()


def agenda_proposed(meeting: PlenaryMeeting) -> list[Proposed]:
    """Everything the tracker says this meeting should take, in the order of a plenary agenda:
    the previous minutes, consensus decisions, rounds closing before it, products awaiting a
    round, structural changes, next year's outlook, overdue deliverables."""
    day = meeting_day(meeting)
    proposed: list[Proposed] = []
    before = previous_meeting(meeting)
    if before is not None and before.minutes_approved_in_id is None:
        proposed.append(
            Proposed(
                f"minutes:{before.pk}",
                Kind.MINUTES,
                f"Approval of the minutes of {before.title}",
                previous_meeting=before,
            )
        )
    since = before.starts_on if before is not None else day - datetime.timedelta(days=365)
    rounds = (
        ConsensusRound.objects.filter(state=ConsensusRound.State.OPEN)
        .filter(Q(meeting=meeting) | Q(deadline__lt=day, deadline__gte=since))
        .select_related("deliverable__lead_group", "structural_change")
        .prefetch_related("structural_change__groups")
        .order_by("deadline", "pk")
    )
    rounds = list(rounds[:ITEMS_PER_KIND])
    for round in rounds:
        deciding = round.meeting_id == meeting.pk
        proposed.append(
            Proposed(
                f"round:{round.pk}",
                Kind.ROUND_DECISION if deciding else Kind.ROUND_CLOSING,
                _round_title(round, deciding=deciding),
                round=round,
                deliverable=round.deliverable,
                structural_change=round.structural_change,
            )
        )
    submitted = (
        _deliverables().filter(state=DeliverableState.SUBMITTED).order_by("updated_at", "pk")
    )
    for deliverable in submitted[:ITEMS_PER_KIND]:
        proposed.append(
            Proposed(
                f"awaiting:{deliverable.pk}",
                Kind.AWAITING_ROUND,
                f"{deliverable} ({deliverable.lead_group.acronym}): submitted, to be put to "
                "consensus",
                deliverable=deliverable,
            )
        )
    proposed += _more(submitted, "awaiting", "more products submitted, awaiting a round")
    # The proposals still to decide; one whose round is on the agenda above is not repeated.
    in_rounds = {round.structural_change_id for round in rounds if round.structural_change_id}
    changes = (
        StructuralChange.objects.filter(state__in=PENDING_STATES)
        .exclude(pk__in=in_rounds)
        .select_related("into_group")
        .prefetch_related("groups", "consensus_rounds")
        .order_by("effective_on", "pk")
    )
    for change in changes[:ITEMS_PER_KIND]:
        proposed.append(
            Proposed(
                f"change:{change.pk}",
                Kind.STRUCTURAL_CHANGE,
                _change_title(change),
                structural_change=change,
            )
        )
    outlook_year = day.year + 1
    if OutlookItem.objects.filter(year=outlook_year).exists():
        proposed.append(
            Proposed(
                f"outlook:{outlook_year}",
                Kind.OUTLOOK,
                f"Adoption of the {outlook_year} outlook of the working groups",
            )
        )
    # Overdue once its target's period has ended: a "2026" target from 1 January 2027.
    overdue = overdue_on(_deliverables(), day=day).exclude(
        state__in=TERMINAL_STATES | {DeliverableState.SUBMITTED, DeliverableState.IN_CONSENSUS}
    )
    overdue = overdue.order_by("target_end", "pk")
    for deliverable in overdue[:ITEMS_PER_KIND]:
        due = date_as_stored(deliverable.target_date, deliverable.target_precision, style=LONG)
        proposed.append(
            Proposed(
                f"overdue:{deliverable.pk}",
                Kind.OVERDUE,
                f"Overdue: {deliverable} ({deliverable.lead_group.acronym}), due {due}, "
                f"{deliverable.get_state_display()}",
                deliverable=deliverable,
            )
        )
    proposed += _more(overdue, "overdue", "more overdue deliverables: see the deliverables list")
    return proposed


def _proposal_named(change: StructuralChange) -> str:
    acronyms = ", ".join(g.acronym for g in change.groups.all()) or "a new group"
    return f"the proposed {change.get_kind_display()} ({acronyms})"


def _round_title(round: ConsensusRound, *, deciding: bool) -> str:
    if round.structural_change_id:
        subject = _proposal_named(round.structural_change)
        if deciding:
            return f"Consensus on {subject}: {round.structural_change.summary[:200]}"
        return f"Results of the consensus round on {subject}, closing {round.deadline:%d %B %Y}"
    if deciding:
        return f"Consensus on {round.deliverable} ({round.deliverable.lead_group.acronym})"
    return (
        f"Results of the consensus round on {round.deliverable}, closing {round.deadline:%d %B %Y}"
    )


def _change_title(change: StructuralChange) -> str:
    """A proposal as a proposal: what it would do, and where it stands."""
    where = {
        ChangeState.PROPOSED: "proposed, to be put to consensus",
        ChangeState.AWAITING_ENDORSEMENT: "agreed by consensus, awaiting SAM endorsement",
    }.get(change.state, change.state_label)
    if change.state == ChangeState.IN_CONSENSUS:
        open_round = next(
            (r for r in change.consensus_rounds.all() if r.state == ConsensusRound.State.OPEN), None
        )
        if open_round is not None:
            where = f"in a consensus round until {open_round.deadline:%d %B %Y}"
    acronyms = ", ".join(g.acronym for g in change.groups.all()) or "a new group"
    into = f" into {change.into_group.acronym}" if change.into_group_id else ""
    what = f"{change.get_kind_display()} of {acronyms}{into}"
    return f"Structural change ({where}): {what}. {change.summary[:200]}"


def _more(rows, key: str, what: str) -> list[Proposed]:
    """One item counting the rows past the first ITEMS_PER_KIND, if there are any."""
    # Counted up to a bound: past it, "999 or more" says as much and costs no more to find.
    more = rows[ITEMS_PER_KIND : ITEMS_PER_KIND + MORE_COUNTED].count()
    if not more:
        return []
    kind = Kind.OVERDUE if key == "overdue" else Kind.AWAITING_ROUND
    count = f"{more} or more" if more == MORE_COUNTED else str(more)
    return [Proposed(f"{key}:more", kind, f"{count} {what}")]


def _deliverables():
    return Deliverable.objects.select_related("lead_group").order_by("lead_group__acronym", "pk")


def agenda_items(meeting: PlenaryMeeting, *, with_removed: bool = False):
    items = meeting.agenda_items.select_related(
        "round", "deliverable__lead_group", "structural_change", "previous_meeting", "added_by"
    )
    return items if with_removed else items.filter(removed=False)


def attendance_by_agency(meeting: PlenaryMeeting) -> dict[int, Attendance]:
    return {row.agency_id: row for row in meeting.attendance.select_related("agency")}


def present_agency_ids(meeting: PlenaryMeeting) -> set[int]:
    return set(
        meeting.attendance.filter(status=Attendance.Status.PRESENT).values_list(
            "agency_id", flat=True
        )
    )


@dataclass(frozen=True)
class MinutesEntry:
    decision: Decision
    positions: tuple[Position, ...]


def minutes_entries(meeting: PlenaryMeeting) -> list[MinutesEntry]:
    """Every decision taken at the meeting with the positions stated there."""
    stated = Position.objects.filter(meeting=meeting).select_related("agency")
    decisions = (
        Decision.objects.filter(meeting=meeting)
        .select_related(
            "round__deliverable__lead_group", "round__structural_change", "revision", "recorded_by"
        )
        .defer("revision__text")  # a revision's extracted text can be megabytes
        .prefetch_related(Prefetch("round__positions", queryset=stated, to_attr="stated_here"))
    )
    return [
        MinutesEntry(
            decision=decision,
            positions=tuple(sorted(decision.round.stated_here, key=lambda p: p.agency.acronym)),
        )
        for decision in decisions
    ]
