"""A task goes through the real Redis broker to a real worker and its result comes back."""

import pytest

from apps.record.tasks import worker_health
from tests.services import require_redis


@pytest.fixture
def celery_config():
    url = require_redis()
    return {"broker_url": url, "result_backend": url, "task_always_eager": False}


@pytest.fixture
def celery_includes():
    return ["apps.record.tasks"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_to_a_worker(celery_app, celery_worker, isecg_record_tx):
    assert celery_app.conf.broker_url.startswith("redis://")
    result = worker_health.delay()
    assert result.get(timeout=30) == {"database": "postgresql" if is_postgres() else "sqlite",
                                      "members_today": 28}  # fmt: skip
    assert result.successful()


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def isecg_record_tx(transactional_db):
    from django.core.management import call_command

    call_command("load_record", verbosity=0)
