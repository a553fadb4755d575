"""Revisions in an S3-compatible bucket (moto's server, started by the test as a real HTTP
endpoint), configured from the environment as in production: stored under the tracker's name,
byte for byte, and read back by the text extraction."""

import hashlib

import pytest

from apps.documents.models import Revision
from apps.documents.services import revision_upload
from tests.reports.test_storage_s3 import s3  # noqa: F401 - the bucket fixture

from .samples import docx_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_revision_lands_in_the_bucket_and_its_text_is_read_from_there(
    s3,  # noqa: F811
    cast,
    django_capture_on_commit_callbacks,
):
    content = docx_bytes("Gateway logistics", "Crew time on the surface")
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_upload(
            deliverable=cast.deliverable("drafting"),
            actor=cast.cochair_twg,
            file=upload("../logistics.docx", content),
            note="first",
        )
    objects = s3.objects()
    assert objects == {f"isecg/media/{revision.file.name}": content}
    assert revision.file.name.startswith(f"revisions/{revision.deliverable_id}/00-")
    assert hashlib.sha256(objects[f"isecg/media/{revision.file.name}"]).hexdigest() == (
        revision.sha256
    )
    revision.refresh_from_db()
    assert revision.text_state == Revision.TextState.DONE
    assert revision.text == "Gateway logistics\n\nCrew time on the surface"
