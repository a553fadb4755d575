"""Synthetic data at a multiple of the real record, for benchmarks and query-budget tests.

generate_scale_data adds, on top of the loaded record, `scale` times a block of synthetic forum
life: 200 deliverables, each with the full history of its walk through the workflow, the
consensus rounds those walks went through with their positions, working groups with co-chairs,
meetings, outlook items and activities. Everything comes from one random.Random(seed), so the
same seed and scale give the same rows. Rows are written with bulk inserts; history rows with
simple-history's bulk helpers (bulk_create_with_history, bulk_history_create), so the history
reads as if people had made every move. Synthetic rows carry a `source` starting with
SCALE_SOURCE so they are never mistaken for the record.

Not written: many-to-many history snapshots (simple-history's bulk helpers do not write them).
"""

import copy
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.agencies.models import Agency, DelegateAppointment
from apps.core.errors import ApplicationError
from apps.deliverables.models import Activity, Deliverable, DeliverableState
from apps.deliverables.workflow import MOVES, Actor
from apps.groups.models import (
    CoChairAppointment,
    GroupStatus,
    MandateVersion,
    OutlookItem,
    WorkingGroup,
)
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position

SCALE_SOURCE = "synthetic (generate_scale_data"
DELIVERABLES_PER_SCALE = 200
ACTIVITIES_PER_SCALE = 20
FIRST_YEAR, LAST_YEAR = 2008, 2026
# In every run of LONG_HISTORY_EVERY deliverables, the first published one has a long life of
# progress updates: the page that shows a long history must stay fast.
LONG_HISTORY_EVERY, LONG_HISTORY_UPDATES = 200, 120
CHUNK = 1000

S = DeliverableState
MOVE_BY_STEP = {(source, move.target): move for move in MOVES for source in move.sources}

# Walks through the workflow, each a legal sequence of states (checked by the tests).
PUBLISHED_WALK = [S.DRAFTING, S.WG_REVIEW, S.SUBMITTED, S.IN_CONSENSUS, S.APPROVED, S.PUBLISHED]
REWORKED_WALK = [
    S.DRAFTING,
    S.WG_REVIEW,
    S.DRAFTING,
    S.WG_REVIEW,
    S.SUBMITTED,
    S.IN_CONSENSUS,
    S.APPROVED,
    S.PUBLISHED,
]
SAM_WALK = [
    S.DRAFTING,
    S.WG_REVIEW,
    S.SUBMITTED,
    S.IN_CONSENSUS,
    S.SAM_ENDORSEMENT,
    S.APPROVED,
    S.PUBLISHED,
]
OPEN_WALKS = {
    S.PLANNED: [],
    S.DRAFTING: [S.DRAFTING],
    S.WG_REVIEW: [S.DRAFTING, S.WG_REVIEW],
    S.SUBMITTED: [S.DRAFTING, S.WG_REVIEW, S.SUBMITTED],
    S.IN_CONSENSUS: [S.DRAFTING, S.WG_REVIEW, S.SUBMITTED, S.IN_CONSENSUS],
    S.APPROVED: [S.DRAFTING, S.WG_REVIEW, S.SUBMITTED, S.IN_CONSENSUS, S.APPROVED],
}

TOPICS = [
    "Lunar surface mobility",
    "Mars sample return",
    "Cislunar communications",
    "In-situ resource utilisation",
    "Crew health and performance",
    "Radiation protection",
    "Surface power",
    "Autonomous systems",
    "Life support closure",
    "Planetary protection",
    "Lunar navigation",
    "Gateway utilisation",
    "Science on the lunar surface",
    "Commercial partnerships",
    "Entry, descent and landing",
    "Small body exploration",
    "Public engagement",
    "Interoperability standards",
    "Analogue missions",
    "Cryogenic propulsion",
]
KINDS = [
    (Deliverable.Kind.WHITE_PAPER, "white paper"),
    (Deliverable.Kind.TECHNICAL_REPORT, "gap assessment"),
    (Deliverable.Kind.CONFERENCE_PAPER, "conference paper"),
    (Deliverable.Kind.WEBNEWS, "webnews item"),
    (Deliverable.Kind.PLAN, "plan"),
    (Deliverable.Kind.OTHER, "study"),
]


