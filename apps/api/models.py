"""API and feed tokens: credentials a person makes for scripts and feed readers.

Only a SHA-256 digest of each secret is stored. The secret is 256 random bits (stdlib
`secrets`), so a fast hash is the right one: there is no dictionary to try, and nothing a
salt or a slow hash would add. A token is found by the first characters of its secret (the
lookup, indexed), then its digest is compared in constant time (apps.api.authentication).
Tokens are credentials, not business records: they keep no history, but are never deleted
either; a revoked one keeps when, by whom and why.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Tells a reader (and secret scanners) what a leaked string is; not itself secret.
SECRET_PREFIX = "isecg_"  # noqa: S105
LOOKUP_LENGTH = 12  # the secret's first characters, stored to find its row
NAME_MAX_LENGTH = 80
REVOKED_REASON_MAX_LENGTH = 200
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_ACTIVE_PER_PERSON = 50
# last_used_at is written at most this often per token, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lookup_of(secret: str) -> str:
    return secret[:LOOKUP_LENGTH]


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "read-only"
        READ_WRITE = "read_write", "read-write"

    class State(models.TextChoices):
        ACTIVE = "active", "active"
        EXPIRED = "expired", "expired"
        REVOKED = "revoked", "revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH, help_text="What the token is for.")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    lookup = models.CharField(max_length=LOOKUP_LENGTH, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.CharField(max_length=REVOKED_REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "read_write"]), name="api_token_scope_known"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.name}” of {self.user}"

    def state_on(self, moment: datetime.datetime) -> "ApiToken.State":
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= moment:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self) -> "ApiToken.State":
        return self.state_on(timezone.now())

    @property
    def is_read_only(self) -> bool:
        return self.scope == self.Scope.READ
