"""The 'Your API tokens' page and the admin: a secret is shown once, to its owner, right after
it is made, and never again to anyone; the admin shows whose a token is, never the token."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.models import ApiToken, digest_of
from apps.api.services import api_token_create

pytestmark = pytest.mark.django_db

PAGE = reverse("api:token-page")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(client: Client, **fields):
    body = {"action": "create", "name": "nightly export", "scope": "read_write"}
    return client.post(PAGE, {**body, "expires_in_days": "90", **fields})


def shown_secret(response) -> str:
    [secret] = re.findall(r'<input id="api-token"[^>]* value="([^"]+)"', response.content.decode())
    return secret


def answers(secret: str, path: str = "/api/v1/agencies/") -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get(path).status_code


def test_the_secret_is_shown_once_right_after_it_is_made(cast):
    reader = browser(cast.reader)
    empty = reader.get(PAGE)
    assert "You have no live API token." in empty.content.decode()
    assert "90 days unless you change it; at most 365" in empty.content.decode()
    created = make(reader)
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    secret = shown_secret(created)
    assert secret.startswith("isecg_")
    assert "This is the only time it is shown" in created.content.decode()
    stored = ApiToken.objects.get(user=cast.reader)
    assert stored.digest == digest_of(secret)
    # Never again: the page lists it by name, scope, expiry and last use only.
    again = reader.get(PAGE).content.decode()
    assert secret not in again and stored.digest not in again
    live = again.split('id="live-heading"')[1]
    assert "nightly export" in live and "read-write" in live
    assert "(in 90 days)" in live
    assert '<span class="muted">never</span>' in live
    assert answers(secret) == 200
    used = reader.get(PAGE).content.decode().split('id="live-heading"')[1]
    assert '<span class="muted">never</span>' not in used


def test_a_read_only_token_comes_with_its_feed_address(cast):
    created = make(browser(cast.reader), name="feed reader", scope="read")
    secret = shown_secret(created)
    page = html.unescape(created.content.decode())
    assert f"/feed/atom/?token={secret}" in page
    assert Client().get(f"/feed/atom/?token={secret}").status_code == 200


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": ""}, "Give the token a name"),
        ({"name": "nightly\x00export"}, "control characters"),
        ({"name": "x" * 81}, "keep it to 80"),
        ({"scope": "root"}, "The scope must be one of"),
        ({"expires_in_days": "400"}, "from 1 to 365 days"),
        ({"expires_in_days": "ninety"}, "Give the number of days it lasts, from 1 to 365"),
        ({"expires_in_days": "٩٠"}, "Give the number of days"),  # Arabic-Indic digits
    ],
)
def test_bad_input_is_400_with_the_reason_keeps_what_was_typed_and_makes_nothing(
    cast, fields, says
):
    response = make(browser(cast.reader), **fields)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert says in page
    assert 'id="api-token"' not in page
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page(cast):
    reader = browser(cast.reader)
    secret = shown_secret(make(reader))
    token = ApiToken.objects.get(user=cast.reader)
    response = reader.post(PAGE, {"action": "revoke", "token": token.pk}, follow=True)
    page = response.content.decode()
    assert "“nightly export” is revoked" in html.unescape(page)
    assert "Ended recently" in page and "revoked by its owner" in page
    assert answers(secret) == 401


def test_nobody_revokes_anothers_token_on_the_page(cast):
    victim = api_token_create(actor=cast.delegates["ESA"], name="ESA script", scope="read_write")
    response = browser(cast.secretariat).post(
        PAGE, {"action": "revoke", "token": victim.token.pk}, follow=True
    )
    assert "No such token of yours" in response.content.decode()
    assert answers(victim.secret) == 200


def test_an_unknown_action_is_400(cast):
    assert browser(cast.reader).post(PAGE, {"action": "regenerate"}).status_code == 400


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def operator(cast):
    cast.secretariat.is_staff = cast.secretariat.is_superuser = True
    cast.secretariat.save()
    return browser(cast.secretariat)


def test_the_admin_shows_owner_name_expiry_and_last_use_never_the_secret(cast, operator):
    issued = api_token_create(actor=cast.delegates["ESA"], name="ESA script", scope="read_write")
    assert answers(issued.secret) == 200  # so it has a last use
    token = ApiToken.objects.get(pk=issued.token.pk)
    pages = [
        operator.get(reverse("admin:api_apitoken_changelist")),
        operator.get(reverse("admin:api_apitoken_change", args=[token.pk])),
        operator.get(reverse("admin:api_apitoken_history", args=[token.pk])),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    listing, detail = pages[0].content.decode(), pages[1].content.decode()
    for text in (listing, detail):
        assert "ESA script" in text and "delegate-esa" in text
    assert "Last used at" in detail or "last used at" in detail.lower()
    for page in pages:
        text = page.content.decode()
        assert issued.secret not in text
        assert token.digest not in text and token.lookup not in text
    assert operator.get(reverse("admin:api_apitoken_add")).status_code == 403
    change = operator.post(reverse("admin:api_apitoken_change", args=[token.pk]), {})
    assert change.status_code == 403
    delete = operator.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()


def test_the_superuser_revokes_a_token_in_the_admin_with_a_record_of_it(cast, operator):
    issued = api_token_create(actor=cast.delegates["ESA"], name="ESA script", scope="read_write")
    response = operator.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.token.pk]},
        follow=True,
    )
    assert "1 token(s) revoked." in response.content.decode()
    assert answers(issued.secret) == 401
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.revoked_by == cast.secretariat
    assert token.revoked_reason == "revoked by secretariat"
    history = operator.get(reverse("admin:api_apitoken_history", args=[token.pk]))
    assert "Revoked" in history.content.decode()


def test_staff_without_the_superusers_rights_see_no_tokens(cast):
    cast.cochair_twg.is_staff = True
    cast.cochair_twg.save()
    staff = browser(cast.cochair_twg)
    assert staff.get(reverse("admin:api_apitoken_changelist")).status_code == 403
