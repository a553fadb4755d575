"""The Atom feed for a feed reader: a read-only token in its address (or any token in a header),
refused with the reason when it is not good, and never written whole into a log."""

import datetime
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.api.authentication import redacted
from apps.api.models import ApiToken
from apps.api.services import api_token_create

pytestmark = pytest.mark.django_db

FEED = reverse("web:feed")


def token(user, scope="read"):
    return api_token_create(actor=user, name="feed reader", scope=scope)


def test_a_read_only_token_in_the_address_reads_the_feed(cast):
    issued = token(cast.reader)
    response = Client().get(FEED, {"token": issued.secret})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<feed" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert issued.secret not in response.content.decode()  # not echoed in the feed's links
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_any_token_in_the_header_reads_the_feed(cast):
    issued = token(cast.reader, scope="read_write")
    response = Client(HTTP_AUTHORIZATION=f"Token {issued.secret}").get(FEED)
    assert response.status_code == 200


def test_a_read_write_token_in_the_address_is_refused(cast):
    issued = token(cast.reader, scope="read_write")
    response = Client().get(FEED, {"token": issued.secret})
    assert response.status_code == 403
    assert "Only a read-only token may be given in the feed's address" in response.content.decode()


def test_an_expired_token_is_401_saying_so(cast):
    issued = token(cast.reader)
    past = timezone.now() - datetime.timedelta(days=2)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        created_at=past, expires_at=past + datetime.timedelta(days=1)
    )
    response = Client().get(FEED, {"token": issued.secret})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "expired on" in text and "/api/token/" in text
    assert response["WWW-Authenticate"] == 'Token realm="feed"'


def test_a_token_of_a_changed_password_or_unknown_is_401(cast):
    issued = token(cast.reader)
    cast.reader.set_password("a brand new long password")
    cast.reader.save()
    response = Client().get(FEED, {"token": issued.secret})
    assert response.status_code == 401
    assert "the account's password changed" in response.content.decode()
    assert Client().get(FEED, {"token": "isecg_nonsense"}).status_code == 401


def test_without_credentials_a_browser_is_sent_to_sign_in_and_a_session_reads(cast):
    response = Client().get(FEED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    browser = Client()
    browser.force_login(cast.reader)
    assert browser.get(FEED).status_code == 200


# --- logs ----------------------------------------------------------------------------------------


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("logger", ["django.server", "gunicorn.access"])
def test_request_logs_hold_no_secret(logger):
    secret = "isecg_" + "S3cr3t-" * 6
    kept = Kept()
    log = logging.getLogger(logger)
    log.addHandler(kept)
    try:
        log.warning('"%s" %s %s', f"GET /feed/atom/?token={secret}&x=1 HTTP/1.1", 200, 512)
        log.warning("%(r)s %(s)s", {"r": f"GET /feed/atom/?token={secret} HTTP/1.1", "s": "200"})
    finally:
        log.removeHandler(kept)
    assert kept.lines == [
        '"GET /feed/atom/?token=[redacted]&x=1 HTTP/1.1" 200 512',
        "GET /feed/atom/?token=[redacted] HTTP/1.1 200",
    ]


def test_redaction_keeps_everything_but_the_secret():
    assert (
        redacted("Authorization: Token isecg_abcDEF-123_x")
        == "Authorization: Token isecg_[redacted]"
    )
    assert redacted("/feed/atom/?a=1&token=0123abcd") == "/feed/atom/?a=1&token=[redacted]"
    assert redacted("csrftoken=abc; sessionid=x") == "csrftoken=abc; sessionid=x"