@dataclass(frozen=True)
class ScaleResult:
    deliverables: int
    history_rows: int
    rounds: int
    positions: int
    groups: int
    outlook_items: int
    activities: int
    meetings: int


@dataclass
class _Cast:
    """Who acts in the synthetic record: the secretariat, each group's co-chair, delegates."""

    secretariat: User
    groups: list[WorkingGroup]
    cochair_of: dict[int, User]
    delegate_of: dict[int, User]
    members_by_year: dict[int, list[Agency]]


def scale_data_generate(
    *, scale: float, seed: int = 1, progress: Callable[[str], None] = lambda _: None
) -> ScaleResult:
    """Add `scale` blocks of synthetic data on top of the record; refuses to add the same twice.

    For operators and benchmarks (the generate_scale_data command). Needs the record loaded.
    """
    if scale <= 0:
        raise ApplicationError(f"The scale must be above 0 (got {scale}); e.g. --scale 100.")
    if not Agency.objects.exists():
        raise ApplicationError(
            "The ISECG record is not loaded: run `python manage.py seed_demo` (or load_record) "
            "first, then generate the synthetic data on top of it."
        )
    source = f"{SCALE_SOURCE} --scale {scale:g} --seed {seed})"
    if Deliverable.objects.filter(source=source).exists():
        raise ApplicationError(
            f"This database already holds the data of --scale {scale:g} --seed {seed}. "
            "Use a fresh database, or another --seed to add more."
        )
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    with transaction.atomic():
        cast = _cast(rng, scale=scale, source=source, seed=seed)
        progress(f"{len(cast.groups)} working groups with co-chairs")
        meetings = _meetings(rng, scale=scale, source=source)
        progress(f"{len(meetings)} meetings")
        totals = {"deliverables": 0, "history_rows": 0, "rounds": 0, "positions": 0}
        count = max(1, round(DELIVERABLES_PER_SCALE * scale))
        all_ids: list[tuple[int, int, int]] = []  # (id, lead group id, target year)
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            chunk = _deliverables_chunk(rng, cast, meetings, source=source, size=size, first=start)
            for key, value in chunk.items():
                if key != "ids":
                    totals[key] += value
            all_ids.extend(chunk["ids"])
            progress(f"{start + size}/{count} deliverables with their histories and rounds")
        outlook = _outlook_items(rng, cast, all_ids, source=source)
        activities = _activities(rng, all_ids, scale=scale, source=source)
        progress(f"{outlook} outlook items, {activities} activities")
    return ScaleResult(
        deliverables=totals["deliverables"],
        history_rows=totals["history_rows"] + outlook + activities + len(meetings),
        rounds=totals["rounds"],
        positions=totals["positions"],
        groups=len(cast.groups),
        outlook_items=outlook,
        activities=activities,
        meetings=len(meetings),
    )


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(7, 18), rng.randint(0, 59)))
    return timezone.make_aware(moment, datetime.UTC)


def _cast(rng: random.Random, *, scale: float, source: str, seed: int) -> _Cast:
    tag = f"s{scale:g}-{seed}".replace(".", "_")
    secretariat, _ = User.objects.get_or_create(
        username=f"scale-secretariat-{tag}", defaults={"first_name": "Secretariat"}
    )
    new_groups = [
        WorkingGroup(
            acronym=f"X{index:02d}-{tag}"[:20],
            name=f"{TOPICS[index % len(TOPICS)]} Working Group {index}",
            established_on=datetime.date(rng.randint(2008, 2020), rng.randint(1, 12), 1),
            source=source,
        )
        for index in range(1, 3 + max(1, round(scale / 2)))
    ]
    bulk_create_with_history(new_groups, WorkingGroup, default_change_reason=source)
    # Each group's mandate: one version, in force from its establishment.
    mandates = [
        MandateVersion(
            group=group,
            text=f"Coordinates agency studies on {TOPICS[index % len(TOPICS)].lower()}.",
            in_force_from=group.established_on,
            source=source,
        )
        for index, group in enumerate(new_groups, start=1)
    ]
    bulk_create_with_history(mandates, MandateVersion, default_change_reason=source)
    groups = list(WorkingGroup.objects.filter(status=GroupStatus.ACTIVE))
    agencies = list(Agency.objects.all())
    cochairs = User.objects.bulk_create(
        [User(username=f"scale-cochair-{group.pk}-{tag}") for group in groups]
    )
    appointments = [
        CoChairAppointment(
            person=person,
            group=group,
            agency=rng.choice(agencies),
            starts_on=datetime.date(FIRST_YEAR, 1, 1),
            source=source,
        )
        for person, group in zip(cochairs, groups, strict=True)
    ]
    bulk_create_with_history(appointments, CoChairAppointment, default_change_reason=source)
    delegates = User.objects.bulk_create(
        [User(username=f"scale-delegate-{agency.pk}-{tag}") for agency in agencies]
    )
    bulk_create_with_history(
        [
            DelegateAppointment(
                person=person, agency=agency, starts_on=agency.joined_on, source=source
            )
            for person, agency in zip(delegates, agencies, strict=True)
        ],
        DelegateAppointment,
        default_change_reason=source,
    )
    members_by_year = {
        year: [
            agency
            for agency in agencies
            if agency.joined_on <= datetime.date(year, 1, 1)
            and (agency.left_on is None or agency.left_on > datetime.date(year, 1, 1))
        ]
        or agencies
        for year in range(FIRST_YEAR - 2, LAST_YEAR + 2)
    }
    return _Cast(
        secretariat=secretariat,
        groups=groups,
        cochair_of={group.pk: person for group, person in zip(groups, cochairs, strict=True)},
        delegate_of={agency.pk: person for agency, person in zip(agencies, delegates, strict=True)},
        members_by_year=members_by_year,
    )


