"""The beat job closes an expired round through the real Redis broker and a real worker."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from apps.plenary.tasks import close_expired_rounds
from tests.services import require_redis


@pytest.fixture
def celery_config():
    url = require_redis()
    return {"broker_url": url, "result_backend": url, "task_always_eager": False}


@pytest.fixture
def celery_includes():
    return ["apps.plenary.tasks"]


def test_beat_schedules_the_close_job_every_quarter_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["close-expired-consensus-rounds"]
    assert entry["task"] == close_expired_rounds.name == "apps.plenary.tasks.close_expired_rounds"
    assert entry["schedule"] == 15 * 60


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_expired_round_is_closed_by_the_worker(cast, celery_app, celery_worker):
    now = timezone.now()
    expired = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        now=now - datetime.timedelta(days=20),
    )
    running = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        now=now,
    )
    result = close_expired_rounds.delay()
    assert result.get(timeout=30) == 1
    expired.refresh_from_db()
    running.refresh_from_db()
    assert (expired.state, expired.outcome) == ("closed", "consensus")
    assert expired.deliverable.state == "approved"
    assert running.state == ConsensusRound.State.OPEN
