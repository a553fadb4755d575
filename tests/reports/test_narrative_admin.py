"""The Executive Summary written in the admin goes through report_narrative_write."""

import pytest
from django.urls import reverse

from apps.reports.models import ReportNarrative

pytestmark = pytest.mark.django_db

ADD = "admin:reports_reportnarrative_add"


def staff(user):
    user.is_staff = True
    user.save()
    return user


def test_the_secretariat_writes_a_narrative_with_history(client, cast):
    client.force_login(staff(cast.secretariat))
    response = client.post(reverse(ADD), {"year": 2025, "executive_summary": "A year of work."})
    assert response.status_code == 302
    narrative = ReportNarrative.objects.get(year=2025)
    assert narrative.written_by == cast.secretariat
    latest = narrative.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.secretariat,
        "Added in the admin",
    )


def test_a_year_outside_isecg_is_a_form_error_and_nothing_is_saved(client, cast):
    client.force_login(staff(cast.secretariat))
    response = client.post(reverse(ADD), {"year": 1990, "executive_summary": "Too early."})
    assert response.status_code == 200
    assert "2007" in str(response.context["adminform"].form.errors)
    assert not ReportNarrative.objects.exists()


def test_rewriting_keeps_the_year_even_when_another_is_posted(client, cast):
    client.force_login(staff(cast.secretariat))
    client.post(reverse(ADD), {"year": 2025, "executive_summary": "First."})
    narrative = ReportNarrative.objects.get(year=2025)
    url = reverse("admin:reports_reportnarrative_change", args=[narrative.pk])
    response = client.post(url, {"year": 2024, "executive_summary": "Second."})
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert (narrative.year, narrative.executive_summary) == (2025, "Second.")
    assert narrative.history.latest().history_change_reason == "Edited in the admin"


def test_a_cochair_with_admin_access_cannot_write_it(client, cast):
    client.force_login(staff(cast.cochair_twg))
    response = client.post(reverse(ADD), {"year": 2025, "executive_summary": "Mine."})
    assert response.status_code == 403
    assert not ReportNarrative.objects.exists()
