from celery import shared_task
from django.db import InterfaceError, OperationalError

from .extraction import EXTRACTION_SECONDS, revision_text_run

DATABASE_RETRIES = 3


# A hostile PDF can keep a reader busy: the soft limit fails the revision with the reason, the
# hard one ends the process if even that does not return.
@shared_task(
    bind=True,
    acks_late=True,
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
    soft_time_limit=EXTRACTION_SECONDS,
    time_limit=EXTRACTION_SECONDS + 30,
)
def revision_text_extract(self, revision_id: int) -> str:
    """Extract a revision's text for search and diffs; returns the text's state."""
    try:
        return revision_text_run(revision_id=revision_id).text_state
    except (OperationalError, InterfaceError) as exc:
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1)) from exc
