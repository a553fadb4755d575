"""The silence procedure fires by itself: a real Celery beat and a real worker, as separate
processes on a real Redis and this run's PostgreSQL database, close a round whose deadline has
passed without anyone calling the job; /healthz then says the job ran, and says it no longer
does once beat is gone."""

import datetime
import sys
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.core.dates import date_for_people
from apps.core.heartbeat import heartbeat_last
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from apps.plenary.tasks import CLOSE_EXPIRED_ROUNDS
from tests.reliability.conftest import database_url
from tests.reliability.servers import RedisServer, missing, python_env, start, stop, wait_until
from tests.reliability.servers import worker as start_worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

INTERVAL = 2  # seconds between runs of the job for this test; production: 15 min


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of the test's own: beat publishes every few seconds, and a message it sent just
    before being killed must not wait in a shared Redis for some later test's worker."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _deadline_job(settings) -> str:
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    schedule[CLOSE_EXPIRED_ROUNDS] = {**schedule[CLOSE_EXPIRED_ROUNDS], "schedule": INTERVAL}
    settings.CELERY_BEAT_SCHEDULE = schedule  # /healthz here judges by beat's own interval
    answer = Client().get("/healthz")
    assert answer.status_code == 200, answer.content
    return answer.json()["deadline job"]


def test_beat_and_a_worker_close_an_expired_round_and_healthz_sees_the_heartbeat(
    cast, redis_server, tmp_path, settings
):
    if connection.vendor != "postgresql":
        missing("This test needs PostgreSQL: set DATABASE_URL=postgres://...")
    expired = consensus_round_open(
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        deadline=timezone.localdate() - datetime.timedelta(days=1),
        now=timezone.now() - datetime.timedelta(days=15),
    )
    assert _deadline_job(settings) == "degraded: never run"
    media = tmp_path / "media"
    media.mkdir()
    env = python_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_server.url,
        CACHE_URL=redis_server.url.rsplit("/", 1)[0] + "/1",
        ISECG_TEST_MEDIA_ROOT=str(media),
        CLOSE_EXPIRED_ROUNDS_SECONDS=str(INTERVAL),
    )
    log = tmp_path / "beat-worker.log"

    started = time.monotonic()
    worker = start_worker(env, log, "deadline")
    beat = start(
        [sys.executable, "-m", "celery", "-A", "isecg_tracker", "beat", "--loglevel", "INFO",
         "-s", str(tmp_path / "celerybeat-schedule"), "--max-interval", "1"],
        env, log,
    )  # fmt: skip
    try:

        def closed() -> bool:
            assert worker.poll() is None and beat.poll() is None, log.read_text()
            expired.refresh_from_db()
            return expired.state == ConsensusRound.State.CLOSED

        wait_until(closed, seconds=90, what="beat and the worker to close the round", every=0.2)
        seconds = time.monotonic() - started
        assert (expired.outcome, expired.closed_by) == ("consensus", None)
        assert expired.close_reason.startswith(
            f"Deadline {date_for_people(expired.deadline)} passed"
        )
        assert expired.deliverable.state == "approved"
        assert [h.state for h in expired.history.all()].count("closed") == 1

        # The heartbeat keeps beating: a later run (nothing left to close) also leaves its row.
        first_runs = wait_until(
            lambda: (b := heartbeat_last(CLOSE_EXPIRED_ROUNDS)) and b.finished_at and b.runs,
            seconds=30, what="the run's heartbeat",
        )  # fmt: skip
        # A run counts from its start, its count lands at its end: wait for the end too.
        wait_until(
            lambda: (b := heartbeat_last(CLOSE_EXPIRED_ROUNDS)).runs > first_runs
            and b.finished_at is not None and b.finished_at >= b.started_at,
            seconds=8 * INTERVAL, what="another run of the job, finished",
        )  # fmt: skip
        last = heartbeat_last(CLOSE_EXPIRED_ROUNDS)
        assert (last.failed, last.count, last.error) == (False, 0, "")
        assert _deadline_job(settings) == "ok (last run 0 minutes ago)"
        assert "Sending due task close-expired-consensus-rounds" in log.read_text()
        print(f"FIGURE   round closed {seconds:.1f}s after starting beat and the worker "
              f"(interval {INTERVAL}s); {last.runs} runs recorded")  # fmt: skip

        # Beat gone: within two intervals and a run, /healthz says the job no longer runs.
        stop(beat)
        wait_until(
            lambda: _deadline_job(settings).startswith("degraded: last run of close_expired"),
            seconds=4 * INTERVAL + 10, what="/healthz to say the job stopped", every=0.5,
        )  # fmt: skip
        assert _deadline_job(settings).endswith(f"(more than two intervals of {INTERVAL} s)")
    finally:
        stop(beat)
        stop(worker)
