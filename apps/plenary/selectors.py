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
    today: datetime.date | None = None  # the day these facts were read for

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
    for position in round.positions.select_related("recorded_by", "agency", "meeting").order_by(
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
        today=today,
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


# --- what each role's queue on the home page asks of the rounds (apps/web/queues.py) ----------


def _eligible_entries():
    return ConsensusRound.eligible_agencies.through.objects.all()


def untold_unreachable_entries(*, today: datetime.date):
    """(round, agency) pairs of the eligible lists where the agency has not answered, was never
    told (no delivered notice, no other channel) and has nobody the tracker can write to on
    `today` (notices.agency_addresses): its silence will not count, and no mail can reach it."""
    from apps.agencies.models import DelegateAppointment
    from apps.core.models import OutboxMail, in_force_on

    from .models import AgencyNotice

    reachable = (
        DelegateAppointment.objects.filter(
            in_force_on(today), agency_id=OuterRef("agency_id"), person__is_active=True
        )
        .exclude(person__email="")
        .order_by()
    )
    answered = Position.objects.filter(
        round_id=OuterRef("consensusround_id"), agency_id=OuterRef("agency_id")
    ).order_by()
    told = (
        AgencyNotice.objects.filter(
            round_id=OuterRef("consensusround_id"), agency_id=OuterRef("agency_id")
        )
        .filter(Q(mail__state=OutboxMail.State.SENT) | Q(kind=AgencyNotice.Kind.OTHER_CHANNEL))
        .order_by()
    )
    return _eligible_entries().filter(~Exists(reachable), ~Exists(answered), ~Exists(told))


def rounds_with_unreachable_agencies(*, today: datetime.date):
    """Open rounds with an eligible agency nobody can write to that has neither answered nor
    been told another way, soonest deadline first (with open_rounds' counts)."""
    entries = untold_unreachable_entries(today=today).filter(consensusround_id=OuterRef("pk"))
    return open_rounds().filter(Exists(entries))


def unreachable_acronyms_by_round(*, round_ids: list[int], today: datetime.date) -> dict:
    """round id -> the acronyms of its untold unreachable agencies, in one query."""
    rows = (
        untold_unreachable_entries(today=today)
        .filter(consensusround_id__in=round_ids)
        .values_list("consensusround_id", "agency__acronym")
        .order_by("consensusround_id", "agency__acronym")
    )
    found: dict[int, list[str]] = {}
    for round_id, acronym in rows:
        found.setdefault(round_id, []).append(acronym)
    return found


def rounds_closing_between(*, first: datetime.date, last: datetime.date):
    """Open rounds whose deadline falls from `first` to `last` and that still wait for an
    answer (a round every agency answered is ready to close instead)."""
    return open_rounds().filter(
        deadline__gte=first, deadline__lte=last, answered_count__lt=F("eligible_count")
    )


def latest_positions_in_open_rounds(*, agency_ids):
    """The latest position of each of these agencies in each open round it answered: what
    counts now, and may still be changed until the round closes. `agency_ids` may be a set or
    a subquery."""
    later = Position.objects.filter(
        round_id=OuterRef("round_id"), agency_id=OuterRef("agency_id")
    ).filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    return (
        Position.objects.filter(agency_id__in=agency_ids, round__state=ConsensusRound.State.OPEN)
        .exclude(Exists(later.order_by()))
        .select_related(
            "agency", "recorded_by", "revision", "round__deliverable", "round__structural_change"
        )
        .order_by("round__deadline", "round_id", "agency__acronym")
    )


def rounds_closed_since(*, agency_ids, since: datetime.datetime):
    """Closed rounds in which one of these agencies was eligible, closed at or after `since`,
    the latest first. `agency_ids` may be a set or a subquery."""
    eligible = _eligible_entries().filter(
        consensusround_id=OuterRef("pk"), agency_id__in=agency_ids
    )
    return (
        ConsensusRound.objects.filter(state=ConsensusRound.State.CLOSED, closed_at__gte=since)
        .filter(Exists(eligible))
        .select_related("deliverable", "structural_change")
        .order_by("-closed_at", "-pk")
    )


def recent_position_groups(*, limit: int, round_ids=None) -> list[dict]:
    """The latest positions recorded, newest first, one row per round, person and day (a
    plenary's outcome recorded for every agency at once is one row): its round, who recorded
    them, when the last was, how many and of which kind, the agency when there was one, and
    whether the secretariat recorded them on the agencies' behalf. With `round_ids` (a set or
    a subquery), only those in these rounds. Two queries."""
    from django.db.models import Max
    from django.db.models.functions import TruncDate

    positions = Position.objects.all()
    if round_ids is not None:
        positions = positions.filter(round_id__in=round_ids)
    kinds = {f"n_{kind}": Count("pk", filter=Q(position=kind)) for kind in Position.Kind.values}
    groups = list(
        positions.order_by()
        .values("round_id", "recorded_by_id", day=TruncDate("recorded_at"))
        .annotate(
            n=Count("pk"),
            agencies=Count("agency_id", distinct=True),
            acronym=Max("agency__acronym"),
            on_behalf=Count("pk", filter=Q(on_behalf=True)),
            latest=Max("recorded_at"),
            recorder_first=Max("recorded_by__first_name"),
            recorder_last=Max("recorded_by__last_name"),
            recorder_username=Max("recorded_by__username"),
            **kinds,
        )
        .order_by("-latest")[:limit]
    )
    rounds = ConsensusRound.objects.select_related("deliverable", "structural_change").in_bulk(
        {group["round_id"] for group in groups}
    )
    labels = dict(Position.Kind.choices)
    for group in groups:
        group["round"] = rounds[group["round_id"]]
        counts = [(labels[kind], group[f"n_{kind}"]) for kind in Position.Kind.values]
        group["kinds"] = [(label, n) for label, n in counts if n]
    return groups
