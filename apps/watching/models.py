"""Who watches what, what they were told, and the private addresses their feed readers use.

A Watch is a business record (who asked to hear about what, since when; stopping keeps the
row). A Notification is one line of a person's inbox: written with the change it tells of, read
or not, mailed at once or in the daily digest; its facts live in the history of the records it
points to, so it keeps no history of its own (apps/core/checks.py INBOX_MODELS). A FeedAddress
is a credential, like apps.api.ApiToken, and kept the same way: a digest, never the secret.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Level(models.TextChoices):
    ALL = "all", "all changes"
    SIGNIFICANT = "significant", "significant changes only"


class Watch(models.Model):
    """A person watches one deliverable, one working group, or everything. One row per person
    and target: stopping marks it stopped, watching again starts the same row again."""

    class Scope(models.TextChoices):
        DELIVERABLE = "deliverable", "a deliverable"
        GROUP = "group", "a working group"
        EVERYTHING = "everything", "everything"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="watches"
    )
    scope = models.CharField(max_length=12, choices=Scope.choices)
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="watches",
    )
    group = models.ForeignKey(
        "groups.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="watches",
    )
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.SIGNIFICANT)
    digest = models.BooleanField(
        default=False, help_text="One mail a day with everything new, instead of one per event."
    )
    started_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "scope", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="deliverable", deliverable__isnull=False, group__isnull=True)
                    | Q(scope="group", deliverable__isnull=True, group__isnull=False)
                    | Q(scope="everything", deliverable__isnull=True, group__isnull=True)
                ),
                name="watch_has_exactly_one_target",
                violation_error_message="A watch is on one deliverable, one group or everything.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="watch_level_is_known"
            ),
            models.UniqueConstraint(
                fields=["user", "deliverable"],
                condition=Q(scope="deliverable"),
                name="one_watch_per_user_and_deliverable",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(scope="group"),
                name="one_watch_per_user_and_group",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(scope="everything"),
                name="one_watch_of_everything_per_user",
            ),
        ]
        indexes = [
            # Who hears of an event: the live watches of a deliverable, a group, or everything.
            models.Index(
                fields=["deliverable"], condition=Q(stopped_at__isnull=True), name="watch_live_d"
            ),
            models.Index(
                fields=["group"], condition=Q(stopped_at__isnull=True), name="watch_live_g"
            ),
            models.Index(
                fields=["scope"], condition=Q(stopped_at__isnull=True), name="watch_live_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.target_display}"

    @property
    def target_display(self) -> str:
        if self.scope == self.Scope.DELIVERABLE:
            return str(self.deliverable)
        if self.scope == self.Scope.GROUP:
            return self.group.acronym
        return "everything"

    @property
    def is_live(self) -> bool:
        return self.stopped_at is None


class Notification(models.Model):
    """One event told to one person: in their inbox, and mailed at once or in the digest."""

    class Delivery(models.TextChoices):
        MAIL = "mail", "mailed at once"
        DIGEST = "digest", "in the daily digest"
        NONE = "none", "not mailed (no address)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40, help_text="A row of apps/watching/routes.py EVENTS.")
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True, help_text="Who did it and why.")
    url = models.CharField(max_length=300, help_text="The page that shows it (a path).")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when the system did it (a deadline passed).",
    )
    # The history row it tells of: one notification per person and row, however often asked.
    source = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)
    mailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its mail (or the digest holding it) was written."
    )
    mail = models.ForeignKey(
        "core.OutboxMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source"], name="one_notification_per_user_and_change"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["mail", "digest", "none"]),
                name="notification_delivery_is_known",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            # The unread count in every page's header.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The digest's waiting lines.
            models.Index(
                fields=["user", "id"],
                condition=Q(delivery="digest", mailed_at__isnull=True),
                name="notification_digest_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (for {self.user})"


# Tells a reader what a leaked string is. It starts with the API's "isecg_" on purpose: the
# request loggers' redaction (apps.api.authentication.RedactTokens) then hides it in any log
# line, although it travels in the path, not in ?token=.
FEED_SECRET_PREFIX = "isecg_feed_"  # noqa: S105 -- a label, not a secret
FEED_SECRET_MAX_LENGTH = 100


def new_feed_secret() -> str:
    return FEED_SECRET_PREFIX + secrets.token_urlsafe(32)


def feed_digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedAddress(models.Model):
    """A private feed address: its secret (256 random bits) is in the URL and shown once; only
    its SHA-256 is kept. Why not an apps.api.ApiToken with a feed scope: a feed secret travels
    in addresses that calendars, proxies and shared links keep, so it must open nothing but its
    one feed. A row of its own table cannot authenticate the API by construction (the API looks
    only at ApiToken), and an API token cannot open a feed address; a scope on ApiToken would
    make that a check every API door must remember. Found by its digest (unique, indexed): the
    secret is random, so a lookup by its hash gives an attacker nothing to time."""

    class Kind(models.TextChoices):
        ATOM = "atom", "Atom feed of what you watch"
        CALENDAR = "calendar", "calendar (ICS) of deadlines and meetings"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_addresses"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "feed address"
        verbose_name_plural = "feed addresses"
        ordering = ["user", "kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_address_per_user_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["atom", "calendar"]), name="feed_address_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user}"
