"""Writes the API itself owns: a person's API and feed tokens."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import text_checked

from .models import (
    DEFAULT_DAYS,
    LAST_USED_EVERY,
    MAX_ACTIVE_PER_PERSON,
    MAX_DAYS,
    NAME_MAX_LENGTH,
    REVOKED_REASON_MAX_LENGTH,
    ApiToken,
    digest_of,
    lookup_of,
    new_secret,
)

REVOKED_BY_OWNER = "revoked by its owner"
PASSWORD_CHANGED = "the account's password changed"  # noqa: S105 (a reason, not a password)
ACCOUNT_DEACTIVATED = "the account was deactivated"


@dataclass(frozen=True)
class IssuedToken:
    """A token just made and its secret: the only moment the secret exists outside the
    client. Never stored, never printed (repr leaves it out)."""

    token: ApiToken
    secret: str = field(repr=False)


def api_token_create(
    *, actor, name: str, scope: str, expires_in_days: int | None = None
) -> IssuedToken:
    """A new token for the actor, valid `expires_in_days` (default 90, at most 365).

    Who: the person themselves, signed in or proving their password (never another token:
    a leaked token must not outlive its own expiry by making a fresh one).
    """
    if not permissions.is_reader(actor):
        raise ApplicationError("Only an active account may make a token.", code="forbidden")
    name = _name_checked(name)
    scope = _scope_checked(scope)
    days = _days_checked(DEFAULT_DAYS if expires_in_days is None else expires_in_days)
    now = timezone.now()
    # A bound, not an exact count: two creations at the same instant may both pass it.
    _within_active_limit(actor, now)
    secret = new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        scope=scope,
        lookup=lookup_of(secret),
        digest=digest_of(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke one token: scripts using it are refused from now on. Revoking one already
    revoked changes nothing. Who: its owner, or a superuser (in the admin)."""
    if actor.pk != token.user_id and not (actor.is_active and actor.is_superuser):
        raise ApplicationError(
            "This token is not yours: only its owner (or an administrator, in the admin) may "
            "revoke it.",
            code="forbidden",
        )
    reason = reason or (REVOKED_BY_OWNER if actor.pk == token.user_id else f"revoked by {actor}")
    # One conditional UPDATE: revoking twice (or racing) keeps the first revocation's facts.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(),
        revoked_by=actor,
        revoked_reason=reason[:REVOKED_REASON_MAX_LENGTH],
    )
    token.refresh_from_db()
    return token


def api_tokens_revoke_all(*, user, reason: str) -> int:
    """Revoke every live token of `user` (their password changed, or the account was
    deactivated); how many. Who: the system, whatever door changed the account."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).update(revoked_at=timezone.now(), revoked_reason=reason[:REVOKED_REASON_MAX_LENGTH])


def api_token_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Note that the token was just used: at most one write a minute per token."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


# --- input --------------------------------------------------------------------------------------


def _name_checked(name: str | None) -> str:
    name = text_checked(
        name,
        field="name",
        limit=NAME_MAX_LENGTH,
        required=True,
        ask="Give the token a name that says what it is for, e.g. “nightly export”.",
    )
    if any(ch in "\n\r\t" for ch in name):
        message = "The name holds control characters; keep it to one line and send it again."
        raise ApplicationError(message, code="invalid", extra={"fields": {"name": [message]}})
    return name


def _scope_checked(scope: str | None) -> str:
    if scope not in ApiToken.Scope.values:
        choices = ", ".join(f"“{value}” ({label})" for value, label in ApiToken.Scope.choices)
        message = f"The scope must be one of {choices}; {scope!r} is not."
        raise ApplicationError(message, code="invalid", extra={"fields": {"scope": [message]}})
    return scope


def _days_checked(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        message = f"A token lasts from 1 to {MAX_DAYS} days; {days!r} is not in that range."
        raise ApplicationError(
            message, code="invalid", extra={"fields": {"expires_in_days": [message]}}
        )
    return days


def _within_active_limit(actor, now: datetime.datetime) -> None:
    active = ApiToken.objects.filter(
        user=actor, revoked_at__isnull=True, expires_at__gt=now
    ).count()
    if active >= MAX_ACTIVE_PER_PERSON:
        raise ApplicationError(
            f"You have {active} live tokens, the most one person may hold: revoke those you no "
            "longer use on the 'Your API tokens' page (/api/token/) and try again.",
            code="invalid",
        )
