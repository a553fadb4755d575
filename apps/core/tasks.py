from celery import shared_task
from django.db import connection

from apps.agencies.selectors import members_on


@shared_task
def worker_health() -> dict:
    """Proves a worker is wired up end to end: it took this from the broker and reads the database.

    `celery -A isecg_tracker call apps.core.tasks.worker_health` from an operator's shell.
    """
    from django.utils import timezone

    return {
        "database": connection.vendor,
        "members_today": members_on(timezone.localdate()).count(),
    }