def _meetings(rng: random.Random, *, scale: float, source: str) -> list[PlenaryMeeting]:
    meetings = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for number in range(2 + round(scale / 10)):
            day = datetime.date(year, 1 + (number * 5) % 12, rng.randint(1, 28))
            meetings.append(
                PlenaryMeeting(
                    title=f"ISECG teleconference {year}-{number + 1}",
                    kind=PlenaryMeeting.Kind.TELECONFERENCE,
                    starts_on=day,
                    source=source,
                )
            )
    return bulk_create_with_history(meetings, PlenaryMeeting, default_change_reason=source)


def _target_year(rng: random.Random) -> int:
    # The forum grows: later years hold more deliverables than early ones.
    years = range(FIRST_YEAR, LAST_YEAR + 2)
    return rng.choices(years, weights=[1 + (year - FIRST_YEAR) for year in years])[0]


def _final_walk(rng: random.Random, year: int, needs_sam: bool) -> list[str]:
    today_year = LAST_YEAR
    roll = rng.random()
    if roll < 0.05:
        return [S.DRAFTING, S.WITHDRAWN]
    if roll < 0.09:
        return [S.DRAFTING, S.DEFERRED, S.PLANNED, S.DRAFTING, S.WG_REVIEW][: rng.randint(2, 5)]
    if year >= today_year:
        # In flight: most are being written; a few wait on the plenary at any one time.
        state = rng.choices(list(OPEN_WALKS), weights=[30, 30, 15, 10, 5, 10])[0]
        return list(OPEN_WALKS[state])
    if needs_sam:
        return list(SAM_WALK)
    return list(REWORKED_WALK if roll < 0.25 else PUBLISHED_WALK)


