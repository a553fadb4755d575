"""generate_scale_data: realistic, reproducible synthetic data whose histories obey the workflow."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.workflow import MOVES
from apps.plenary.models import ConsensusRound, Position
from apps.record.scale import SCALE_SOURCE, scale_data_generate

LEGAL_STEPS = {(source, move.target) for move in MOVES for source in move.sources}


@pytest.fixture
def scaled(isecg_record):
    return scale_data_generate(scale=0.5, seed=3)


def synthetic():
    return Deliverable.objects.filter(source__startswith=SCALE_SOURCE)


def test_adds_the_promised_amounts_per_unit_of_scale(scaled):
    assert scaled.deliverables == synthetic().count() == 100
    history = Deliverable.history.filter(source__startswith=SCALE_SOURCE).count()
    assert history >= 7 * 100  # a walk through the workflow each, not one row
    assert scaled.history_rows >= 2000 * 0.5  # S=100 promises 200,000
    rounds = ConsensusRound.objects.filter(deliverable__source__startswith=SCALE_SOURCE)
    assert scaled.rounds == rounds.count() >= 10
    assert scaled.positions == Position.objects.filter(round__in=rounds).count() > 0


def test_every_history_is_a_legal_walk_through_the_workflow(scaled):
    rows = Deliverable.history.filter(source__startswith=SCALE_SOURCE).order_by(
        "id", "history_date", "version"
    )
    walks: dict[int, list] = {}
    for row in rows:
        walks.setdefault(row.id, []).append(row)
    current = {d.pk: d for d in synthetic()}
    assert set(walks) == set(current)
    for pk, walk in walks.items():
        assert walk[0].history_type == "+" and walk[0].state == DeliverableState.PLANNED
        assert all(row.history_type == "~" for row in walk[1:])
        assert all(row.history_user_id is not None and row.history_change_reason for row in walk)
        for before, after in itertools.pairwise(walk):
            assert after.history_date > before.history_date
            assert after.version == before.version + 1
            if after.state != before.state:
                assert (before.state, after.state) in LEGAL_STEPS, (pk, before.state, after.state)
        assert (walk[-1].state, walk[-1].version) == (current[pk].state, current[pk].version)


def test_rounds_match_the_walks(scaled):
    for deliverable in synthetic().prefetch_related("consensus_rounds__eligible_agencies"):
        rounds = list(deliverable.consensus_rounds.all())
        reached = Deliverable.history.filter(id=deliverable.pk, state="in_consensus").exists()
        assert len(rounds) == (1 if reached else 0)
        for round_ in rounds:
            eligible = {agency.pk for agency in round_.eligible_agencies.all()}
            assert eligible
            answered = set(round_.positions.values_list("agency_id", flat=True))
            assert answered <= eligible
            if deliverable.state == DeliverableState.IN_CONSENSUS:
                assert round_.state == "open"
                assert round_.deadline >= datetime.date.today()
            else:
                assert (round_.state, round_.outcome) == ("closed", "consensus")
                assert not round_.positions.filter(position="object").exists()


def test_same_seed_gives_the_same_rows(isecg_record):
    def digest():
        rows = Deliverable.history.filter(source__startswith=SCALE_SOURCE).order_by(
            "history_date", "title"
        )
        return [
            (r.title, r.state, r.version, r.history_date, r.history_change_reason) for r in rows
        ]

    class Undo(Exception):
        pass

    runs = []
    for _ in range(2):
        with pytest.raises(Undo), transaction.atomic():
            scale_data_generate(scale=0.2, seed=11)
            runs.append(digest())
            raise Undo
    assert runs[0] and runs[0] == runs[1]


def test_command_reports_what_it_added_and_refuses_the_same_data_twice(isecg_record):
    out = StringIO()
    call_command("generate_scale_data", "--scale", "0.1", "--seed", "5", stdout=out)
    assert "Added 20 deliverables" in out.getvalue()
    before = Deliverable.objects.count()
    with pytest.raises(CommandError, match=r"already holds the data of --scale 0\.1 --seed 5"):
        call_command("generate_scale_data", "--scale", "0.1", "--seed", "5")
    assert Deliverable.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_command_leaves_the_tables_vacuumed_and_analysed():
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's; the embedded SQLite needs none")
    call_command("load_record", verbosity=0)
    call_command("generate_scale_data", "--scale", "0.05", "--seed", "9", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
            "WHERE relname = 'deliverables_deliverable'"
        )
        vacuumed, analysed = cursor.fetchone()
    assert vacuumed is not None and analysed is not None


@pytest.mark.django_db
def test_refuses_an_empty_database_and_a_scale_of_zero():
    with pytest.raises(
        CommandError, match=r"record is not loaded: run `python manage\.py seed_demo"
    ):
        call_command("generate_scale_data", "--scale", "1")
    with pytest.raises(CommandError, match="must be above 0"):
        call_command("generate_scale_data", "--scale", "0")
    assert not Deliverable.objects.exists()
