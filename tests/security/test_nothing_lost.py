"""Business records cannot be hard-deleted, and their history cannot be edited, through the
app, the API or the admin, even by the operator's superuser."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

from .test_routes import (
    ADMIN_MODELS,
    DJANGO,
    LOCKOUT_LOG,
    MAIL,
    TOKEN,
    business_models,
    history_rows,
)

pytestmark = pytest.mark.django_db


def record_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in business_models()}


@pytest.fixture
def operator():
    user = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def business_admin_objects(world, cast):
    world = world | {
        "twg": cast.twg,
        "agency": cast.agencies["NASA"],
        "appointment": cast.cochair_twg.cochair_appointments.get(),
        "delegate_appointment": cast.delegates["NASA"].delegate_appointments.get(),
    }
    for label, (kind, key) in ADMIN_MODELS.items():
        if kind not in (DJANGO, LOCKOUT_LOG, TOKEN, MAIL) and not label.startswith("auth."):
            yield label, world[key]


def test_the_admin_deletes_nothing_and_restores_no_past_version(operator, world, cast):
    before, rows = record_counts(), history_rows()
    tried = 0
    for label, obj in business_admin_objects(world, cast):
        app, model = label.split(".")
        delete = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
        assert operator.get(delete).status_code == 403, delete
        assert operator.post(delete, {"post": "yes"}).status_code == 403, delete
        changelist = reverse(f"admin:{app}_{model}_changelist")
        bulk = operator.post(changelist, {"action": "delete_selected", "_selected_action": obj.pk})
        assert bulk.status_code in (200, 302, 403)
        version = obj.history.earliest()
        past = reverse(f"admin:{app}_{model}_simple_history", args=[obj.pk, version.history_id])
        assert operator.get(past).status_code == 200  # shown
        assert "Revert" not in operator.get(past).content.decode()
        assert operator.post(past, {}).status_code == 403  # never restored
        tried += 1
    assert tried == 23  # every business model in the admin, the report highlights and listings too
    assert record_counts() == before
    assert history_rows() == rows


def test_the_admin_keeps_people_and_role_groups(operator, cast):
    from django.contrib.auth.models import Group, User

    people = User.objects.count()
    url = reverse("admin:auth_user_delete", args=[cast.cochair_twg.pk])
    assert operator.post(url, {"post": "yes"}).status_code == 403
    group = Group.objects.get(name="Secretariat")
    assert (
        operator.post(
            reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert User.objects.count() == people
    assert Group.objects.filter(name="Secretariat").exists()


def test_the_api_offers_no_delete_and_no_history_write(cast, world):
    from apps.api.services import api_token_create

    issued = api_token_create(actor=cast.secretariat, name="tests", scope="read_write")
    client = Client(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    before, rows = record_counts(), history_rows()
    targets = {
        "agency": cast.agencies["NASA"], "working-group": cast.twg,
        "deliverable": world["planned"], "outlook-item": world["outlook"],
        "activity": world["activity"], "meeting": world["meeting"],
        "consensus-round": world["round"], "report-draft": world["draft"],
        "cochair-appointment": cast.cochair_twg.cochair_appointments.get(),
    }  # fmt: skip
    for basename, obj in targets.items():
        detail = reverse(f"api:{basename}-detail", args=[obj.pk])
        history = reverse(f"api:{basename}-history", args=[obj.pk])
        for url in (detail, history):
            assert client.delete(url).status_code == 405, url
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(history, {}, content_type="application/json")
            assert response.status_code == 405, (method, history)
    assert record_counts() == before
    assert history_rows() == rows


def test_the_web_app_has_no_delete_route():
    from .test_routes import WEB

    assert not [name for name in WEB if "delete" in name or "remove" in name]
