"""Races on PostgreSQL with real threads: a structural change is decided once and takes effect
once, however many jobs and people reach for it at the same moment."""

import datetime

import pytest

from apps.groups.changes import structural_change_propose, structural_changes_take_effect
from apps.groups.models import ChangeState, GroupStatus
from apps.plenary.services import (
    consensus_round_close,
    consensus_rounds_close_expired,
    structural_change_round_open,
)
from tests.plenary.test_races import _postgres_only, race  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
AFTER_DEADLINE = OPENED + datetime.timedelta(days=15)


def _proposed(cast, effective_on):
    return structural_change_propose(
        actor=cast.secretariat,
        kind="absorption",
        summary="The SWG is absorbed into the TWG.",
        effective_on=effective_on,
        groups=[cast.swg],
        into_group=cast.twg,
        now=OPENED,
    )


def test_the_close_job_and_the_secretariat_decide_a_change_once(cast):
    change = _proposed(cast, datetime.date(2026, 1, 1))
    round = structural_change_round_open(
        change=change,
        actor=cast.secretariat,
        channel="plenary",
        now=OPENED,
        unreachable_acknowledged=True,
    )
    results = race(
        lambda: consensus_rounds_close_expired(now=AFTER_DEADLINE),
        lambda: consensus_round_close(
            round=round, actor=cast.secretariat, reason="Deadline passed", now=AFTER_DEADLINE
        ),
    )
    round.refresh_from_db()
    change.refresh_from_db()
    cast.swg.refresh_from_db()
    assert round.state == "closed"
    assert change.state == ChangeState.DECIDED
    assert cast.swg.status == GroupStatus.ABSORBED
    took_effect = [
        h for h in cast.swg.history.all() if (h.history_change_reason or "").endswith("took effect")
    ]
    assert len(took_effect) == 1, results
    assert change.history.filter(history_change_reason__contains="took effect").count() == 1


def test_two_runs_of_the_daily_job_make_the_effect_once(cast, django_db_blocker):
    from apps.plenary.models import ConsensusRound

    change = _proposed(cast, datetime.date(2026, 6, 1))
    structural_change_round_open(
        change=change,
        actor=cast.secretariat,
        channel="plenary",
        now=OPENED,
        unreachable_acknowledged=True,
    )
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    change.refresh_from_db()
    assert (change.state, change.applied_at) == (ChangeState.DECIDED, None)
    on_the_day = datetime.datetime(2026, 6, 1, 0, 5, tzinfo=datetime.UTC)
    results = race(
        lambda: structural_changes_take_effect(now=on_the_day),
        lambda: structural_changes_take_effect(now=on_the_day),
    )
    assert sorted(results) == [0, 1], results
    cast.swg.refresh_from_db()
    assert cast.swg.status == GroupStatus.ABSORBED
    assert ConsensusRound.objects.count() == 1
