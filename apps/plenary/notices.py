"""Every agency really told: who can be reached, one logged notice per agency, and whose
silence may count.

An agency is reachable on a day when an active person with an address is its head of
delegation or an alternate then. Each round mail goes to one agency's people and is logged as
an AgencyNotice; the agency was told once one of its notices was delivered (the outbox row was
sent) or the secretariat recorded another channel. The silence procedure counts an agency's
silence as no objection only when it was told.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.models import Agency, DelegateAppointment
from apps.core.dates import date_for_people
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, text_checked
from apps.core.mail import mail_after_commit
from apps.core.models import OutboxMail, in_force_on
from apps.core.transactions import atomic_retrying

from .locks import round_for_update
from .models import AgencyNotice, ConsensusRound

Kind = AgencyNotice.Kind


def agency_addresses(
    agency_ids: set[int], day: datetime.date | None = None
) -> dict[int, list[str]]:
    """agency id -> the addresses of its heads of delegation and alternates on `day`."""
    day = day or timezone.localdate()
    # From the appointments, so the one in force is the one whose agency is named: a person
    # who moved from one agency to another must not make the old one look reachable.
    rows = (
        DelegateAppointment.objects.filter(
            in_force_on(day), agency_id__in=agency_ids, person__is_active=True
        )
        .exclude(person__email="")
        .values_list("agency_id", "person__email")
        .distinct()
    )
    addresses: dict[int, list[str]] = defaultdict(list)
    for agency_id, email in rows:
        addresses[agency_id].append(email)
    return {agency_id: sorted(found) for agency_id, found in addresses.items()}


def unreachable_agencies(agency_ids: set[int], day: datetime.date | None = None) -> list[Agency]:
    """The agencies with nobody the tracker can write to on `day`, by acronym."""
    reachable = set(agency_addresses(agency_ids, day))
    return list(Agency.objects.filter(pk__in=agency_ids - reachable).order_by("acronym"))


def agencies_tell(
    *,
    round: ConsensusRound,
    kind: str,
    agency_ids: set[int],
    subject: str,
    body: str,
    key="",
    now: datetime.datetime | None = None,
) -> list[AgencyNotice]:
    """One mail per agency to its people as of `now` (the step's time), each logged; an agency
    with nobody to write to gets a notice without a mail, so the log shows it was not told.
    `key`, when given, is the prefix of each mail's key (the agency id is appended)."""
    now = now or timezone.now()
    addresses = agency_addresses(agency_ids, timezone.localdate(now))
    notices = []
    for agency_id in sorted(agency_ids):
        mail = mail_after_commit(
            to=addresses.get(agency_id, ()),
            subject=subject,
            body=body,
            key=f"{key}:{agency_id}" if key else "",
        )
        notices.append(
            AgencyNotice(round=round, agency_id=agency_id, kind=kind, mail=mail, created_at=now)
        )
    for notice in notices:
        notice.save()  # one at a time: each gets its history row
    return notices


@atomic_retrying
def other_channel_record(
    *, round: ConsensusRound, agency: Agency, actor, note: str, now=None
) -> AgencyNotice:
    """The secretariat told an agency another way (a call, a letter, the plenary itself), so
    its silence counts. Who: the secretariat, for an eligible agency, while the round is open
    (once it closed, what its silence meant is decided)."""
    if not permissions.may_manage_record(actor):
        raise ApplicationError(
            "Only the secretariat may record that an agency was told another way.",
            code="forbidden",
        )

    # Locked as every round write locks it, so a close running now counts this agency as
    # told or not, and the log never says otherwise than the close.
    round = round_for_update(round)
    if round.state != ConsensusRound.State.OPEN:
        raise ApplicationError(
            f"This round is already {round.state}: what each agency's silence meant was decided "
            "when it closed, so no other channel can be recorded any more.",
            code="illegal_move",
            extra={"state": round.state},
        )
    if not round.eligible_agencies.filter(pk=agency.pk).exists():
        raise ApplicationError(
            f"{agency.acronym} is not eligible in this round: it was not a member on "
            f"{date_for_people(round.opened_on)}, the day the round opened.",
            code="invalid",
        )
    note = text_checked(
        note,
        field="note",
        limit=NOTE_MAX_LENGTH,
        required=True,
        ask="Say how and when the agency was told, e.g. 'phoned the head of delegation, 3 May'.",
    )
    notice = AgencyNotice(
        round=round,
        agency=agency,
        kind=Kind.OTHER_CHANNEL,
        note=note,
        recorded_by=actor,
        created_at=now or timezone.now(),
    )
    notice._history_user = actor
    notice.save()
    return notice


def told_agency_ids(round: ConsensusRound) -> set[int]:
    """The agencies one of whose notices was delivered, or that were told another way."""
    delivered = Q(mail__state=OutboxMail.State.SENT) | Q(kind=Kind.OTHER_CHANNEL)
    return set(round.notices.filter(delivered).values_list("agency_id", flat=True))


@dataclass(frozen=True)
class NoticeState:
    notice: AgencyNotice
    status: str  # delivered, waiting, failed, bounced, no address, other channel

    @property
    def delivered(self) -> bool:
        return self.status in {"delivered", "other channel"}


def notice_status(notice: AgencyNotice) -> str:
    if notice.kind == Kind.OTHER_CHANNEL:
        return "other channel"
    mail = notice.mail
    if mail is None:
        return "no address"
    if mail.state == OutboxMail.State.SENT:
        return "delivered"
    if mail.state == OutboxMail.State.FAILED:
        return "bounced" if mail.last_error.split(": ", 1)[-1][:1] == "5" else "failed"
    return "waiting"


def notice_log(round: ConsensusRound) -> dict[int, list[NoticeState]]:
    """agency id -> its notices in this round, oldest first, with what became of each."""
    log: dict[int, list[NoticeState]] = defaultdict(list)
    for notice in round.notices.select_related("mail", "recorded_by"):
        log[notice.agency_id].append(NoticeState(notice=notice, status=notice_status(notice)))
    return dict(log)


def unreachable_acknowledged_check(
    eligible_ids: set[int], acknowledged: bool | Iterable[str], today: datetime.date
) -> list[str]:
    """The acronyms of the eligible agencies nobody can be written to, once each has been
    acknowledged; an agency not acknowledged refuses the opening (its silence would otherwise
    count as no objection although nobody told it)."""
    unreachable = [agency.acronym for agency in unreachable_agencies(eligible_ids, today)]
    if acknowledged is True or not unreachable:
        return unreachable
    missing = sorted(set(unreachable) - set(acknowledged or ()))
    if missing:
        raise ApplicationError(
            f"{len(missing)} eligible agencies have no head of delegation or alternate the "
            f"tracker can write to: {', '.join(missing)}. Acknowledge them to open the round "
            "anyway (their silence will not count as no objection unless you record how they "
            "were told), or add their delegates first.",
            code="unreachable_not_acknowledged",
            extra={
                "unreachable": missing,
                "fields": {"acknowledge_unreachable": [f"Acknowledge {', '.join(missing)}."]},
            },
        )
    return unreachable
