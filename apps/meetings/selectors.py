"""What a meeting's agenda is built from, and what its minutes say: reads only."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.workflow import TERMINAL_STATES
from apps.groups.models import OutlookItem, StructuralChange
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
        .select_related("deliverable__lead_group")
        .order_by("deadline", "pk")
    )
    for round in rounds[:ITEMS_PER_KIND]:
        deciding = round.meeting_id == meeting.pk
        proposed.append(
            Proposed(
                f"round:{round.pk}",
                Kind.ROUND_DECISION if deciding else Kind.ROUND_CLOSING,
                (
                    f"Consensus on {round.deliverable} ({round.deliverable.lead_group.acronym})"
                    if deciding
                    else f"Results of the consensus round on {round.deliverable}, closing "
                    f"{round.deadline:%d %B %Y}"
                ),
                round=round,
                deliverable=round.deliverable,
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
    changes = StructuralChange.objects.filter(Q(meeting=meeting) | Q(effective_on__gte=day))
    for change in changes.order_by("effective_on", "pk")[:ITEMS_PER_KIND]:
        proposed.append(
            Proposed(
                f"change:{change.pk}",
                Kind.STRUCTURAL_CHANGE,
                f"Structural change: {change.summary[:200]}",
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
    overdue = (
        _deliverables()
        .filter(target_date__lt=day)
        .exclude(
            state__in=TERMINAL_STATES | {DeliverableState.SUBMITTED, DeliverableState.IN_CONSENSUS}
        )
    )
    overdue = overdue.order_by("target_date", "pk")
    for deliverable in overdue[:ITEMS_PER_KIND]:
        proposed.append(
            Proposed(
                f"overdue:{deliverable.pk}",
                Kind.OVERDUE,
                f"Overdue: {deliverable} ({deliverable.lead_group.acronym}), due "
                f"{deliverable.target_date:%d %B %Y}, {deliverable.get_state_display()}",
                deliverable=deliverable,
            )
        )
    proposed += _more(overdue, "overdue", "more overdue deliverables: see the deliverables list")
    return proposed


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
        .select_related("round__deliverable__lead_group", "revision", "recorded_by")
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
