from celery import shared_task

from apps.core.heartbeat import heartbeat

from .reminders import consensus_rounds_send_reminders
from .services import consensus_rounds_close_expired

# Its beat entry (settings.CELERY_BEAT_SCHEDULE), also the name of its heartbeat.
CLOSE_EXPIRED_ROUNDS = "close-expired-consensus-rounds"


@shared_task
def close_expired_rounds() -> int:
    """Beat: closes rounds whose deadline has passed (the silence procedure). Each run, failed
    or not, leaves its heartbeat, which /healthz reads ("deadline job")."""
    with heartbeat(CLOSE_EXPIRED_ROUNDS) as run:
        run.count = consensus_rounds_close_expired()
    return run.count


@shared_task
def send_deadline_reminders() -> int:
    """Beat: writes each round's reminder ROUND_REMINDER_DAYS before its deadline, to the
    agencies that have not answered (the outbox sends it; the round is marked reminded once one
    went out)."""
    return consensus_rounds_send_reminders()
