"""The silence procedure always fires, and says so: each run of the deadline job leaves its
heartbeat, /healthz reads it against the beat interval, and a run after an outage closes every
round it missed, once."""

import datetime
import itertools
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.core.dates import date_for_people
from apps.core.heartbeat import (
    ERROR_LENGTH,
    beat_job_report,
    beating,
    heartbeat,
    heartbeat_age,
    heartbeat_last,
)
from apps.core.models import JobHeartbeat
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from apps.plenary.tasks import CLOSE_EXPIRED_ROUNDS, close_expired_rounds

PART = "deadline job"


def _health() -> str:
    answer = Client().get("/healthz")
    assert answer.status_code == 200, answer.content  # non-critical: never a 503
    return answer.json()[PART]


def _round_with_deadline(cast, days_ago: int) -> ConsensusRound:
    """A round opened two weeks before its deadline, which passed `days_ago` days ago."""
    deadline = timezone.localdate() - datetime.timedelta(days=days_ago)
    opened = timezone.now() - datetime.timedelta(days=days_ago + 14)
    return consensus_round_open(
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        deadline=deadline,
        now=opened,
    )


def _closings(round: ConsensusRound) -> int:
    """History rows that record the round's closing (the one change to 'closed')."""
    states = [h.state for h in round.history.order_by("history_date", "history_id")]
    closed = ConsensusRound.State.CLOSED
    return sum(1 for before, after in itertools.pairwise(states) if before != closed == after)


def _set_interval(settings, seconds: int) -> None:
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    schedule[CLOSE_EXPIRED_ROUNDS] = {**schedule[CLOSE_EXPIRED_ROUNDS], "schedule": seconds}
    settings.CELERY_BEAT_SCHEDULE = schedule


def _age_run_by(minutes: float) -> None:
    """Time passes: the last run now lies `minutes` back (the clock, not the row, is the test's)."""
    back = datetime.timedelta(minutes=minutes)
    beat = JobHeartbeat.objects.get(job=CLOSE_EXPIRED_ROUNDS)
    JobHeartbeat.objects.filter(pk=beat.pk).update(
        started_at=beat.started_at - back,
        finished_at=beat.finished_at - back,
        last_succeeded_at=beat.last_succeeded_at and beat.last_succeeded_at - back,
    )


# -- Catch-up: a run after beat was down closes everything it missed, exactly once ----------


@pytest.mark.django_db
def test_one_run_after_an_outage_closes_every_missed_round_once(cast):
    # Beat "down" for ten days: three deadlines passed on three different days meanwhile.
    missed = [_round_with_deadline(cast, days) for days in (10, 5, 1)]
    running = _round_with_deadline(cast, -3)  # deadline in three days: stays open

    assert close_expired_rounds() == 3
    assert heartbeat_last(CLOSE_EXPIRED_ROUNDS).count == 3
    assert close_expired_rounds() == 0  # the next run finds nothing left
    assert heartbeat_last(CLOSE_EXPIRED_ROUNDS).count == 0

    for round in missed:
        round.refresh_from_db()
        assert (round.state, round.outcome, round.closed_by) == ("closed", "consensus", None)
        assert round.close_reason.startswith(f"Deadline {date_for_people(round.deadline)} passed")
        assert _closings(round) == 1
        assert round.deliverable.state == "approved"
        assert round.deliverable.history.filter(state="approved").count() == 1
    running.refresh_from_db()
    assert running.state == ConsensusRound.State.OPEN
    assert heartbeat_last(CLOSE_EXPIRED_ROUNDS).runs == 2


# -- The heartbeat itself ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_records_its_start_finish_and_count():
    before = timezone.now()
    assert heartbeat_last("job-a") is None and heartbeat_age("job-a") is None
    with heartbeat("job-a") as run:
        during = heartbeat_last("job-a")
        run.count = 7
    beat = heartbeat_last("job-a")
    # While it ran, the row said so: started, not yet finished.
    assert during.started_at >= before and during.finished_at is None and during.runs == 1
    assert before <= beat.started_at <= beat.finished_at <= timezone.now()
    assert (beat.failed, beat.count, beat.error, beat.runs) == (False, 7, "", 1)
    assert beat.last_succeeded_at == beat.finished_at
    assert heartbeat_age("job-a") < datetime.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_failed_run_is_recorded_and_its_error_reaches_the_caller_unchanged():
    with heartbeat("job-b") as run:
        run.count = 2
    succeeded = heartbeat_last("job-b").last_succeeded_at
    error = RuntimeError("mail server said no")
    with pytest.raises(RuntimeError) as raised, heartbeat("job-b"):
        raise error
    assert raised.value is error
    beat = heartbeat_last("job-b")
    assert (beat.failed, beat.count, beat.runs) == (True, None, 2)
    assert beat.error == "RuntimeError: mail server said no"
    assert beat.finished_at >= beat.started_at
    assert beat.last_succeeded_at == succeeded  # the last good run is still known


