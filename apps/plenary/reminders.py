"""Deadline reminders: ROUND_REMINDER_DAYS before a round's deadline the agencies that have not
answered are told, once per deadline, and the round is marked reminded once one of those mails
went out (the outbox's sent hook, or the next run for a mail whose recording failed)."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OutboxMail
from apps.core.outbox import mail_sent_hook
from apps.core.transactions import atomic_retrying

from . import notifications
from .locks import round_for_update
from .models import ConsensusRound
from .notices import agency_addresses
from .opening import save_round


def consensus_rounds_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the agencies that have not answered, ROUND_REMINDER_DAYS before a round's
    deadline (or later, should a run have been missed), once per deadline; the round is marked
    reminded once a mail went out. Returns the rounds reminded. Who: the beat job."""
    now = now or timezone.now()
    _record_sent_reminders()
    today = timezone.localdate(now)
    due = today + datetime.timedelta(days=settings.ROUND_REMINDER_DAYS)
    pending = ConsensusRound.objects.filter(
        state=ConsensusRound.State.OPEN,
        deadline__lte=due,
        deadline__gte=today,
        reminder_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(_remind(ConsensusRound(pk=pk), now=now) for pk in list(pending))


@atomic_retrying
def _remind(round: ConsensusRound, *, now: datetime.datetime) -> int:
    locked = round_for_update(round)
    if locked.state != ConsensusRound.State.OPEN or locked.reminder_sent_at:
        return 0
    prefix = notifications.reminder_mail_key(locked)
    if OutboxMail.objects.filter(key__startswith=f"{prefix}:").exists():
        return 0  # written already: the round is marked once one goes out
    today = timezone.localdate(now)
    eligible = set(locked.eligible_agencies.values_list("pk", flat=True))
    answered = set(locked.positions.values_list("agency_id", flat=True))
    if not agency_addresses(eligible - answered, today):
        # Nobody silent can be written to: no mail, and no "no address" notices written
        # again on every run (the run after a delegate is added reminds).
        return 0
    notices = notifications.round_deadline_near(
        round=locked,
        agency_ids=eligible,
        answered_ids=answered,
        days_left=(locked.deadline - today).days,
        now=now,
    )
    return 1 if any(notice.mail_id for notice in notices) else 0


@mail_sent_hook(notifications.REMINDER_MAIL)
@atomic_retrying
def consensus_round_reminder_sent(*, key: str, sent_at: datetime.datetime) -> int:
    """A round's reminder mail went out: mark the round reminded, if the mail was for its
    current deadline. Who: the mail sender once it is sent (and the reminder job, for one whose
    recording failed)."""
    round_id = int(key.split(":")[1])
    locked = round_for_update(ConsensusRound(pk=round_id))
    if locked.reminder_sent_at or not key.startswith(notifications.reminder_mail_key(locked)):
        return 0  # recorded already, or for a deadline since extended
    locked.reminder_sent_at = sent_at
    save_round(locked, actor=None, reason="Deadline reminder sent to the delegates.")
    return 1


def _record_sent_reminders() -> None:
    unmarked = ConsensusRound.objects.filter(
        state=ConsensusRound.State.OPEN, reminder_sent_at__isnull=True
    ).values_list("pk", "deadline")
    prefixes = [
        notifications.reminder_mail_key(ConsensusRound(pk=pk, deadline=deadline))
        for pk, deadline in unmarked
    ]
    if not prefixes:
        return
    any_prefix = Q()
    for prefix in prefixes:
        any_prefix |= Q(key__startswith=f"{prefix}:")
    # The first one sent first: the round is marked reminded when a reminder first went out.
    sent = OutboxMail.objects.filter(any_prefix, state=OutboxMail.State.SENT).order_by(
        "sent_at", "pk"
    )
    for key, sent_at in sent.values_list("key", "sent_at"):
        consensus_round_reminder_sent(key=key, sent_at=sent_at)
