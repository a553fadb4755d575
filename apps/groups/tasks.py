from celery import shared_task

from apps.core.heartbeat import heartbeat

from .changes import structural_changes_take_effect

# Its beat entry (settings.CELERY_BEAT_SCHEDULE), also the name of its heartbeat.
TAKE_EFFECT = "structural-changes-take-effect"


@shared_task
def take_effect() -> int:
    """Beat: makes the effect of every decided structural change whose effective date has
    come (a change decided ahead of its date waits for it). Each run leaves its heartbeat."""
    with heartbeat(TAKE_EFFECT) as run:
        run.count = structural_changes_take_effect()
    return run.count
