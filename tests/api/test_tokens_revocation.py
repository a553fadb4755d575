"""A password change or a deactivation ends every token of the account, through each door
(the web's password change and reset, the admin, `changepassword`, set_password + save); signing
in, and Django re-hashing a password on sign-in, do not."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from apps.api.models import ApiToken
from apps.api.services import ACCOUNT_DEACTIVATED, PASSWORD_CHANGED, api_token_create
from tests.integration.test_real_servers import forms_of

pytestmark = pytest.mark.django_db

OLD, NEW = "the first long password", "a second long passphrase"


@pytest.fixture
def person(cast):
    """The reader with a known password and two live tokens (read-only and read-write)."""
    cast.reader.set_password(OLD)
    cast.reader.save()
    secrets = [
        api_token_create(actor=cast.reader, name=name, scope=scope).secret
        for name, scope in (("feed reader", "read"), ("nightly export", "read_write"))
    ]
    assert all(answers(secret) == 200 for secret in secrets)
    return cast.reader, secrets


def answers(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/agencies/").status_code


def assert_all_revoked(user, secrets, reason: str) -> None:
    assert [answers(secret) for secret in secrets] == [401, 401]
    reasons = set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True))
    assert reasons == {reason}


def assert_all_live(secrets) -> None:
    assert [answers(secret) for secret in secrets] == [200, 200]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the doors that change a password ------------------------------------------------------------


def test_the_web_password_change_revokes_them(person):
    user, secrets = person
    browser = signed_in(user)
    response = browser.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302, response.content.decode()[-800:]
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)
    # The session that changed the password goes on (Django keeps it); the tokens do not.
    assert browser.get("/api/v1/agencies/").status_code == 200


def test_a_password_reset_revokes_them(person):
    user, secrets = person
    browser = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = browser.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302, response.content.decode()[-800:]
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)


def test_the_admins_password_form_revokes_them(person, cast):
    user, secrets = person
    cast.secretariat.is_staff = cast.secretariat.is_superuser = True
    cast.secretariat.save()
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = signed_in(cast.secretariat).post(
        url, {"password1": NEW, "password2": NEW, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)


def test_the_changepassword_command_revokes_them(person, monkeypatch):
    user, secrets = person
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    call_command("changepassword", user.username, stdout=io.StringIO())
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)


def test_set_password_and_save_revoke_them(person):
    user, secrets = person
    user.set_password(NEW)
    user.save()
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)


def test_an_unusable_password_revokes_them(person):
    user, secrets = person
    user.set_unusable_password()
    user.save(update_fields=["password"])
    assert_all_revoked(user, secrets, PASSWORD_CHANGED)


# --- deactivation --------------------------------------------------------------------------------


def test_deactivating_in_the_admin_revokes_them_and_reactivating_does_not_bring_them_back(
    person, cast
):
    user, secrets = person
    cast.secretariat.is_staff = cast.secretariat.is_superuser = True
    cast.secretariat.save()
    admin = signed_in(cast.secretariat)
    url = reverse("admin:auth_user_change", args=[user.pk])
    [form] = [f for f in forms_of(admin.get(url).content.decode()) if "username" in f.fields]
    data = {key: value for key, value in form.fields.items() if key != "is_active"}
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    user.refresh_from_db()
    assert not user.is_active
    assert_all_revoked(user, secrets, ACCOUNT_DEACTIVATED)

    user.is_active = True
    user.save()
    assert [answers(secret) for secret in secrets] == [401, 401]


def test_deactivating_with_save_update_fields_revokes_them(person):
    user, secrets = person
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert_all_revoked(user, secrets, ACCOUNT_DEACTIVATED)


# --- saves that are not changes ------------------------------------------------------------------


def test_signing_in_and_editing_the_name_keep_them(person):
    user, secrets = person
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": OLD})
    assert response.status_code == 302  # last_login was saved
    user.refresh_from_db()
    user.first_name = "Renamed"
    user.save()
    assert_all_live(secrets)


def test_django_rehashing_a_password_on_sign_in_keeps_them(person, settings):
    """After an upgrade Django re-hashes an old-format password when its owner signs in: the
    same password, so scripts go on working."""
    user, secrets = person
    user.password = make_password(OLD, hasher="md5")
    user.save(update_fields=["password"])  # an old hash, stored by hand: a change, as it should
    secrets = [api_token_create(actor=user, name=name, scope="read").secret for name in ("a", "b")]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = Client().post(reverse("login"), {"username": user.username, "password": OLD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # re-hashed
    assert_all_live(secrets)
