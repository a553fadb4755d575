"""API tokens from the attacker's side and the script's: what the database holds, what an
expired, revoked or read-only token gets, and the API that lists, makes and revokes them."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.authentication import token_for_secret
from apps.api.models import MAX_ACTIVE_PER_PERSON, ApiToken, digest_of
from apps.api.services import api_token_create
from tests.reliability.conftest import database_url
from tests.reliability.servers import missing

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def script(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def made(user, *, scope="read_write", name="nightly export", days=None):
    return api_token_create(actor=user, name=name, scope=scope, expires_in_days=days)


def signing_in(user, **body):
    if not user.check_password(PASSWORD):  # a new password would revoke their tokens
        user.set_password(PASSWORD)
        user.save()
    return APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **body}, format="json"
    )


# --- what a stolen database gives: nothing that signs in ----------------------------------------


def test_the_stored_values_of_a_token_do_not_authenticate(cast):
    issued = made(cast.reader)
    row = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert issued.secret not in {str(value) for value in row.values()}
    assert row["digest"] == digest_of(issued.secret)
    for stored in (row["digest"], row["lookup"]):
        assert script(stored).get("/api/v1/agencies/").status_code == 401
    assert script(issued.secret).get("/api/v1/agencies/").status_code == 200
    assert issued.secret not in repr(issued) and issued.secret not in str(issued.token)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_of_the_database_holds_no_secret(cast):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("pg_dump needs PostgreSQL: run with DATABASE_URL=postgres://...")
    pg_dump = shutil.which("pg_dump") or missing("pg_dump is not installed")
    secrets = [made(cast.reader, scope=scope).secret for scope in ("read", "read_write")]
    dump = subprocess.run(
        [pg_dump, "--data-only", database_url()], capture_output=True, text=True, check=True
    ).stdout
    assert "api_apitoken" in dump and digest_of(secrets[0]) in dump
    for secret in secrets:
        assert secret not in dump
        assert secret[len("isecg_") :] not in dump  # nor the random part alone


# --- refusals a script can act on ----------------------------------------------------------------


def test_an_expired_token_is_401_saying_so_and_how_to_get_a_new_one(cast):
    issued = made(cast.reader, days=1)
    a_day_ago = timezone.now() - datetime.timedelta(days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        created_at=a_day_ago, expires_at=a_day_ago + datetime.timedelta(hours=23)
    )
    response = script(issued.secret).get("/api/v1/agencies/")
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "This API token (“nightly export”) expired on " in detail
    assert "/api/token/" in detail and "POST /api/v1/auth/token/" in detail
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_a_revoked_token_is_401_saying_why(cast):
    issued = made(cast.reader)
    assert script(issued.secret).delete(TOKEN_URL).status_code == 204
    response = script(issued.secret).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert "was revoked on " in response.json()["detail"]
    assert "revoked by its owner" in response.json()["detail"]


def test_a_read_only_token_reads_but_any_write_is_403_saying_it_is_read_only(cast):
    issued = made(cast.cochair_twg, scope="read")
    deliverable = cast.deliverable("planned")
    client = script(issued.secret)
    assert client.get(f"/api/v1/deliverables/{deliverable.pk}/").status_code == 200
    url = f"/api/v1/deliverables/{deliverable.pk}/transitions/"
    response = client.post(url, {"to": "drafting", "reason": "kick-off"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("This API token is read-only")
    deliverable.refresh_from_db()
    assert deliverable.state == "planned"
    # The same person with a read-write token makes the move.
    writer = script(made(cast.cochair_twg).secret)
    moved = writer.post(url, {"to": "drafting", "reason": "kick-off"}, format="json")
    assert moved.status_code in (200, 201), moved.json()
    deliverable.refresh_from_db()
    assert deliverable.state == "drafting"
    # Nor may it revoke tokens or make one.
    assert client.delete(TOKEN_URL).status_code == 403
    assert client.post(TOKEN_URL, {}, format="json").status_code == 403


def test_last_used_moves_on_use_at_most_once_a_minute(cast):
    issued = made(cast.reader)
    assert issued.token.last_used_at is None
    client = script(issued.secret)
    before = timezone.now()
    assert client.get("/api/v1/agencies/").status_code == 200
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None and first >= before
    assert client.get("/api/v1/agencies/").status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first  # no write yet
    a_minute_ago = first - datetime.timedelta(seconds=61)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=a_minute_ago)
    assert client.get("/api/v1/agencies/").status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > first


def test_a_token_costs_one_query_and_a_write_at_most_once_a_minute(cast, django_assert_num_queries):
    issued = made(cast.reader)
    with django_assert_num_queries(2):  # find it with its owner; note its first use
        assert token_for_secret(issued.secret).user == cast.reader
    with django_assert_num_queries(1):  # within the minute: no write
        token_for_secret(issued.secret)


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token " + "x" * 500, "Token isecg_" + "A" * 43],
)
def test_malformed_or_unknown_secrets_are_401(cast, header):
    made(cast.reader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# --- making a token through the API ------------------------------------------------------------


def test_a_script_names_scopes_and_times_its_token(cast):
    response = signing_in(cast.reader, name="feed reader", scope="read", expires_in_days=30)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["scope"]) == ("feed reader", "read")
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )
    assert script(body["token"]).post(TOKEN_URL, {}, format="json").status_code == 403


def test_the_default_expiry_is_90_days(cast):
    body = signing_in(cast.reader).json()
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    created = datetime.datetime.fromisoformat(body["created_at"])
    assert expires - created == datetime.timedelta(days=90)


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"name": "night\x07ly"}, "name", "control characters"),
        ({"name": "two\nlines"}, "name", "one line"),
        ({"name": "   "}, "name", "Give the token a name"),
        ({"name": "x" * 81}, "name", "81 characters long; keep it to 80"),
        ({"scope": "admin"}, "scope", "admin"),
        ({"expires_in_days": 366}, "expires_in_days", "365"),
        ({"expires_in_days": 0}, "expires_in_days", "1"),
    ],
)
def test_bad_token_requests_are_400_naming_the_field_and_make_nothing(cast, body, field, says):
    response = signing_in(cast.reader, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert says in " ".join(response.json()["fields"][field])
    assert not ApiToken.objects.filter(user=cast.reader).exists()


def test_a_token_cannot_make_another_token(cast):
    issued = made(cast.reader)
    response = script(issued.secret).post(TOKEN_URL, {"name": "longer"}, format="json")
    assert response.status_code == 403
    assert "A token cannot make another token" in response.json()["detail"]
    assert ApiToken.objects.filter(user=cast.reader).count() == 1


def test_one_person_holds_a_bounded_number_of_live_tokens(cast):
    assert signing_in(cast.reader).status_code == 200
    for n in range(MAX_ACTIVE_PER_PERSON - 1):
        made(cast.reader, name=f"t{n}")
    response = signing_in(cast.reader)
    assert response.status_code == 400
    assert "revoke those you no longer use" in response.json()["detail"]
    ApiToken.objects.filter(user=cast.reader, name="t0").update(revoked_at=timezone.now())
    assert signing_in(cast.reader).status_code == 200


# --- listing and revoking ------------------------------------------------------------------------


def test_the_list_shows_your_tokens_and_never_a_secret(cast):
    mine = [made(cast.reader, name="a"), made(cast.reader, name="b", scope="read")]
    theirs = made(cast.sam, name="not yours")
    response = script(mine[0].secret).get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["b", "a"]
    assert [row["current"] for row in rows] == [False, True]
    assert set(rows[0]) == {
        "id", "name", "scope", "state", "created_at", "expires_at", "last_used_at",
        "revoked_at", "revoked_reason", "current",
    }  # fmt: skip
    text = response.content.decode()
    for issued in [*mine, theirs]:
        assert issued.secret not in text and issued.token.digest not in text
    assert "not yours" not in text


def test_revoking_one_by_id(cast):
    keep, drop = made(cast.reader, name="keep"), made(cast.reader, name="drop")
    client = script(keep.secret)
    assert client.delete(f"{TOKENS_URL}{drop.token.pk}/").status_code == 204
    assert script(drop.secret).get("/api/v1/agencies/").status_code == 401
    assert client.get("/api/v1/agencies/").status_code == 200
    states = {row["name"]: row["state"] for row in client.get(TOKENS_URL).json()["results"]}
    assert states == {"keep": "active", "drop": "revoked"}


def test_nobody_revokes_someone_elses_token_through_the_api(cast):
    victim = made(cast.delegates["ESA"])
    attacker = script(made(cast.secretariat).secret)
    response = attacker.delete(f"{TOKENS_URL}{victim.token.pk}/")
    assert response.status_code == 403
    assert "This token is not yours" in response.json()["detail"]
    assert script(victim.secret).get("/api/v1/agencies/").status_code == 200
    assert attacker.delete(f"{TOKENS_URL}999999/").status_code == 404


def test_deleting_the_token_of_a_request_that_carries_none_is_400(client, cast):
    client.force_login(cast.reader)
    response = client.delete(TOKEN_URL)
    assert response.status_code == 400
    assert "DELETE /api/v1/auth/tokens/<id>/" in response.json()["detail"]
