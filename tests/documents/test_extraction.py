"""A revision's text is extracted by the task once the upload commits; a file that cannot be read
fails with its reason on the revision, and a retry asks again."""

import pytest

from apps.core.errors import ApplicationError
from apps.documents.models import Revision
from apps.documents.services import revision_text_retry, revision_upload

from .samples import docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_text_is_extracted_after_the_upload_commits(cast, django_capture_on_commit_callbacks):
    deliverable = cast.deliverable("drafting")
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_upload(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            file=upload("gap.docx", docx_bytes("Lunar surface power", "Dust mitigation gaps")),
            note="first",
        )
    revision.refresh_from_db()
    assert revision.text_state == Revision.TextState.DONE
    assert revision.text == "Lunar surface power\n\nDust mitigation gaps"
    assert revision.text_attempts == 1
    assert revision.history.count() == 1  # derived text: no history row of its own


def test_a_file_that_cannot_be_read_fails_with_its_reason_and_is_retried(
    cast, media, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("drafting")
    good = docx_bytes("Only paragraph")
    broken = good[:9000]  # a DOCX's start (its type is found), the rest torn off
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("torn.docx", broken),
            note="torn",
        )  # fmt: skip
    revision.refresh_from_db()
    assert revision.text_state == Revision.TextState.FAILED
    assert revision.text_error and revision.text == ""
    with pytest.raises(ApplicationError) as refused:
        revision_text_retry(revision=revision, actor=cast.reader)
    assert refused.value.code == "forbidden"
    (media / revision.file.name).write_bytes(good)  # e.g. the store was repaired
    with django_capture_on_commit_callbacks(execute=True):
        revision_text_retry(revision=revision, actor=cast.cochair_twg)
    revision.refresh_from_db()
    assert (revision.text_state, revision.text, revision.text_attempts) == (
        Revision.TextState.DONE,
        "Only paragraph",
        2,
    )
    with pytest.raises(ApplicationError) as refused:
        revision_text_retry(revision=revision, actor=cast.cochair_twg)
    assert "only a failed extraction is retried" in refused.value.message


def test_an_extraction_stopped_by_the_time_limit_fails_with_the_reason(cast, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from apps.documents import extraction
    from tests.factories import RevisionFactory

    revision = RevisionFactory(deliverable=cast.deliverable("drafting"), number=0)

    def endless(*_):  # what the worker raises in the task when the soft limit passes
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(extraction, "extract_text", endless)
    done = extraction.revision_text_run(revision_id=revision.pk)
    assert done.text_state == Revision.TextState.FAILED
    assert "took longer than 300 s" in done.text_error
