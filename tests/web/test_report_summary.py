"""/reports/summary/<year>/: anyone signed in reads the year's Executive Summary and its
history; the secretariat writes it there, one version per save, never over a text it has not
read."""

import pytest
from django.urls import reverse

from apps.reports.models import ReportNarrative
from apps.reports.narratives import report_narrative_write

pytestmark = pytest.mark.django_db

URL = "/reports/summary/2025/"


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_url_is_named():
    assert reverse("web:report-summary", args=[2025]) == URL


def test_the_secretariat_sees_an_empty_box_and_what_the_draft_does_until_then(client, cast):
    page = signed_in(client, cast.secretariat).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "No Executive Summary has been written for 2025" in html
    assert "writes a summary from the record" in html
    assert 'name="executive_summary"' in html and 'name="seen_version" value="0"' in html
    assert 'name="reason"' in html


@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_others_read_the_text_and_history_without_a_form(client, cast, role):
    report_narrative_write(
        year=2025,
        executive_summary="ISECG met twice.\n\nIt published the GER.",
        actor=cast.secretariat,
        reason="After the plenary",
    )
    page = signed_in(client, cast.by_role(role)).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<p>ISECG met twice.</p>" in html and "<p>It published the GER.</p>" in html
    assert "After the plenary" in html and "secretariat" in html
    assert 'name="executive_summary"' not in html


def test_the_report_list_links_to_the_summary(client, cast):
    html = signed_in(client, cast.reader).get("/reports/").content.decode()
    assert "/reports/summary/" in html


@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_a_forged_post_by_anyone_else_is_refused_and_nothing_is_written(client, cast, role):
    response = signed_in(client, cast.by_role(role)).post(
        URL, {"executive_summary": "Mine.", "seen_version": 0, "reason": "x"}
    )
    assert response.status_code == 403
    assert "Only the secretariat" in response.content.decode()
    assert not ReportNarrative.objects.exists()
    assert not ReportNarrative.history.exists()


def test_the_secretariat_writes_then_rewrites_it(client, cast):
    client = signed_in(client, cast.secretariat)
    response = client.post(
        URL, {"executive_summary": "First text.", "seen_version": 0, "reason": "First"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    narrative = ReportNarrative.objects.get(year=2025)
    assert (narrative.version, narrative.written_by) == (1, cast.secretariat)
    page = client.get(URL).content.decode()
    assert "saved (version 1)" in page and 'name="seen_version" value="1"' in page
    response = client.post(URL, {"executive_summary": "Second.", "seen_version": 1, "reason": ""})
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert (narrative.version, narrative.executive_summary) == (2, "Second.")
    reasons = [h.history_change_reason for h in narrative.history.order_by("-history_id")]
    assert reasons == ["Rewritten", "First"]
    page = client.get(URL).content.decode()
    assert page.index("Rewritten") < page.index("First")  # newest first


def test_a_blank_text_shows_the_form_again_with_the_error(client, cast):
    response = signed_in(client, cast.secretariat).post(
        URL, {"executive_summary": "  ", "seen_version": 0, "reason": "Typed"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the Executive Summary" in html and 'value="Typed"' in html
    assert not ReportNarrative.objects.exists()


def test_a_missing_version_is_refused(client, cast):
    response = signed_in(client, cast.secretariat).post(URL, {"executive_summary": "Text."})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    assert not ReportNarrative.objects.exists()


def test_a_save_over_a_newer_text_is_409_showing_it_and_keeping_what_was_typed(client, cast):
    report_narrative_write(year=2025, executive_summary="Their text.", actor=cast.secretariat)
    client = signed_in(client, cast.secretariat)
    response = client.post(
        URL, {"executive_summary": "My text.", "seen_version": 0, "reason": "Mine"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else wrote the 2025 Executive Summary" in html
    assert "<p>Their text.</p>" in html  # the newer text, shown
    assert "My text.</textarea>" in html  # what was typed, kept
    assert 'name="seen_version" value="1"' in html  # saving again replaces what is shown
    narrative = ReportNarrative.objects.get(year=2025)
    assert (narrative.version, narrative.executive_summary) == (1, "Their text.")
    again = client.post(URL, {"executive_summary": "My text.", "seen_version": 1})
    assert again.status_code == 302
    narrative.refresh_from_db()
    assert (narrative.version, narrative.executive_summary) == (2, "My text.")


def test_a_year_before_isecg_is_not_found(client, cast):
    assert signed_in(client, cast.reader).get("/reports/summary/1990/").status_code == 404


def test_a_future_year_cannot_be_written(client, cast):
    response = signed_in(client, cast.secretariat).post(
        "/reports/summary/2099/", {"executive_summary": "Later.", "seen_version": 0}
    )
    assert response.status_code == 400 and "has not begun" in response.content.decode()
    assert not ReportNarrative.objects.exists()
