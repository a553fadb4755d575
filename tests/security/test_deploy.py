"""Production settings: `check --deploy` clean, HTTPS enforced, a strict content security policy,
no framing, sign-in lockout and strong passwords."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # As a server starts: none of the test run's own settings (the browser tests allow
    # synchronous database calls from async code, which check --deploy rightly refuses).
    drop = ("SECURE_", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env={**keep, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="tracker.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_each_weakened_setting():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="short", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
    )  # fmt: skip
    assert result.returncode != 0
    for warning in ("W004", "W008", "W009", "W012", "W016"):
        assert warning in result.stderr


def test_secrets_come_only_from_the_environment():
    source = (PROJECT / "isecg_tracker" / "settings.py").read_text()
    assert 'env_secret_key("SECRET_KEY"' in source
    assert 'os.environ.get("EMAIL_HOST_PASSWORD"' in source
    result = manage("check", DEBUG="0")
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.django_db
def test_http_is_redirected_to_https_but_health_probes_are_not(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = Client().get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert Client().get("/healthz").status_code == 200
    secure = Client().get(reverse("login"), secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000; includeSubDomains; preload" in secure["Strict-Transport-Security"]


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy_and_refuses_framing(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_templates_hold_no_inline_script_style_or_javascript_url():
    templates = list((PROJECT / "apps").glob("*/templates/**/*.html"))
    offending = []
    for path in templates:
        if path.name == "annual_report.html":  # served under its own "sandbox" policy
            continue
        text = path.read_text()
        for needle in ("<script>", " style=", "javascript:", " onclick=", " onload=", "<style"):
            if needle in text:
                offending.append(f"{path.relative_to(PROJECT)}: {needle.strip()}")
    assert len(templates) > 15
    assert offending == []


# --- sign-in lockout ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_wrong_passwords_pause_the_account_from_that_address_with_a_clear_message(
    django_user_model,
):
    django_user_model.objects.create_user("reader", password="a long enough password")
    url = reverse("login")
    guesser = Client(REMOTE_ADDR="10.1.0.1")
    statuses = [
        guesser.post(url, {"username": "reader", "password": "no"}).status_code for _ in range(10)
    ]
    assert statuses == [200] * 9 + [429]
    # Paused from that address, even with the right password, and told why, until when and
    # what to do.
    locked = guesser.post(url, {"username": "reader", "password": "a long enough password"})
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many wrong passwords for this account from your address" in text
    assert "UTC" in text and "Forgot your password?" in text
    assert 895 <= int(locked["Retry-After"]) <= 900
    # The person, from another address, still gets in.
    other = Client(REMOTE_ADDR="10.2.0.1").post(
        url, {"username": "reader", "password": "a long enough password"}
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_paused(django_user_model):
    client = Client(REMOTE_ADDR="10.3.0.1")
    statuses = [
        client.post(reverse("login"), {"username": f"user{i}", "password": "x"}).status_code
        for i in range(30)
    ]
    assert statuses == [200] * 29 + [429]
    paused = client.post(reverse("login"), {"username": "someone", "password": "x"})
    assert "Too many wrong passwords from your address" in paused.content.decode()


@pytest.mark.django_db
def test_the_lockout_is_counted_in_the_database_shared_by_all_workers(django_user_model):
    from axes.models import AccessAttempt

    django_user_model.objects.create_user("reader", password="a long enough password")
    for _ in range(3):
        Client().post(reverse("login"), {"username": "reader", "password": "no"})
    assert AccessAttempt.objects.get(username="reader").failures_since_start == 3


@pytest.mark.django_db
def test_the_api_token_endpoint_answers_a_lockout_in_json(django_user_model):
    django_user_model.objects.create_user("reader", password="a long enough password")
    for _ in range(10):
        response = Client(REMOTE_ADDR="10.4.0.1").post(
            "/api/v1/auth/token/", {"username": "reader", "password": "no"},
            content_type="application/json",
        )  # fmt: skip
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "Too many wrong passwords" in response.json()["detail"]


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-pass1", "at least 12 characters"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
        ("delegate-nasa-2025", "too similar"),
    ],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused_with_the_reason(password, why, django_user_model):
    user = django_user_model(username="delegate-nasa-2025", email="d@example.org")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert why in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_a_passphrase_is_accepted(django_user_model):
    user = django_user_model(username="delegate-nasa")
    validate_password("lunar gateway dawn 2040", user)
