"""Deadline reminders: three days before a round's deadline the eligible delegates are told,
once per deadline, and the round is marked reminded once that mail went out (the outbox's
sent hook, or the next run for a mail whose recording failed)."""

import datetime

from django.utils import timezone

from apps.core.outbox import mail_sent_hook, mail_with_key, mails_sent_with_keys
from apps.core.transactions import atomic_retrying

from . import notifications
from .models import ConsensusRound
from .services import _lock_round, _save_round


def consensus_rounds_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the eligible delegates three days before a round's deadline, once per deadline;
    the round is marked reminded once the mail went out. Returns the reminders written. Who:
    the beat job."""
    now = now or timezone.now()
    _record_sent_reminders()
    due = timezone.localdate(now) + datetime.timedelta(days=3)
    pending = ConsensusRound.objects.filter(
        state=ConsensusRound.State.OPEN, deadline=due, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(_remind(ConsensusRound(pk=pk), now=now) for pk in list(pending))


@atomic_retrying
def _remind(round: ConsensusRound, *, now: datetime.datetime) -> int:
    locked = _lock_round(round)
    if locked.state != ConsensusRound.State.OPEN or locked.reminder_sent_at:
        return 0
    if mail_with_key(notifications.reminder_mail_key(locked)) is not None:
        return 0  # written already: the round is marked once it goes out
    eligible = set(locked.eligible_agencies.values_list("pk", flat=True))
    answered = set(locked.positions.values_list("agency_id", flat=True))
    mail = notifications.round_deadline_near(
        round=locked, agency_ids=eligible, answered_ids=answered
    )
    return 0 if mail is None else 1


@mail_sent_hook(notifications.REMINDER_MAIL)
@atomic_retrying
def consensus_round_reminder_sent(*, key: str, sent_at: datetime.datetime) -> int:
    """A round's reminder mail went out: mark the round reminded, if the mail was for its
    current deadline. Who: the mail sender once it is sent (and the reminder job, for one whose
    recording failed)."""
    round_id = int(key.split(":")[1])
    locked = _lock_round(ConsensusRound(pk=round_id))
    if locked.reminder_sent_at or notifications.reminder_mail_key(locked) != key:
        return 0  # recorded already, or for a deadline since extended
    locked.reminder_sent_at = sent_at
    _save_round(locked, actor=None, reason="Deadline reminder sent to the delegates.")
    return 1


def _record_sent_reminders() -> None:
    unmarked = ConsensusRound.objects.filter(
        state=ConsensusRound.State.OPEN, reminder_sent_at__isnull=True
    ).values_list("pk", "deadline")
    keys = {
        notifications.reminder_mail_key(ConsensusRound(pk=pk, deadline=deadline))
        for pk, deadline in unmarked
    }
    for key, sent_at in mails_sent_with_keys(keys).items():
        consensus_round_reminder_sent(key=key, sent_at=sent_at)