@pytest.mark.django_db
def test_an_error_with_control_characters_or_no_end_is_kept_as_one_bounded_line():
    # NUL is refused by PostgreSQL in text: the row must still be written.
    with pytest.raises(ValueError), heartbeat("job-c"):
        raise ValueError("bad\x00row\nTraceback:\r\n\x1b[31m" + "x" * 5000)
    error = heartbeat_last("job-c").error
    assert error.startswith("ValueError: bad row Traceback: [31mxxx")
    assert len(error) == ERROR_LENGTH and error.isprintable()


@pytest.mark.django_db
def test_the_decorator_counts_what_the_function_returns():
    @beating("job-d")
    def job() -> int:
        return 4

    assert job() == 4
    assert job.__name__ == "job"
    assert heartbeat_last("job-d").count == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_runs_at_once_share_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections writing at once")
    start = threading.Barrier(2)
    errors = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            with heartbeat("job-e") as beat:
                beat.count = 1
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert JobHeartbeat.objects.filter(job="job-e").count() == 1
    assert heartbeat_last("job-e").runs == 2


# -- What /healthz says -----------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_says_never_run_then_ok_after_the_job_ran(cast):
    assert _health() == "degraded: never run"
    close_expired_rounds()
    assert _health() == "ok (last run 0 minutes ago)"


@pytest.mark.django_db
def test_healthz_degrades_when_the_last_run_is_more_than_two_intervals_old(cast, settings):
    close_expired_rounds()
    _age_run_by(29)
    assert _health() == "ok (last run 29 minutes ago)"  # late by one run: no alarm yet
    _age_run_by(2)
    assert _health() == (
        "degraded: last run of close_expired_rounds 31 minutes ago "
        "(more than two intervals of 15 min)"
    )
    # The interval comes from the beat schedule, whatever it is set to.
    _set_interval(settings, 3600)
    assert _health() == "ok (last run 31 minutes ago)"
    _set_interval(settings, 5)
    assert _health() == (
        "degraded: last run of close_expired_rounds 31 minutes ago (more than two intervals of 5 s)"
    )


@pytest.mark.django_db
def test_the_two_interval_bound_is_exact(cast, settings):
    _set_interval(settings, 60)
    close_expired_rounds()
    finished = heartbeat_last(CLOSE_EXPIRED_ROUNDS).finished_at
    at_bound = finished + datetime.timedelta(seconds=120)
    assert beat_job_report(CLOSE_EXPIRED_ROUNDS, now=at_bound) == "ok (last run 2 minutes ago)"
    assert beat_job_report(
        CLOSE_EXPIRED_ROUNDS, now=at_bound + datetime.timedelta(seconds=1)
    ) == ("degraded: last run of close_expired_rounds 2 minutes ago "
          "(more than two intervals of 1 min)")  # fmt: skip


def _freeze_round(round: ConsensusRound) -> None:
    """A database trigger refuses to close this one round, as a broken row would."""
    table = ConsensusRound._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_close() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'round % is frozen for the test', NEW.id; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_close BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN (NEW.state = 'closed' AND NEW.id = {int(round.pk)}) "
                "EXECUTE FUNCTION test_refuse_close()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_close BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN NEW.state = 'closed' AND NEW.id = {int(round.pk)} "
                "BEGIN SELECT RAISE(ABORT, 'round is frozen for the test'); END"
            )


def _thaw() -> None:
    table = ConsensusRound._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS test_refuse_close ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS test_refuse_close()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS test_refuse_close")


@pytest.mark.django_db(transaction=True)
def test_healthz_degrades_when_a_round_cannot_close_and_recovers_on_the_next_run(cast):
    frozen = _round_with_deadline(cast, 2)
    other = _round_with_deadline(cast, 1)
    _freeze_round(frozen)
    try:
        with pytest.raises(Exception, match="frozen for the test"):
            close_expired_rounds()
        frozen.refresh_from_db()
        other.refresh_from_db()
        assert (frozen.state, other.state) == ("open", "closed")  # one does not hold the rest
        beat = heartbeat_last(CLOSE_EXPIRED_ROUNDS)
        assert beat.failed and beat.finished_at and "frozen for the test" in beat.error
        health = _health()
        assert health.startswith("degraded: last run failed: ")
        assert health.endswith("Error (details in the worker's log)"), health
        assert "frozen" not in health and str(frozen.pk) not in health  # /healthz is public
    finally:
        _thaw()
    assert close_expired_rounds() == 1  # the next run closes the round it missed
    frozen.refresh_from_db()
    assert frozen.state == "closed" and _closings(frozen) == 1
    assert _health() == "ok (last run 0 minutes ago)"
    assert heartbeat_last(CLOSE_EXPIRED_ROUNDS).runs == 2


@pytest.mark.django_db
def test_healthz_names_a_failed_run_by_its_kind_only():
    with pytest.raises(KeyError), heartbeat(CLOSE_EXPIRED_ROUNDS):
        raise KeyError("delegate-nasa@example.org")
    assert _health() == "degraded: last run failed: KeyError (details in the worker's log)"


@pytest.mark.django_db
def test_a_first_run_still_under_way_is_not_called_never_run():
    with heartbeat(CLOSE_EXPIRED_ROUNDS):
        assert _health() == "degraded: first run started 0 minutes ago, not finished"
    assert _health() == "ok (last run 0 minutes ago)"


def test_healthz_is_read_only():
    assert Client().post("/healthz").status_code == 405
