"""A revision's text, extracted by a task after the upload commits: waiting, extracting,
extracted or failed (with the reason; services.revision_text_retry asks again)."""

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

from apps.core.errors import ApplicationError

from .models import Revision
from .text import extract_text

EXTRACTION_SECONDS = 300  # the task's soft time limit


def revision_text_run(*, revision_id: int) -> Revision:
    """Extract the text of a revision not yet extracted; a finished one is returned as it is."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision_id)
        if revision.text_state == Revision.TextState.DONE:
            return revision
        revision.text_state = Revision.TextState.RUNNING
        revision.text_attempts += 1
        _save_derived(revision, ["text_state", "text_attempts"])
    try:
        with revision.file.open("rb") as handle:
            text = extract_text(handle, revision.content_type)
    except ApplicationError as refused:
        return _finished(revision, state=Revision.TextState.FAILED, error=refused.message)
    except SoftTimeLimitExceeded:
        error = (
            f"Reading the text took longer than {EXTRACTION_SECONDS} s, so it was stopped: the "
            "file may be damaged or unusually complex. Save it again (e.g. as PDF/A), upload it "
            "as a new revision, or retry."
        )
        return _finished(revision, state=Revision.TextState.FAILED, error=error)
    except Exception as exc:  # any reader failure is the file's: said on the page, retried
        error = f"The text could not be read ({type(exc).__name__}): {exc}"[:2000]
        return _finished(revision, state=Revision.TextState.FAILED, error=error)
    return _finished(revision, state=Revision.TextState.DONE, text=text)


def _finished(revision: Revision, *, state: str, text: str = "", error: str = "") -> Revision:
    revision.text_state = state
    revision.text = text
    revision.text_error = error
    _save_derived(revision, ["text_state", "text", "text_error"])
    return revision


def _save_derived(revision: Revision, fields: list[str]) -> None:
    """The text and its state derive from the file: saved without a history row."""
    revision.skip_history_when_saving = True
    revision.save(update_fields=fields)
    del revision.skip_history_when_saving
