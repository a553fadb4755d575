from celery import shared_task

from .reminders import consensus_rounds_send_reminders
from .services import consensus_rounds_close_expired


@shared_task
def close_expired_rounds() -> int:
    """Beat: closes rounds whose deadline has passed (the silence procedure)."""
    return consensus_rounds_close_expired()


@shared_task
def send_deadline_reminders() -> int:
    """Beat: writes each round's reminder three days before its deadline (the outbox sends
    it; the round is marked reminded once it went out)."""
    return consensus_rounds_send_reminders()
