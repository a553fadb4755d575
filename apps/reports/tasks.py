from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import annual_report_draft, annual_report_draft_scheduled, report_drafts_sweep

DATABASE_RETRIES = 3


# The draft row is the result: none kept in Redis, so queueing needs the broker alone.
@shared_task(bind=True, acks_late=True, max_retries=DATABASE_RETRIES, ignore_result=True)
def draft_annual_report(self, draft_id: int) -> str:
    """Drafts the annual report of a queued ReportDraft; returns its final state.

    Acknowledged only when done, so a lost worker's draft is redelivered; the service makes a
    rerun harmless (a finished draft is returned as it is, a running one taken over).
    """
    try:
        return annual_report_draft(draft_id=draft_id).state
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-draft: the draft is still "running", so a retry takes it
        # over once the database is back.
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1)) from exc


@shared_task(acks_late=True)
def draft_previous_year_report() -> int:
    """Beat, every 15 January: a first draft of last year's report for the secretariat."""
    return annual_report_draft_scheduled().pk


@shared_task
def sweep_report_drafts() -> dict[str, list[int]]:
    """Beat, every few minutes: queue stalled drafts again, fail hopeless ones with a reason."""
    result = report_drafts_sweep()
    return {
        "queued": result.queued,
        "failed": result.failed,
        "still_waiting": result.still_waiting,
    }
