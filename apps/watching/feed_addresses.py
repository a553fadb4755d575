"""A person's private feed addresses: issued (the secret shown this once), replaced, revoked,
and found again from the secret a feed reader sends in the address."""

import datetime
import hmac
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError

from .models import (
    FEED_SECRET_MAX_LENGTH,
    FEED_SECRET_PREFIX,
    FeedAddress,
    feed_digest_of,
    new_feed_secret,
)

REPLACED = "replaced by a new address"
REVOKED_BY_OWNER = "revoked by its owner"
# last_used_at is written at most this often: calendars poll every few minutes.
LAST_USED_EVERY = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedAddress:
    """An address just made and its secret: the only moment the secret exists here."""

    address: FeedAddress
    secret: str = field(repr=False)


def _kind_checked(kind: str) -> str:
    if kind not in FeedAddress.Kind.values:
        raise ApplicationError(
            f"A feed address is for the {' or the '.join(FeedAddress.Kind.values)} feed; "
            f"{kind!r} is neither.",
            code="invalid",
        )
    return kind


def _locked_owner(actor) -> None:
    # The person's row, locked: their issues and revocations happen one at a time, so two
    # clicks never leave two live addresses of a kind.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()


@transaction.atomic
def feed_address_issue(*, actor, kind: str) -> IssuedAddress:
    """A new private address of `kind` for the actor; the one it replaces answers no more.
    Who: the person themselves, signed in."""
    if not permissions.is_reader(actor):
        raise ApplicationError("Only an active account may have feed addresses.", code="forbidden")
    kind = _kind_checked(kind)
    _locked_owner(actor)
    now = timezone.now()
    FeedAddress.objects.filter(user=actor, kind=kind, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=REPLACED
    )
    secret = new_feed_secret()
    address = FeedAddress.objects.create(
        user=actor, kind=kind, digest=feed_digest_of(secret), created_at=now
    )
    return IssuedAddress(address=address, secret=secret)


@transaction.atomic
def feed_address_revoke(*, actor, kind: str) -> int:
    """Revoke the actor's live address of `kind`: it answers "not found" from now on. How many
    were revoked (0 or 1). Who: the person themselves."""
    kind = _kind_checked(kind)
    _locked_owner(actor)
    return FeedAddress.objects.filter(user=actor, kind=kind, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=REVOKED_BY_OWNER
    )


def feed_user(*, secret: str, kind: str):
    """The active person whose live address of `kind` this secret is, noted as used; None for
    anything else (unknown, revoked, another kind, a disabled account): the feed answers 404
    alike, so an address tells a stranger nothing."""
    if (
        not secret
        or len(secret) > FEED_SECRET_MAX_LENGTH
        or not secret.startswith(FEED_SECRET_PREFIX)
    ):
        return None
    digest = feed_digest_of(secret)
    address = FeedAddress.objects.select_related("user").filter(digest=digest).first()
    if address is None or not hmac.compare_digest(address.digest, digest):
        return None
    if address.kind != kind or address.revoked_at is not None or not address.user.is_active:
        return None
    now = timezone.now()
    if address.last_used_at is None or now - address.last_used_at >= LAST_USED_EVERY:
        FeedAddress.objects.filter(pk=address.pk).update(last_used_at=now)
    return address.user


def feed_addresses_of(user) -> dict[str, FeedAddress]:
    """The person's live address of each kind (their secrets are not kept)."""
    return {
        address.kind: address
        for address in FeedAddress.objects.filter(user=user, revoked_at__isnull=True)
    }
