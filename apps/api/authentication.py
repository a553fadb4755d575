"""Who a token is: `Authorization: Token <secret>` for the API, and (apps.api.feed_access) the
Atom feed. A token is refused with a reason its holder can act on: unknown, revoked (and why),
expired (and how to get a new one), or its account disabled. A read-only token may only read.
"""

import hmac
import logging
import re

from django.utils import formats, timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from .models import SECRET_PREFIX, ApiToken, digest_of, lookup_of
from .services import api_token_used

HOW_TO_RENEW = (
    "Make a new one on the 'Your API tokens' page (/api/token/) or with POST "
    "/api/v1/auth/token/ (username and password)."
)
READ_ONLY = (
    "This API token is read-only: it may only read (GET, HEAD, OPTIONS). Make a read-write "
    "token on the 'Your API tokens' page (/api/token/) for scripts that change things."
)
# Longer than any secret this app makes; anything longer is refused before hashing.
SECRET_MAX_LENGTH = 200


class TokenRefused(exceptions.AuthenticationFailed):
    """401: the token does not (or no longer) sign anyone in; the detail says why."""


def token_for_secret(secret: str) -> ApiToken:
    """The live token whose secret this is (its user loaded), noted as used; else TokenRefused."""
    token = _matching(secret)
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(
            f"This API token (“{token.name}”) was revoked on {_day(token.revoked_at)}: "
            f"{token.revoked_reason or 'revoked'}. {HOW_TO_RENEW}"
        )
    if token.expires_at <= now:
        raise TokenRefused(
            f"This API token (“{token.name}”) expired on {_day(token.expires_at)}. {HOW_TO_RENEW}"
        )
    if not token.user.is_active:
        raise TokenRefused("The account this API token belongs to is deactivated.")
    api_token_used(token=token, now=now)
    return token


def _matching(secret: str) -> ApiToken:
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        raise TokenRefused(_unknown())
    digest = digest_of(secret)
    candidates = ApiToken.objects.select_related("user").filter(lookup=lookup_of(secret))
    for candidate in candidates:
        if hmac.compare_digest(candidate.digest, digest):
            return candidate
    raise TokenRefused(_unknown())


def _unknown() -> str:
    return f"Unknown API token: check that you sent all of it. {HOW_TO_RENEW}"


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i e")


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing (`Authorization: Token <secret>`), against hashed tokens; a
    read-only token asking to write is a 403 that says so."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and found[1].is_read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(READ_ONLY)
        return found

    def authenticate_credentials(self, key: str):
        token = token_for_secret(key)
        return token.user, token


# --- logs never hold a whole secret -------------------------------------------------------------

_SECRET_IN_TEXT = re.compile(
    rf"(?i)((?:[?&]|\b)token=)[^&\s\"']+|({re.escape(SECRET_PREFIX)})[A-Za-z0-9_-]+"
)


def redacted(text: str) -> str:
    """`text` with token secrets (a ?token= value, or anything that looks like a secret of
    this app) cut to a marker."""
    return _SECRET_IN_TEXT.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)


class RedactTokens(logging.Filter):
    """On the request loggers (runserver's django.server, gunicorn's access log): a feed
    reader's ?token= and any secret in the line are written as [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redacted(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


REQUEST_LOGGERS = ("django.server", "gunicorn.access", "gunicorn.error", "django.request")


def redact_request_logs() -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
