"""Annual report drafts over HTTP: request (202), poll, download; only the secretariat asks."""

import pytest
from django.utils import timezone

from apps.reports.models import ReportDraft
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def last_year() -> int:
    return timezone.localdate().year - 1


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_requests_a_draft(cast, as_role, role):
    response = as_role(role).post("/api/v1/report-drafts/", {"year": last_year()})
    if role == "secretariat":
        assert response.status_code == 202
        body = response.json()
        assert response["Location"] == body["url"]
        assert type(response["Location"]) is str  # not a Hyperlink: wsgiref refuses those
        assert (body["year"], body["version"], body["state"]) == (last_year(), 1, "queued")
        assert body["requested_by"]["username"] == "secretariat"
        assert body["docx_url"] is None and body["html_url"] is None
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the secretariat may draft the annual report."
        assert not ReportDraft.objects.exists()


def test_request_poll_download(cast, as_role, django_capture_on_commit_callbacks):
    secretariat = as_role("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        requested = secretariat.post("/api/v1/report-drafts/", {"year": last_year()})
    assert requested.status_code == 202

    # The task ran (in-process in unit tests: see tests/conftest.py); a reader polls and downloads.
    reader = as_role("reader")
    draft = reader.get(requested["Location"]).json()
    assert draft["state"] == "done", draft["error"]
    assert draft["percent"] == 100
    assert len(draft["checksum"]) == 64

    docx = reader.get(draft["docx_url"])
    assert docx.status_code == 200
    assert docx["Content-Type"] == DOCX
    assert docx["Content-Disposition"].startswith("attachment;")
    assert b"".join(docx.streaming_content)[:2] == b"PK"  # a zip: the DOCX

    html = reader.get(draft["html_url"])
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert html["Content-Security-Policy"].startswith("sandbox;")
    assert str(last_year()).encode() in b"".join(html.streaming_content)

    history = reader.get(draft["history_url"]).json()["results"]
    assert history[-1]["reason"] == "Requested by secretariat"
    assert history[0]["reason"].startswith("Drafted:")


def test_a_second_request_is_the_next_version(cast, as_role):
    client = as_role("secretariat")
    client.post("/api/v1/report-drafts/", {"year": last_year()})
    second = client.post("/api/v1/report-drafts/", {"year": last_year()}).json()
    assert second["version"] == 2
    listing = client.get("/api/v1/report-drafts/", {"year": last_year()}).json()
    assert [item["version"] for item in listing["results"]] == [2, 1]
    assert client.get("/api/v1/report-drafts/", {"state": "done"}).json()["count"] == 0


@pytest.mark.parametrize("accept", [None, DOCX, "application/json"])
def test_downloading_before_the_draft_is_done_is_409_in_json(cast, as_role, accept):
    draft = as_role("secretariat").post("/api/v1/report-drafts/", {"year": last_year()}).json()
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = as_role("reader").get(f"{draft['url']}docx/", **headers)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["state"] == "queued"
    assert body["allowed"] == []
    assert "has no docx yet: it is queued (0%)" in body["detail"]
    assert f"poll /api/v1/report-drafts/{draft['id']}/" in body["detail"]


def test_a_failed_draft_says_why_when_its_file_is_asked_for(cast, as_role):
    draft = ReportDraft.objects.create(
        year=last_year(), version=1, state="failed", error="The Word template is missing."
    )
    response = as_role("reader").get(f"/api/v1/report-drafts/{draft.pk}/html/")
    assert response.status_code == 409
    assert "it failed: The Word template is missing." in response.json()["detail"]


def test_a_file_gone_from_the_server_is_404(cast, as_role):
    draft = ReportDraft.objects.create(
        year=last_year(), version=1, state="done", checksum="0" * 64, docx="reports/gone.docx"
    )
    response = as_role("reader").get(f"/api/v1/report-drafts/{draft.pk}/docx/")
    assert response.status_code == 404
    assert "no longer on the server" in response.json()["detail"]


@pytest.mark.parametrize(
    ("year", "field", "says"),
    [
        ("twenty", True, "A valid integer is required."),
        (2006, True, "greater than or equal to 2007"),
        (None, True, "This field may not be null."),
        (2100, False, "2100 has not begun"),
    ],
)
def test_a_bad_year_is_a_400(cast, as_role, year, field, says):
    response = as_role("secretariat").post("/api/v1/report-drafts/", {"year": year})
    assert response.status_code == 400
    body = response.json()
    assert says in body["detail"]
    assert ("fields" in body) is field