def _deliverables_chunk(
    rng: random.Random, cast: _Cast, meetings: list, *, source: str, size: int, first: int
) -> dict:
    """`size` deliverables with their walks, history rows, rounds and positions."""
    plans = []
    for index in range(first, first + size):
        group = rng.choice(cast.groups)
        year = _target_year(rng)
        topic = rng.choice(TOPICS)
        kind, noun = rng.choice(KINDS)
        needs_sam = kind == Deliverable.Kind.PLAN and rng.random() < 0.5
        walk = _final_walk(rng, year, needs_sam)
        begins = datetime.date(year, 1, 1) - datetime.timedelta(days=rng.randint(120, 600))
        final = walk[-1] if walk else S.PLANNED
        deliverable = Deliverable(
            title=f"{topic} {noun} #{index + 1}",
            kind=kind,
            lead_group=group,
            target_date=datetime.date(year, rng.randint(1, 12), 1),
            target_precision="month",
            needs_sam_endorsement=needs_sam,
            state=final,
            percent_complete=100 if final in (S.APPROVED, S.PUBLISHED) else rng.randint(0, 95),
            rag=rng.choice(["green", "green", "amber", "red", ""]),
            next_milestone="" if final == S.PUBLISHED else f"Review by {group.acronym}",
            summary=f"An ISECG {noun} on {topic.lower()}, led by {group.acronym}.",
            source=source,
        )
        if final == S.PUBLISHED:
            deliverable.published_on = deliverable.target_date
            deliverable.published_precision = "month"
        plans.append((deliverable, walk, begins, year))
    created = Deliverable.objects.bulk_create([plan[0] for plan in plans])

    created_rows, changed_rows, rounds, round_plans = [], [], [], []
    owed_long_life = False
    for number, (deliverable, walk, begins, _year) in enumerate(plans, start=first):
        cochair = cast.cochair_of[deliverable.lead_group_id]
        moment = _aware(begins, rng)
        snapshot = _snapshot(deliverable, moment, cochair, "Planned by the working group")
        snapshot.state, snapshot.percent_complete, snapshot.version = S.PLANNED, 0, 1
        snapshot.published_on = None
        created_rows.append(snapshot)
        version, state, percent = 1, S.PLANNED, 0
        owed_long_life = owed_long_life or number % LONG_HISTORY_EVERY == 0
        updates = None
        if owed_long_life and walk[-1:] == [S.PUBLISHED]:
            updates, owed_long_life = LONG_HISTORY_UPDATES, False
        for target in walk:
            moment += datetime.timedelta(days=rng.randint(5, 40), hours=rng.randint(0, 9))
            if state == S.DRAFTING and target == S.WG_REVIEW:
                for _ in range(updates or rng.randint(0, 3)):
                    percent = min(95, percent + rng.randint(1, 10))
                    version += 1
                    row = _snapshot(deliverable, moment, cochair, "Progress update")
                    row.state, row.percent_complete, row.version = state, percent, version
                    row.published_on = None
                    changed_rows.append(row)
                    moment += datetime.timedelta(days=rng.randint(1, 6))
                updates = None
            move = MOVE_BY_STEP[(state, target)]
            actor = cochair if Actor.COCHAIR in move.actors else cast.secretariat
            if target == S.IN_CONSENSUS:
                round_plans.append((deliverable, moment, walk[-1] == S.IN_CONSENSUS))
            version += 1
            percent = 100 if target in (S.APPROVED, S.PUBLISHED) else percent
            row = _snapshot(deliverable, moment, actor, move.label)
            row._history_move = move.name
            row.state, row.percent_complete, row.version = target, percent, version
            row.published_on = deliverable.published_on if target == S.PUBLISHED else None
            changed_rows.append(row)
            state = target
        deliverable.version = version
    Deliverable.objects.bulk_update(created, ["version"], batch_size=CHUNK)
    Deliverable.history.bulk_history_create(created_rows, batch_size=CHUNK)
    # The history row of a move names it (history_move), as services.move_make's rows do.
    by_move: dict[str, list] = {}
    for row in changed_rows:
        by_move.setdefault(row.__dict__.pop("_history_move", ""), []).append(row)
    for move_name, rows in by_move.items():
        Deliverable.history.bulk_history_create(
            rows,
            batch_size=CHUNK,
            update=True,
            custom_historical_attrs={"history_move": move_name},
        )

    positions = _rounds(rng, cast, meetings, round_plans, rounds)
    return {
        "deliverables": len(created),
        "history_rows": len(created_rows) + len(changed_rows) + 2 * len(rounds) + positions,
        "rounds": len(rounds),
        "positions": positions,
        "ids": [(d.pk, d.lead_group_id, plan[3]) for d, plan in zip(created, plans, strict=True)],
    }


def _snapshot(deliverable, moment, user, reason):
    row = copy.copy(deliverable)
    row._history_date, row._history_user, row._change_reason = moment, user, reason
    return row


