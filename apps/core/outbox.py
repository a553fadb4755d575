"""Sending the outbox: each waiting mail is claimed by one sender, sent, and the result recorded.

After the commit that wrote it, a mail is handed to the `deliver_mail` task (in-process when no
broker is configured). A send that fails is recorded on the row (attempts, last error) and tried
again by the send job (`send_waiting_mail`, every minute) after a growing pause, until it is
sent or, after MAIL_GIVE_UP_SECONDS or MAIL_MAX_ATTEMPTS, marked failed for the secretariat to
see (the admin's Outgoing mail, /healthz "mail"). A claim is one conditional UPDATE, so two
senders never send the same row; a sender that dies mid-send leaves its claim, which is released
after MAIL_CLAIM_TIMEOUT_SECONDS (that one mail may then arrive twice: the server may have taken
it before the sender died).
"""

import datetime
import functools
import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from .health import health_check
from .mail_data import message_from_data
from .models import OutboxMail

logger = logging.getLogger(__name__)

SENT, RETRY, UNREACHABLE, FAILED, SKIPPED = "sent", "retry", "unreachable", "failed", "skipped"
# The mail server is not there at all: the mails after this one would fail the same way.
SERVER_UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)
ERROR_LIMIT = 2000
FAILED_SHOWN_FOR = datetime.timedelta(days=7)
# A mail is in flight, not late, for its first minute, unless an attempt has failed already.
IN_FLIGHT = datetime.timedelta(minutes=1)
STALE_CLAIM = (
    "The sender stopped before it recorded whether this mail went out (a worker restart?). "
    "It is sent again, so it may arrive twice."
)

W = OutboxMail.State

# -- Apps above core hear of their own mails going out, without core importing them. ---------

MailSentHook = Callable[..., object]
MAIL_SENT_HOOKS: dict[str, MailSentHook] = {}


def mail_sent_hook(kind: str) -> Callable[[MailSentHook], MailSentHook]:
    """Call `hook(key=..., sent_at=...)` once a mail whose key starts with "<kind>:" is sent."""

    def register(hook: MailSentHook) -> MailSentHook:
        MAIL_SENT_HOOKS[kind] = hook
        return hook

    return register


def mail_with_key(key: str) -> OutboxMail | None:
    return OutboxMail.objects.filter(key=key).first()


def mails_sent_with_keys(keys: set[str]) -> dict[str, datetime.datetime]:
    """key -> when it was sent, for the keys whose mail went out."""
    sent = OutboxMail.objects.filter(key__in=keys, state=W.SENT)
    return dict(sent.values_list("key", "sent_at"))


# -- Handing a new mail to the sender -------------------------------------------------------


def delivery_after_commit(mail_id: int) -> None:
    transaction.on_commit(functools.partial(_queue_delivery, mail_id), robust=True)


def _queue_delivery(mail_id: int) -> None:
    """A broker that cannot be reached, or a send that fails in-process, must never turn the
    committed change into an error: the row waits, and the send job picks it up."""
    from .tasks import deliver_mail

    try:
        deliver_mail.delay(mail_id)
    except Exception:
        logger.exception(
            "Could not hand mail #%s to the sender; the send job will send it", mail_id
        )


# -- Sending one mail -----------------------------------------------------------------------


def mail_deliver(
    *, mail_id: int, now: datetime.datetime | None = None, ignore_backoff: bool = False
) -> str:
    """Send one waiting mail if it is due and nobody else has it; record what happened. Who: the
    sender task and the send job. Returns sent, retry, unreachable, failed or skipped."""
    now = now or timezone.now()
    if not _claim(mail_id, now=now, ignore_backoff=ignore_backoff):
        return SKIPPED
    mail = OutboxMail.objects.get(pk=mail_id)
    try:
        _send(mail)
    except Exception as exc:
        return _record_failure(mail, exc, now=now)
    OutboxMail.objects.filter(pk=mail.pk, state=W.SENDING).update(
        state=W.SENT, sent_at=now, claimed_at=None
    )
    _tell_sent(mail.key, now)
    return SENT


