"""What a consensus round stands at: read in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ConsensusRound, Position
from .notices import told_agency_ids


@dataclass(frozen=True)
class AgencyPosition:
    agency: object
    latest: Position | None  # None: not answered yet (silence counts as no objection at close)
    earlier: tuple[Position, ...] = ()


@dataclass(frozen=True)
class RoundFacts:
    round: ConsensusRound
    rows: tuple[AgencyPosition, ...]
    tally: dict[str, int] = field(default_factory=dict)
    not_answered: tuple = ()
    objections: tuple[Position, ...] = ()
    deadline_passed: bool = False
    days_left: int = 0
    # Of the agencies not answered: told (their silence counts as no objection) or not.
    silence_counts: tuple = ()
    silence_not_counted: tuple = ()

    @property
    def tally_rows(self) -> list[tuple[str, int]]:
        """The tally with each position's label, in the order of Position.Kind."""
        return [(label, self.tally.get(kind, 0)) for kind, label in Position.Kind.choices]

    @property
    def all_answered(self) -> bool:
        return not self.not_answered

    @property
    def may_close_now(self) -> bool:
        """Closing earlier would deny an agency its say."""
        return self.round.state == ConsensusRound.State.OPEN and (
            self.deadline_passed or self.all_answered
        )


def round_facts(*, round: ConsensusRound, today: datetime.date | None = None) -> RoundFacts:
    """The eligible agencies with their latest and earlier positions, the tally, who is silent,
    the objections standing and the time left."""
    today = today or timezone.localdate()
    eligible = list(round.eligible_agencies.order_by("country", "name"))
    by_agency: dict[int, list[Position]] = {}
    for position in round.positions.select_related("recorded_by", "agency").order_by(
        "agency_id", "-recorded_at", "-id"
    ):
        by_agency.setdefault(position.agency_id, []).append(position)
    rows = tuple(
        AgencyPosition(
            agency=agency,
            latest=(by_agency.get(agency.pk) or [None])[0],
            earlier=tuple(by_agency.get(agency.pk, [])[1:]),
        )
        for agency in eligible
    )
    tally = {kind: 0 for kind in Position.Kind.values}
    for row in rows:
        if row.latest:
            tally[row.latest.position] += 1
    not_answered = tuple(row.agency for row in rows if row.latest is None)
    told = told_agency_ids(round) if not_answered else set()
    return RoundFacts(
        round=round,
        rows=rows,
        tally=tally,
        not_answered=not_answered,
        silence_counts=tuple(agency for agency in not_answered if agency.pk in told),
        silence_not_counted=tuple(agency for agency in not_answered if agency.pk not in told),
        objections=tuple(
            row.latest for row in rows if row.latest and row.latest.position == "object"
        ),
        deadline_passed=round.deadline_passed_on(today),
        days_left=max((round.deadline - today).days, 0),
    )


def rounds_awaiting(*, agency_ids: set[int]):
    """Open rounds in which one of these agencies is eligible and has not yet answered."""
    eligible = ConsensusRound.eligible_agencies.through.objects.filter(
        consensusround_id=OuterRef("pk"), agency_id__in=agency_ids
    )
    answered = Position.objects.filter(round_id=OuterRef("pk"), agency_id__in=agency_ids)
    return (
        ConsensusRound.objects.filter(state=ConsensusRound.State.OPEN)
        .filter(Exists(eligible))
        .exclude(Exists(answered))
        .select_related("deliverable__lead_group", "structural_change")
        .order_by("deadline", "pk")
    )


def open_rounds():
    """Every open round, soonest deadline first, with how many eligible agencies have answered.

    The counts are subqueries per round: counting over a join of agencies and positions would
    multiply the rows of both.
    """
    eligible = (
        ConsensusRound.eligible_agencies.through.objects.filter(consensusround_id=OuterRef("pk"))
        .values("consensusround_id")
        .annotate(n=Count("agency_id"))
        .values("n")
    )
    answered = (
        Position.objects.filter(round_id=OuterRef("pk"))
        .order_by()  # the default ordering would join the round table in again
        .values("round_id")
        .annotate(n=Count("agency_id", distinct=True))
        .values("n")
    )
    return (
        ConsensusRound.objects.filter(state=ConsensusRound.State.OPEN)
        .select_related("deliverable__lead_group", "structural_change")
        .annotate(
            eligible_count=Coalesce(Subquery(eligible), 0),
            answered_count=Coalesce(Subquery(answered), 0),
        )
        .order_by("deadline", "pk")
    )


def rounds_ready_to_close(*, today: datetime.date):
    """Open rounds the secretariat may close now: deadline passed, or every agency answered."""
    return open_rounds().filter(
        ConsensusRound.deadline_passed_q(today) | Q(answered_count__gte=F("eligible_count"))
    )
