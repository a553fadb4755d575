"""/api/v1/report-summaries/<year>/: read a year's Executive Summary with its ETag, write it
with If-Match (secretariat), and its history."""

import pytest

from apps.reports.models import ReportNarrative

pytestmark = pytest.mark.django_db

URL = "/api/v1/report-summaries/2025/"


def put(client, body, **headers):
    return client.put(URL, body, format="json", **headers)


def test_an_unwritten_year_reads_as_version_0(as_role):
    response = as_role("reader").get(URL)
    assert response.status_code == 200 and response["ETag"] == '"0"'
    body = response.json()
    assert (body["year"], body["written"], body["version"]) == (2025, False, 0)
    assert body["executive_summary"] == "" and body["written_by"] is None
    assert body["page_url"].endswith("/reports/summary/2025/")
    assert body["history_url"].endswith("/api/v1/report-summaries/2025/history/")
    history = as_role("reader").get(f"{URL}history/")
    assert history.status_code == 200 and history.json()["results"] == []


def test_the_secretariat_writes_then_rewrites_it_with_the_etag(as_role, cast):
    client = as_role("secretariat")
    first = put(client, {"executive_summary": "First.", "reason": "After the plenary"})
    assert first.status_code == 200, first.json()
    assert first["ETag"] == '"1"' and first.json()["written_by"]["username"] == "secretariat"
    missing = put(client, {"executive_summary": "Second."})
    assert missing.status_code == 428 and '"1"' in missing.json()["detail"]
    second = put(client, {"executive_summary": "Second."}, HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 200 and second.json()["version"] == 2
    stale = put(client, {"executive_summary": "Over theirs."}, HTTP_IF_MATCH=first["ETag"])
    assert stale.status_code == 412 and stale.json()["code"] == "stale"
    assert "Someone else wrote the 2025 Executive Summary" in stale.json()["detail"]
    narrative = ReportNarrative.objects.get(year=2025)
    assert (narrative.version, narrative.executive_summary) == (2, "Second.")
    read = as_role("reader").get(URL)
    assert read["ETag"] == '"2"' and read.json()["executive_summary"] == "Second."
    history = as_role("reader").get(f"{URL}history/").json()["results"]
    assert [entry["reason"] for entry in history] == ["Rewritten", "After the plenary"]


def test_a_first_text_over_one_written_meanwhile_is_412(as_role):
    client = as_role("secretariat")
    assert put(client, {"executive_summary": "Theirs."}).status_code == 200
    late = put(client, {"executive_summary": "Mine."}, HTTP_IF_MATCH='"0"')
    assert late.status_code == 412
    assert ReportNarrative.objects.get().executive_summary == "Theirs."


@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_anyone_else_is_refused_and_nothing_written(as_role, role):
    response = put(as_role(role), {"executive_summary": "Mine."})
    assert response.status_code == 403
    assert "Only the secretariat" in response.json()["detail"]
    assert not ReportNarrative.objects.exists()


def test_a_blank_text_names_the_field(as_role):
    response = put(as_role("secretariat"), {"executive_summary": "  "})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["executive_summary"]
    assert not ReportNarrative.objects.exists()


def test_a_year_outside_the_reports_is_404_and_patch_is_not_offered(as_role):
    assert as_role("reader").get("/api/v1/report-summaries/1990/").status_code == 404
    patch = as_role("secretariat").patch(URL, {"executive_summary": "x"}, format="json")
    assert patch.status_code == 405


def test_anonymous_is_401():
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401