def _claim(mail_id: int, *, now: datetime.datetime, ignore_backoff: bool) -> bool:
    # One UPDATE: on PostgreSQL a second sender waits for the first's row lock, then finds the
    # row no longer waiting. A mail never tried is due at once whatever the clocks say.
    due = Q() if ignore_backoff else Q(attempts=0) | Q(next_attempt_at__lte=now)
    claimed = OutboxMail.objects.filter(due, pk=mail_id, state=W.WAITING).update(
        state=W.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


class NothingSent(Exception):
    pass


def _send(mail: OutboxMail) -> None:
    connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
    if connection.send_messages([message_from_data(mail.subject, mail.message)]) != 1:
        raise NothingSent("The mail backend sent nothing (no recipient it could send to).")


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most MAIL_RETRY_MAX_SECONDS."""
    seconds = settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def _record_failure(mail: OutboxMail, exc: Exception, *, now: datetime.datetime) -> str:
    error = _describe(exc)[:ERROR_LIMIT]
    waited = now - mail.waiting_since
    give_up = (
        _permanent(exc)
        or mail.attempts >= settings.MAIL_MAX_ATTEMPTS
        or waited >= datetime.timedelta(seconds=settings.MAIL_GIVE_UP_SECONDS)
    )
    fields = {"last_error": error, "claimed_at": None}
    if give_up:
        fields |= {"state": W.FAILED, "failed_at": now}
        logger.error("Mail #%s failed after %s attempts: %s", mail.pk, mail.attempts, error)
    else:
        fields |= {"state": W.WAITING, "next_attempt_at": now + retry_delay(mail.attempts)}
        logger.warning("Mail #%s not sent (attempt %s): %s", mail.pk, mail.attempts, error)
    OutboxMail.objects.filter(pk=mail.pk, state=W.SENDING).update(**fields)
    if give_up:
        return FAILED
    return UNREACHABLE if isinstance(exc, SERVER_UNREACHABLE) else RETRY


def _permanent(exc: Exception) -> bool:
    """The server refused the mail for good (a 5xx reply: no such mailbox, rejected): trying
    again would bounce again, so it is failed at once and its sender can tell who was not told."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _describe(exc: Exception) -> str:
    """'SMTPDataError: 451 4.3.0 Mailbox busy', not the tuple smtplib keeps."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        address, (code, reply) = sorted(exc.recipients.items())[0]
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{exc.__class__.__name__}: {code} {text} ({address})"
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{exc.__class__.__name__}: {exc.smtp_code} {text}"
    return f"{exc.__class__.__name__}: {exc}"


def _tell_sent(key: str, sent_at: datetime.datetime) -> None:
    hook = MAIL_SENT_HOOKS.get(key.split(":", 1)[0]) if key else None
    if hook is None:
        return
    try:
        hook(key=key, sent_at=sent_at)
    except Exception:
        # The mail went out; the app's own job records it on its next run.
        logger.exception("Mail %s was sent, but recording it failed", key)


# -- The send job ---------------------------------------------------------------------------


@dataclass
class SendRun:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    left: int = 0  # not tried this run: the server could not be reached

    def count(self, outcome: str) -> None:
        name = "retry" if outcome == UNREACHABLE else outcome
        setattr(self, name, getattr(self, name) + 1)


def outbox_send_waiting(
    *, now: datetime.datetime | None = None, ignore_backoff: bool = False
) -> SendRun:
    """Send the mails due for a first or another attempt, oldest first; stop at the first whose
    server cannot be reached (the rest would fail alike, and keep their attempts). Who: the beat
    job every minute, and `manage.py send_waiting_mail` (--now: without waiting out the pauses,
    once the mail server is fixed)."""
    run = SendRun(released=_release_stale_claims(now or timezone.now()))
    due = OutboxMail.objects.filter(state=W.WAITING)
    if not ignore_backoff:
        due = due.filter(next_attempt_at__lte=now or timezone.now())
    ids = list(
        due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[
            : settings.MAIL_SEND_BATCH
        ]
    )
    for position, mail_id in enumerate(ids):
        outcome = mail_deliver(mail_id=mail_id, now=now, ignore_backoff=ignore_backoff)
        run.count(outcome)
        if outcome == UNREACHABLE:
            run.left = len(ids) - position - 1
            break
    return run


def _release_stale_claims(now: datetime.datetime) -> int:
    stale = now - datetime.timedelta(seconds=settings.MAIL_CLAIM_TIMEOUT_SECONDS)
    released = OutboxMail.objects.filter(state=W.SENDING, claimed_at__lt=stale).update(
        state=W.WAITING, claimed_at=None, next_attempt_at=now, last_error=STALE_CLAIM
    )
    if released:
        logger.warning("Released %s mail(s) whose sender stopped mid-send", released)
    return released


@transaction.atomic
def mail_send_again(*, mail_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Give waiting or failed mails a fresh start now (the give-up clock too). Who: the
    secretariat, from the admin's Outgoing mail, once the cause is fixed."""
    now = now or timezone.now()
    again = OutboxMail.objects.filter(pk__in=mail_ids, state__in=[W.WAITING, W.FAILED])
    ids = list(again.values_list("pk", flat=True))
    OutboxMail.objects.filter(pk__in=ids).update(
        state=W.WAITING, attempts=0, next_attempt_at=now, waiting_since=now, failed_at=None
    )
    for mail_id in ids:
        delivery_after_commit(mail_id)
    return len(ids)


# -- What /healthz says ----------------------------------------------------------------------


@health_check("mail", critical=False)
def mail_health() -> str:
    """ "ok", or "N waiting, oldest M minutes" and/or "N failed" (in the last 7 days)."""
    now = timezone.now()
    late = ~Q(last_error="") | Q(created_at__lt=now - IN_FLIGHT)
    try:
        waiting = OutboxMail.objects.filter(late, state__in=[W.WAITING, W.SENDING]).aggregate(
            count=Count("pk"), oldest=Min("waiting_since")
        )
        failed = OutboxMail.objects.filter(
            state=W.FAILED, failed_at__gte=now - FAILED_SHOWN_FOR
        ).count()
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"
    parts = []
    if waiting["count"]:
        minutes = int((now - waiting["oldest"]).total_seconds() // 60)
        parts.append(f"{waiting['count']} waiting, oldest {minutes} minutes")
    if failed:
        parts.append(f"{failed} failed")
    return "; ".join(parts) or "ok"
