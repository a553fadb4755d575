"""Who gets in: session for the browser, tokens for scripts, 401 JSON for everyone else."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.models import ApiToken, digest_of

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def collection_urls() -> list[str]:
    names = [
        "agency",
        "working-group",
        "cochair-appointment",
        "outlook-item",
        "deliverable",
        "activity",
        "meeting",
        "consensus-round",
        "report-draft",
    ]
    return [reverse(f"api:{name}-list") for name in names]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        *collection_urls(),
        "/api/v1/deliverables/1/",
        "/api/v1/deliverables/1/history/",
        "/api/v1/deliverables/1/transitions/",
        "/api/v1/consensus-rounds/1/positions/",
        "/api/v1/report-drafts/1/docx/",
        "/api/schema/",
    ],
)
def test_anonymous_requests_get_401_json_not_the_login_page(client, url):
    """LoginRequiredMiddleware must not redirect API calls: DRF answers 401 with a challenge."""
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "Authorization: Token" in body["detail"]


def test_anonymous_writes_get_401_too(client):
    response = client.post(
        "/api/v1/deliverables/1/transitions/", {"to": "drafting"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_an_unknown_token_is_refused(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/deliverables/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_disabled_users_token_is_refused(cast, client_for):
    client = client_for(cast.reader)
    cast.reader.is_active = False
    cast.reader.save()
    assert client.get("/api/v1/deliverables/").status_code == 401


def test_the_browser_session_works(client, cast):
    client.force_login(cast.reader)
    assert client.get("/api/v1/deliverables/").status_code == 200


def test_session_writes_need_the_csrf_token(cast):
    """Session auth is CSRF-protected (a token header is not, as no browser sends it alone)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.cochair_twg)
    deliverable = cast.deliverable("planned")
    url = f"/api/v1/deliverables/{deliverable.pk}/transitions/"
    response = client.post(url, {"to": "drafting", "reason": "kick-off"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_unknown_api_urls_answer_json_404(client, cast):
    client.force_login(cast.reader)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # ... even for anonymous callers, who are not sent to the login page.
    client.logout()
    assert client.get("/api/v1/no-such-thing/").status_code == 404
    # A missing trailing slash is named, even on a POST (which no redirect could fix).
    slashless = client.post("/api/v1/deliverables/1/transitions", {})
    assert slashless.status_code == 404
    assert (
        "every API URL ends with a slash: /api/v1/deliverables/1/transitions/"
        in (slashless.json()["detail"])
    )


# --- getting and revoking a token ---------------------------------------------------------------


def test_a_script_gets_its_token_with_username_and_password(cast):
    cast.reader.set_password(PASSWORD)
    cast.reader.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "reader", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "reader"
    # A named, read-write token (what scripts had before), stored only as a hash.
    assert (body["name"], body["scope"], body["state"]) == ("script", "read_write", "active")
    stored = ApiToken.objects.get(user=cast.reader)
    assert stored.digest == digest_of(body["token"]) and stored.pk == body["id"]
    assert response["Cache-Control"] == "no-store"
    # Asking again makes another token (the first secret cannot be shown again); both work.
    again = APIClient().post(
        "/api/v1/auth/token/", {"username": "reader", "password": PASSWORD}, format="json"
    )
    assert again.json()["token"] != body["token"]
    for secret in (body["token"], again.json()["token"]):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert client.get("/api/v1/agencies/").status_code == 200


def test_a_signed_in_user_gets_their_token_without_a_password(client, cast):
    client.force_login(cast.sam)
    response = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["username"] == "sam"


def test_a_wrong_password_is_401_and_gives_no_token(cast):
    cast.reader.set_password(PASSWORD)
    cast.reader.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "reader", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Wrong username or password (or the account is disabled).",
        "code": "authentication_failed",
    }
    assert not ApiToken.objects.filter(user=cast.reader).exists()


def test_half_the_credentials_is_a_400_naming_the_missing_field(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "reader"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"password": ["Give your password too."]}


def test_no_credentials_and_not_signed_in_is_401(db):
    assert APIClient().post("/api/v1/auth/token/", {}, format="json").status_code == 401


def test_password_guessing_is_throttled_per_address(cast):
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": f"user{i}", "password": "x"}, format="json"
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    throttled = client.post("/api/v1/auth/token/", {"username": "reader", "password": "x"})
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_password_guessing_is_throttled_per_account_from_one_address_only(cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth": "1000/minute", "auth_username": "3/hour"},
    }

    def attempt(address: str) -> int:
        return (
            APIClient(REMOTE_ADDR=address)
            .post("/api/v1/auth/token/", {"username": "Reader", "password": "x"}, format="json")
            .status_code
        )

    assert [attempt("10.0.0.1") for _ in range(4)] == [401, 401, 401, 429]
    # Nobody can keep the account's owner from getting a token from elsewhere.
    assert attempt("10.0.0.2") == 401


def test_a_user_revokes_their_token(cast, client_for):
    client = client_for(cast.reader)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert ApiToken.objects.get(user=cast.reader).revoked_reason == "revoked by its owner"
    assert client.get("/api/v1/agencies/").status_code == 401


def test_revoking_needs_authentication(db):
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


# --- the 'Your API tokens' page (more in test_tokens_page.py) ------------------------------------


def test_the_token_page_needs_a_signed_in_user(client):
    response = client.get(reverse("api:token-page"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_token_page_is_a_page_of_the_site(client, cast):
    """It has the site's header, navigation, sign-out button and style sheet, like every page."""
    client.force_login(cast.reader)
    page = client.get(reverse("api:token-page"))
    assert page.status_code == 200
    assert "web/base.html" in [template.name for template in page.templates]
    html = page.content.decode()
    assert '<header class="site">' in html
    assert '<nav aria-label="Main">' in html
    assert f'href="{reverse("web:deliverables")}"' in html
    assert "web/site.css" in html
    assert f"Sign out {cast.reader.username}" in html
    assert html.count("<title>") == 1 and "<title>Your API tokens · " in html


# --- schema and docs -----------------------------------------------------------------------------


def test_the_docs_page_is_for_signed_in_people(client, cast):
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    client.force_login(cast.reader)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    # The page's script is served as a file (the content security policy allows no inline
    # script); it points Swagger UI at the schema.
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert b"/api/schema/" in script.content


def test_the_schema_is_served_to_token_holders(cast, client_for):
    response = client_for(cast.reader).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
