"""A draft's files are served the same way by both doors, the admin and the API (which the web
app links to and frames): same body, same headers, same refusals of a missing file."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from apps.reports.models import ReportDraft
from tests import factories

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ADMIN_URL = {"docx": "admin:reports_reportdraft_docx", "html": "admin:reports_reportdraft_preview"}
SHARED = (
    "Content-Type",
    "Content-Disposition",
    "Content-Length",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Cache-Control",
)
EXPECTED = {
    "docx": {
        "Content-Type": DOCX,
        "Content-Disposition": 'attachment; filename="draft.docx"',
        "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
    },
    "html": {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Disposition": 'inline; filename="draft.html"',
        "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN",
    },
}


def both_doors(admin_client, client_for, cast, draft, kind: str):
    admin = admin_client.get(reverse(ADMIN_URL[kind], args=[draft.pk]))
    api = client_for(cast.reader).get(f"/api/v1/report-drafts/{draft.pk}/{kind}/")
    return admin, api


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_both_doors_serve_the_same_file_with_the_same_headers(
    admin_client, admin_user, client_for, cast, kind
):
    draft = factories.done_report_draft(requested_by=admin_user)
    admin, api = both_doors(admin_client, client_for, cast, draft, kind)
    assert (admin.status_code, api.status_code) == (200, 200)
    stored = default_storage.open(getattr(draft, kind).name).read()
    assert b"".join(admin.streaming_content) == b"".join(api.streaming_content) == stored
    assert {name: admin.get(name) for name in SHARED} == {name: api.get(name) for name in SHARED}
    for name, value in EXPECTED[kind].items():
        assert api[name] == value, name
    assert api["Content-Length"] == str(len(stored))
    assert api["X-Content-Type-Options"] == "nosniff"
    # Drafts are for signed-in people only: no cache keeps a copy, a browser's included.
    cache_control = {part.strip() for part in api["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache", "must-revalidate", "max-age=0"} <= cache_control
    assert "Expires" in admin and "Expires" in api


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_file_gone_from_the_storage_is_a_404_at_both_doors(
    admin_client, admin_user, client_for, cast, kind
):
    draft = factories.done_report_draft(requested_by=admin_user)
    default_storage.delete(getattr(draft, kind).name)
    admin, api = both_doors(admin_client, client_for, cast, draft, kind)
    assert (admin.status_code, api.status_code) == (404, 404)
    assert api.json()["detail"] == (
        f"The {kind} of draft v1 of 2025 is no longer on the server: request a new draft of "
        "the year."
    )


def test_a_done_draft_without_its_file_is_a_404_not_a_500(admin_client, client_for, cast):
    draft = ReportDraft.objects.create(year=2025, version=1, state="done", checksum="0" * 64)
    admin, api = both_doors(admin_client, client_for, cast, draft, "html")
    assert (admin.status_code, api.status_code) == (404, 404)
    assert "no longer on the server" in api.json()["detail"]


@pytest.mark.parametrize("state", ["queued", "running", "failed"])
def test_a_draft_not_done_has_no_file_at_either_door(admin_client, client_for, cast, state):
    draft = ReportDraft.objects.create(
        year=2025, version=3, state=state, percent=40, error="The Word template is missing."
    )
    admin, api = both_doors(admin_client, client_for, cast, draft, "docx")
    assert admin.status_code == 404
    # The API says more: a 409 with the state, what it is doing, and where to poll.
    assert api.status_code == 409
    body = api.json()
    assert body["state"] == state
    if state == "failed":
        assert body["detail"] == (
            "Draft v3 of 2025 has no docx yet: it failed: The Word template is missing."
        )
    else:
        assert body["detail"] == (
            f"Draft v3 of 2025 has no docx yet: it is {state} (40%); poll "
            f"/api/v1/report-drafts/{draft.pk}/ until it is done."
        )
