from celery import shared_task

from .digest import digests_send


@shared_task
def send_daily_digests() -> int:
    """Beat, once a day: each digest watcher's mail of what they were told since the last."""
    return digests_send()