def _rounds(rng: random.Random, cast: _Cast, meetings, round_plans, rounds: list) -> int:
    """A round for each walk through in_consensus: closed by consensus, or still open."""
    today = timezone.localdate()
    for deliverable, moment, still_open in round_plans:
        opened_on = moment.date()
        round_ = ConsensusRound(
            deliverable=deliverable,
            channel=ConsensusRound.Channel.TELECONFERENCE,
            meeting=rng.choice(meetings),
            opened_on=opened_on,
            opened_at=moment,
            opened_by=cast.secretariat,
            deadline=max(opened_on, today) + datetime.timedelta(days=21)
            if still_open
            else opened_on + datetime.timedelta(days=21),
        )
        if not still_open:
            round_.state = ConsensusRound.State.CLOSED
            round_.outcome = ConsensusRound.Outcome.CONSENSUS
            round_.closed_at = moment + datetime.timedelta(days=rng.randint(3, 21))
            round_.close_reason = "Consensus: no standing objection"
        rounds.append(round_)
    bulk_create_with_history(rounds, ConsensusRound, default_user=cast.secretariat)

    links, positions = [], []
    Link = ConsensusRound.eligible_agencies.through
    for round_ in rounds:
        members = cast.members_by_year.get(round_.opened_on.year) or next(
            iter(cast.members_by_year.values())
        )
        links.extend(Link(consensusround_id=round_.pk, agency_id=a.pk) for a in members)
        answering = rng.sample(members, k=rng.randint(len(members) // 3, len(members)))
        for agency in answering:
            kind = rng.choice(["concur", "concur", "no_objection", "abstain"])
            recorded = round_.opened_at + datetime.timedelta(hours=rng.randint(1, 400))
            position = Position(
                round=round_,
                agency=agency,
                position=kind,
                recorded_by=cast.delegate_of[agency.pk],
                recorded_at=recorded,
            )
            position._history_date = recorded
            position._history_user = position.recorded_by
            positions.append(position)
    ConsensusRound.eligible_agencies.through.objects.bulk_create(links, batch_size=5000)
    bulk_create_with_history(positions, Position, batch_size=5000)
    # A second history row for each closed round: its closing.
    closed = [r for r in rounds if r.state == ConsensusRound.State.CLOSED]
    for round_ in closed:
        round_._history_date = round_.closed_at
        round_._change_reason = round_.close_reason
    ConsensusRound.history.bulk_history_create(closed, batch_size=CHUNK, update=True)
    open_rows = [r for r in rounds if r.state == ConsensusRound.State.OPEN]
    ConsensusRound.history.bulk_history_create(open_rows, batch_size=CHUNK, update=True)
    return len(positions)


def _outlook_items(rng: random.Random, cast: _Cast, deliverables, *, source: str) -> int:
    """Each synthetic group's outlook: three items a year, each naming planned deliverables."""
    by_group_year: dict[tuple[int, int], list[int]] = {}
    for pk, group_id, year in deliverables:
        by_group_year.setdefault((group_id, year), []).append(pk)
    synthetic = [group for group in cast.groups if group.source == source]
    items, planned = [], []
    for group in synthetic:
        for year in range(group.established_on.year + 1, LAST_YEAR + 2):
            for position in range(1, 4):
                items.append(
                    OutlookItem(
                        year=year,
                        group=group,
                        position=position,
                        text=f"{group.acronym} will continue its work on "
                        f"{rng.choice(TOPICS).lower()} ({year}, item {position}).",
                        source=source,
                    )
                )
                planned.append(by_group_year.get((group.pk, year), [])[:2])
    bulk_create_with_history(items, OutlookItem, batch_size=CHUNK, default_change_reason=source)
    Link = OutlookItem.planned_deliverables.through
    Link.objects.bulk_create(
        [
            Link(outlookitem_id=item.pk, deliverable_id=pk)
            for item, pks in zip(items, planned, strict=True)
            for pk in pks
        ],
        batch_size=5000,
    )
    return len(items)


def _activities(rng: random.Random, deliverables, *, scale: float, source: str) -> int:
    count = max(1, round(ACTIVITIES_PER_SCALE * scale))
    activities = []
    for index in range(count):
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        activities.append(
            Activity(
                kind=rng.choice(list(Activity.Kind.values)),
                title=f"{rng.choice(TOPICS)} presentation #{index + 1}",
                occurred_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                event=f"IAC {year}",
                source=source,
            )
        )
    bulk_create_with_history(activities, Activity, batch_size=CHUNK, default_change_reason=source)
    Link = Activity.deliverables.through
    Link.objects.bulk_create(
        [
            Link(activity_id=activity.pk, deliverable_id=pk)
            for activity in activities
            for pk, _, _ in rng.sample(deliverables, k=min(len(deliverables), rng.randint(1, 3)))
        ],
        batch_size=5000,
    )
    return len(activities)
