"""Every change to a business record is kept, with who made it and why."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from apps.core.checks import BUSINESS_APPS
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    "agencies.Agency": (factories.AgencyFactory, "name", "Renamed agency"),
    "agencies.AgencyName": (factories.AgencyNameFactory, "note", "Seen in a 2017 programme"),
    "agencies.DelegateAppointment": (
        factories.DelegateAppointmentFactory,
        "ends_on",
        datetime.date(2026, 1, 1),
    ),
    "groups.WorkingGroup": (factories.WorkingGroupFactory, "mandate", "A sharper mandate."),
    "groups.StructuralChange": (factories.StructuralChangeFactory, "decision", "SAM approval"),
    "groups.SubTeam": (factories.SubTeamFactory, "description", "Reviews the 2023 gap report."),
    "groups.CoChairAppointment": (
        factories.CoChairAppointmentFactory,
        "ends_on",
        datetime.date(2026, 1, 1),
    ),
    "groups.ChairAppointment": (
        factories.ChairAppointmentFactory,
        "ends_on",
        datetime.date(2026, 1, 1),
    ),
    "groups.OutlookItem": (factories.OutlookItemFactory, "assessment", "achieved"),
    "deliverables.Deliverable": (factories.DeliverableFactory, "percent_complete", 40),
    "deliverables.Activity": (factories.ActivityFactory, "place", "Sydney, Australia"),
    "plenary.PlenaryMeeting": (factories.PlenaryMeetingFactory, "minutes", "Agreed."),
    "plenary.ConsensusRound": (
        factories.ConsensusRoundFactory,
        "deadline",
        datetime.date(2026, 3, 30),
    ),
    "plenary.Position": (factories.PositionFactory, "rationale", "Stated at the plenary."),
    "documents.Revision": (factories.RevisionFactory, "note", "Annex B added."),
    "documents.Comment": (factories.CommentFactory, "body", "Agreed with the quote."),
    "plenary.Objection": (factories.ObjectionFactory, "response", "Answered in 02."),
    "reports.ReportDraft": (factories.ReportDraftFactory, "current_section", "Annex II"),
    "reports.ReportNarrative": (
        factories.ReportNarrativeFactory,
        "executive_summary",
        "A year of consolidation.",
    ),
}


def business_models() -> set[str]:
    return {
        model._meta.label
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    }


def test_every_business_model_is_covered_here():
    """A new model must join this table, so its history is proven too."""
    assert business_models() == set(FACTORIES)


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_a_change_writes_a_history_row_with_user_and_reason(label):
    factory, field, value = FACTORIES[label]
    editor = factories.UserFactory(username="editor")
    instance = factory()
    setattr(instance, field, value)
    instance._history_user = editor
    instance._change_reason = "Updated after the December plenary"
    instance.save()

    latest = instance.history.latest()
    assert instance.history.count() == 2  # created, then changed
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert latest.history_change_reason == "Updated after the December plenary"
    assert getattr(latest, field) == value
    diff = latest.diff_against(latest.prev_record)
    assert field in diff.changed_fields


def test_a_change_through_the_admin_records_the_signed_in_user(client):
    admin_user = factories.UserFactory(username="sec", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    agency = factories.AgencyFactory(acronym="HSC", name="Hellenic Space Centre")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    response = client.post(
        url,
        {
            "acronym": "HSC",
            "name": "Hellenic Space Centre",
            "country": "Greece",
            "joined_on": "2025-01-01",
            "joined_precision": "year",
            "left_precision": "day",
            "source": "seed 001",
            "earlier_names-TOTAL_FORMS": "0",
            "earlier_names-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agency.refresh_from_db()
    assert agency.country == "Greece"
    latest = agency.history.latest()
    assert latest.history_user == admin_user
    assert latest.prev_record.country == "Utopia"
