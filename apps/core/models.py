"""Building blocks shared by every business model, and the outbox every mail goes through."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Dates and their precision live in core.dates; the models and their callers import them here.
from .dates import DatePrecision as DatePrecision
from .dates import describe_date as describe_date


def precision_field(**kwargs) -> models.CharField:
    return models.CharField(
        max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY, **kwargs
    )


class SourcedModel(models.Model):
    """A record of the ISECG record: says where its facts come from, and keeps the
    secretariat's notes apart from the text a report may print."""

    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="The publication and section its facts come from, e.g. 'ISECG 2024 Annual "
        "Report (May 2025), Annex II'. Blank for records entered by users.",
    )
    notes = models.TextField(
        blank=True,
        help_text="The secretariat's notes on these facts (how sources were read, what they "
        "do not say): shown to the secretariat only, never printed in a report.",
    )

    class Meta:
        abstract = True


def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """Rows whose [starts_on, ends_on) holds `day`; a blank end means still in force.

    `prefix` reaches the dates through a relation, e.g. "cochair_appointments".
    """
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}starts_on__lte": day}) & (
        Q(**{f"{p}ends_on__isnull": True}) | Q(**{f"{p}ends_on__gt": day})
    )


class Appointment(SourcedModel):
    """A role held over [starts_on, ends_on): the first day in it, and the first day out of it."""

    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="First day no longer in the role.")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_it_starts",
                violation_error_message="An appointment cannot end on or before the day it "
                "starts: set 'ends on' after 'starts on', or leave it blank.",
            ),
        ]


class MailState(models.TextChoices):
    WAITING = "waiting", "waiting to be sent"
    SENDING = "sending", "being sent"
    SENT = "sent", "sent"
    FAILED = "failed", "failed: gave up"


class OutboxMail(models.Model):
    """One mail to send, written in the transaction of the change that causes it.

    A rolled-back change leaves no row, so nobody hears of it; a committed one always has its
    row, which the sender (apps/core/outbox.py) delivers after the commit and retries until it
    is sent or given up. Not a business record: the row itself is its own log (attempts, last
    error, times), so it keeps no separate history.
    """

    State = MailState

    key = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the mail is for, when something asks later whether it went out, "
        "e.g. 'round-reminder:12:2026-03-16'. Blank for most mails.",
    )
    subject = models.TextField()
    recipients = models.JSONField(help_text="Every address it goes to (to, cc and bcc).")
    message = models.JSONField(help_text="The rest of the message, as the sender rebuilds it.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    waiting_since = models.DateTimeField(
        default=timezone.now,
        help_text="When it started waiting (written, or sent again by hand): the give-up clock.",
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_outbox_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="core_outboxmail_one_mail_per_key"
            ),
            models.CheckConstraint(
                condition=Q(state__in=MailState.values),
                name="core_outboxmail_state_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_state_display()})"


class JobHeartbeat(models.Model):
    """The last run of one scheduled job, overwritten by each run (apps/core/heartbeat.py), so
    /healthz can say when a job that must run by itself last did, and whether it failed.

    Not a business record: an operational row like OutboxMail, its own log, with no history.
    """

    job = models.CharField(
        max_length=100,
        unique=True,
        help_text="The beat entry, e.g. 'close-expired-consensus-rounds'.",
    )
    started_at = models.DateTimeField(help_text="When the last run started.")
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last run ended; blank while the first runs."
    )
    failed = models.BooleanField(default=False, help_text="The last run ended with an error.")
    count = models.PositiveIntegerField(
        null=True, blank=True, help_text="What the last run did, e.g. how many rounds it closed."
    )
    error = models.TextField(blank=True, help_text="Why the last run failed (one line).")
    runs = models.PositiveIntegerField(default=0, help_text="Runs started since the first.")
    last_succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "job heartbeat"

    def __str__(self) -> str:
        return f"{self.job}: {'failed' if self.failed else 'ok'} at {self.finished_at}"
