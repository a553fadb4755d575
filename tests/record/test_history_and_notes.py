"""A record's history starts honestly (one line: loaded from the ISECG record and the publication,
or created by whom), and the secretariat's notes are shown to the secretariat only: on the page,
in the API and in every history."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import ROLE_GROUP_NAMES, Role
from apps.agencies.models import Agency
from apps.api.services import api_token_create
from apps.core.history import history_entries, history_records
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_update_progress
from tests import factories

pytestmark = pytest.mark.django_db

GER_2024 = "Global Exploration Roadmap 2024"
LOADED = "Added: loaded from the ISECG record: ISECG 2024 Annual Report (May 2025), Highlights"


@pytest.fixture
def secretariat(db):
    user = factories.UserFactory(username="sec-notes", first_name="Sara", last_name="Secretary")
    group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[Role.SECRETARIAT])
    user.groups.add(group)
    return user


@pytest.fixture
def reader(db):
    return factories.UserFactory(username="reader-notes")


@pytest.fixture
def client_for(db):
    def make(user) -> APIClient:
        client = APIClient()
        issued = api_token_create(actor=user, name="tests", scope="read")
        client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
        return client

    return make


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _history_section(html: str) -> str:
    return html.split('id="history"', 1)[1]


def test_a_loaded_deliverable_starts_with_one_line_naming_its_publication(
    client, isecg_record, reader
):
    ger = Deliverable.objects.get(title=GER_2024)
    history = _history_section(_page(client, reader, ger.get_absolute_url()))
    assert LOADED in history
    # Not a list of every field going from nothing to its first value.
    assert "→" not in history
    assert "title:" not in history and "the system:" not in history
    assert "fixture" not in history and ".yaml" not in history


def test_creation_by_a_person_is_one_line_and_later_changes_still_say_what_changed(
    client, isecg_record, secretariat, reader
):
    deliverable = factories.DeliverableFactory.build(
        title="Lunar gap report",
        lead_group=Deliverable.objects.get(title=GER_2024).lead_group,
        status_note="Started",
    )
    deliverable._history_user = secretariat
    deliverable._change_reason = "Planned at the December meeting"
    deliverable.save()
    deliverable_update_progress(
        deliverable=deliverable,
        actor=secretariat,
        expected_version=deliverable.version,
        reason="Half done",
        percent_complete=50,
    )
    history = _history_section(_page(client, reader, deliverable.get_absolute_url()))
    assert "Created by Sara Secretary: Planned at the December meeting" in history
    assert "“Started”" not in history  # the initial values are not listed
    assert "Progress (%): “0” → “50”" in history


def test_the_api_history_gives_the_same_one_line(isecg_record, reader):
    ger = Deliverable.objects.get(title=GER_2024)
    [first] = history_entries(ger, list(history_records(ger)))
    assert first["action"] == "created" and first["headline"].startswith(LOADED)


def test_notes_are_on_the_deliverable_page_for_the_secretariat_only(
    client, isecg_record, secretariat, reader
):
    ger = Deliverable.objects.get(title=GER_2024)
    assert ger.notes
    words = "Coordinated by the Exploration Roadmap Working Group"
    assert "Secretariat's notes" in _page(client, secretariat, ger.get_absolute_url())
    reader_page = _page(client, reader, ger.get_absolute_url())
    assert "Secretariat's notes" not in reader_page
    assert words not in reader_page.split("<h3>Summary</h3>")[0]


def test_a_change_of_notes_is_in_the_secretariats_history_only(client, secretariat, reader):
    deliverable = factories.DeliverableFactory(title="Plan", notes="")
    deliverable.notes = "Read from the 2025 report's outlook."
    deliverable._change_reason = "Notes"
    deliverable.save()
    assert "Read from the 2025" in _history_section(
        _page(client, secretariat, deliverable.get_absolute_url())
    )
    assert "Read from the 2025" not in _history_section(
        _page(client, reader, deliverable.get_absolute_url())
    )


@pytest.mark.parametrize(
    "name, obj",
    [
        ("agency", lambda: Agency.objects.get(acronym="KASA")),
        ("deliverable", lambda: Deliverable.objects.get(title=GER_2024)),
    ],
)
def test_the_api_gives_notes_to_the_secretariat_only(
    isecg_record, client_for, secretariat, reader, name, obj
):
    record = obj()
    url = reverse(f"api:{name}-detail", args=[record.pk])
    for_secretariat = client_for(secretariat).get(url).json()
    for_reader = client_for(reader).get(url).json()
    assert for_secretariat["notes"] == record.notes != ""
    assert for_reader["notes"] == ""
    if name == "agency":
        [kari] = for_reader["earlier_names"]
        assert kari["notes"] == "" and kari["acronym"] == "KARI"
        [kari] = for_secretariat["earlier_names"]
        assert "acronym only" in kari["notes"]
    # The history: the secretariat sees the notes among the first values, nobody else.
    history = reverse(f"api:{name}-history", args=[record.pk])
    first = client_for(reader).get(history).json()["results"][-1]
    assert first["headline"].startswith("Added: loaded from the ISECG record: ")
    assert "notes" not in [c["field"] for c in first["changes"]]
    first = client_for(secretariat).get(history).json()["results"][-1]
    assert "notes" in [c["field"] for c in first["changes"]]
