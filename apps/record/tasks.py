from celery import shared_task
from django.db import connection
from django.utils import timezone

from apps.agencies.selectors import members_on


@shared_task
def worker_health() -> dict:
    """Proves a worker is wired up end to end: it took this from the broker and reads the record.

    `celery -A isecg_tracker call apps.record.tasks.worker_health` from an operator's shell.
    Counting today's members (28 once the record is loaded) shows the worker reads the same
    database as the web app, not merely some database.
    """
    return {
        "database": connection.vendor,
        "members_today": members_on(timezone.localdate()).count(),
    }
