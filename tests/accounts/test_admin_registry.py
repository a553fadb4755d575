"""The admin lists, adds and shows the history of every model, and only for staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

OUR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"agencies", "groups", "deliverables", "plenary", "documents"}
]


def test_every_business_model_is_in_the_admin():
    labels = {model._meta.label for model in OUR_MODELS}
    assert labels == {
        "agencies.Agency",
        "agencies.AgencyName",
        "agencies.DelegateAppointment",
        "groups.WorkingGroup",
        "groups.SubTeam",
        "groups.StructuralChange",
        "groups.CoChairAppointment",
        "groups.ChairAppointment",
        "groups.OutlookItem",
        "groups.MandateVersion",
        "groups.AppointmentAccount",
        "deliverables.Deliverable",
        "deliverables.Activity",
        "plenary.PlenaryMeeting",
        "plenary.ConsensusRound",
        "plenary.Position",
        "documents.Revision",
        "documents.Comment",
        "plenary.Objection",
    }


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_change_and_history_pages_load(admin_client, isecg_record, model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    written_only_by_services = model._meta.label in {
        "groups.WorkingGroup",  # set up only by a decided structural change
        "groups.StructuralChange",  # by groups.changes (the pages and the API)
        "groups.MandateVersion",  # by structural changes
        "groups.AppointmentAccount",  # by groups.settling
        "plenary.ConsensusRound",
        "plenary.Position",
        "documents.Revision",
        "documents.Comment",
        "plenary.Objection",
    }
    add = admin_client.get(reverse(f"{prefix}_add"))
    assert add.status_code == (403 if written_only_by_services else 200)
    obj = model.objects.first()
    if obj is None:  # the record names no co-chairs or delegates
        return
    assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
    history = admin_client.get(reverse(f"{prefix}_history", args=[obj.pk]))
    assert history.status_code == 200
    assert "Loaded from the ISECG record" in history.content.decode()


def test_search_and_filter_on_deliverables(admin_client, isecg_record):
    url = reverse("admin:deliverables_deliverable_changelist")
    response = admin_client.get(url, {"q": "Global Exploration Roadmap", "state": "published"})
    assert response.status_code == 200
    assert "Global Exploration Roadmap" in response.content.decode()


def test_anonymous_and_non_staff_users_are_sent_to_a_login_page(client):
    url = reverse("admin:deliverables_deliverable_changelist")
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(factories.UserFactory(username="reader"))
    assert client.get(url).url.startswith(reverse("admin:login"))


def test_records_cannot_be_bulk_deleted_from_the_admin(admin_client):
    url = reverse("admin:deliverables_deliverable_changelist")
    assert "delete_selected" not in admin_client.get(url).content.decode()
