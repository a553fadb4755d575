"""Every change to a business record is kept, with who made it and why."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from apps.core.checks import (
    BUSINESS_APPS,
    CREDENTIAL_MODELS,
    INBOX_MODELS,
    OPERATIONAL_MODELS,
    QUEUE_MODELS,
)
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 8, 10, tzinfo=datetime.UTC)


def _notice():
    from apps.plenary.models import AgencyNotice

    return AgencyNotice.objects.create(
        round=factories.ConsensusRoundFactory(),
        agency=factories.AgencyFactory(),
        kind="opened",
        created_at=NOW,
    )


def _agenda_item():
    from apps.meetings.models import AgendaItem

    return AgendaItem.objects.create(
        meeting=factories.PlenaryMeetingFactory(),
        kind="other",
        position=1,
        title="Any other business",
        added_by=factories.UserFactory(),
    )


def _attendance():
    from apps.meetings.models import Attendance

    return Attendance.objects.create(
        meeting=factories.PlenaryMeetingFactory(),
        agency=factories.AgencyFactory(),
        status="present",
        recorded_by=factories.UserFactory(),
        recorded_at=NOW,
    )


def _decision():
    from apps.meetings.models import Decision

    return Decision.objects.create(
        meeting=factories.PlenaryMeetingFactory(),
        round=factories.ConsensusRoundFactory(),
        statement="RESOLVED: consensus reached.",
        positions_recorded=1,
        recorded_by=factories.UserFactory(),
        recorded_at=NOW,
    )


def _watch():
    from apps.watching.models import Watch

    return Watch.objects.create(user=factories.UserFactory(), scope="everything")


FACTORIES = {
    "agencies.Agency": (factories.AgencyFactory, "name", "Renamed agency"),
    "agencies.AgencyName": (factories.AgencyNameFactory, "notes", "Seen in a 2017 programme"),
    "agencies.DelegateAppointment": (
        factories.DelegateAppointmentFactory,
        "ends_on",
        datetime.date(2026, 1, 1),
    ),
    "groups.WorkingGroup": (factories.WorkingGroupFactory, "notes", "Set up in 2016."),
    "groups.MandateVersion": (factories.MandateVersionFactory, "source", "2025 Annual Report"),
    "groups.AppointmentAccount": (
        factories.AppointmentAccountFactory,
        "notes",
        "Read as the year 2024.",
    ),
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
    "plenary.AgencyNotice": (_notice, "note", "Phoned the head of delegation."),
    "meetings.AgendaItem": (_agenda_item, "note", "Ten minutes."),
    "meetings.Attendance": (_attendance, "represented_by", "J. Doe (head)"),
    "meetings.Decision": (_decision, "statement", "RESOLVED: consensus reached (corrected)."),
    "watching.Watch": (_watch, "level", "all"),
    "reports.ReportDraft": (factories.ReportDraftFactory, "current_section", "Annex II"),
    "reports.ReportNarrative": (
        factories.ReportNarrativeFactory,
        "executive_summary",
        "A year of consolidation.",
    ),
    "reports.ReportHighlight": (factories.ReportHighlightFactory, "text", "Written again."),
    "reports.ReportListing": (factories.ReportListingFactory, "heading", "TWG, as named"),
}


def business_models() -> set[str]:
    return {
        model._meta.label
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
        and model._meta.label
        not in QUEUE_MODELS + CREDENTIAL_MODELS + INBOX_MODELS + OPERATIONAL_MODELS
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
