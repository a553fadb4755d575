from django.core.management.base import BaseCommand

from apps.reports.services import report_drafts_sweep


class Command(BaseCommand):
    help = (
        "Queue annual report drafts left queued (the task queue was unreachable) or running (their "
        "worker died) again, and fail those that waited or were interrupted too long, with the "
        "reason. Celery beat does this every few minutes; run it by hand after an outage."
    )

    def handle(self, *args, **options) -> None:
        result = report_drafts_sweep()
        self.stdout.write(
            f"Queued again: {_ids(result.queued)}. Failed: {_ids(result.failed)}. "
            f"Still waiting for the task queue: {_ids(result.still_waiting)}."
        )


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{pk}" for pk in ids) or "none"
