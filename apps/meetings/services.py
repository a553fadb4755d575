"""A plenary meeting: scheduled, attended, its decisions recorded in one step, its minutes
written and approved at a later meeting. Who: the secretariat."""

import datetime
import functools
import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.core.limits import (
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    date_checked,
    length_checked,
    text_checked,
)
from apps.core.transactions import atomic_retrying
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position
from apps.plenary.stated import positions_record_stated

from .agenda import require_secretariat
from .models import Attendance, Decision
from .selectors import present_agency_ids

MINUTES_MAX_LENGTH = 100_000


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})


@functools.cache
def _known_zones() -> frozenset[str]:
    """The IANA names a calendar client knows: not the system's "localtime" or "Factory", nor
    the "posix/" and "right/" copies."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in {"localtime", "Factory"} and not name.startswith(("posix/", "right/"))
    )


def _zone(name: str) -> zoneinfo.ZoneInfo:
    known = name in _known_zones()
    try:
        if not known:
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise _invalid(
            "time_zone",
            f"Unknown time zone {name[:60]!r}: give an IANA name such as Europe/Paris, "
            "America/New_York or UTC.",
        ) from None


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    title: str,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    time_zone: str = "UTC",
    place: str = "",
    call_link: str = "",
    host_agency: Agency | None = None,
    chair=None,
    is_sample: bool = False,
) -> PlenaryMeeting:
    """A meeting with its hours (local to `time_zone`), where and who hosts and chairs it."""
    require_secretariat(actor, "schedule a meeting")
    zone = _zone(time_zone)
    if kind not in PlenaryMeeting.Kind.values:
        raise _invalid("kind", f"Use one of {', '.join(PlenaryMeeting.Kind.values)}.")
    for field, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(moment, datetime.datetime) or timezone.is_naive(moment):
            raise _invalid(field, "Give a date and time with its time zone.")
        date_checked(moment.astimezone(zone).date(), field=field)
    if ends_at <= starts_at:
        raise _invalid("ends_at", "A meeting must end after it starts.")
    if len(call_link) > 200:
        raise _invalid("call_link", f"The call link is {len(call_link)} characters; at most 200.")
    if call_link:
        try:
            URLValidator(schemes=["https", "http"])(call_link)
        except ValidationError:
            raise _invalid("call_link", "Give the call's full address (https://...).") from None
    meeting = PlenaryMeeting(
        title=length_checked(title, field="title", limit=200, required=True),
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        starts_on=starts_at.astimezone(zone).date(),
        ends_on=ends_at.astimezone(zone).date(),
        place=length_checked(place, field="place", limit=200, required=False),
        call_link=call_link,
        host_agency=host_agency,
        chair=chair,
        is_sample=is_sample,
    )
    meeting._history_user = actor
    meeting._change_reason = "Scheduled"
    meeting.save()
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: PlenaryMeeting, actor, rows: Mapping[Agency, tuple[str, str]], now=None
) -> list[Attendance]:
    """Per agency: present, apologies or absent, and who represented it. An agency already
    recorded is updated (its history keeps the earlier answer)."""
    require_secretariat(actor, "record attendance")
    now = now or timezone.now()
    # The meeting's row first: two first recordings of one agency at once would otherwise both
    # insert, and the second fail on the unique constraint.
    PlenaryMeeting.objects.select_for_update().only("pk").get(pk=meeting.pk)
    existing = {row.agency_id: row for row in meeting.attendance.all()}
    saved = []
    for agency, (status, represented_by) in sorted(rows.items(), key=lambda i: i[0].acronym):
        if status not in Attendance.Status.values:
            raise _invalid(
                "status", f"{agency.acronym}: use one of {', '.join(Attendance.Status.values)}."
            )
        represented_by = text_checked(
            represented_by, field="represented_by", limit=300, required=False
        )
        row = existing.get(agency.pk) or Attendance(meeting=meeting, agency=agency)
        if row.pk and (row.status, row.represented_by) == (status, represented_by):
            continue
        row.status, row.represented_by = status, represented_by
        row.recorded_by, row.recorded_at = actor, now
        row._history_user = actor
        row.save()
        saved.append(row)
    return saved


@atomic_retrying
def plenary_outcome_record(
    *,
    round: ConsensusRound,
    meeting: PlenaryMeeting,
    actor,
    default: str = Position.Kind.CONCUR,
    exceptions: Mapping[Agency, tuple[str, str]] | None = None,
    now=None,
) -> Decision:
    """The outcome of `round` in `meeting`, in one step: every eligible agency present states
    `default` unless it is among `exceptions` (agency -> (position, rationale)); agencies
    absent keep their own say until the deadline. All positions or none are recorded, each as
    stated in the meeting by the secretariat; the round closes once if every agency has now
    answered. The decision is listed in the meeting's minutes."""
    require_secretariat(actor, "record a plenary outcome")
    now = now or timezone.now()
    exceptions = dict(exceptions or {})
    eligible = set(round.eligible_agencies.values_list("pk", flat=True))
    present = present_agency_ids(meeting) & eligible
    if not present:
        raise ApplicationError(
            f"No eligible agency is recorded as present at {meeting.title}: record the "
            "attendance first.",
            code="invalid",
            extra={"fields": {"attendance": ["Record who was present."]}},
        )
    not_present = sorted(a.acronym for a in exceptions if a.pk not in present)
    if not_present:
        raise _invalid(
            "exceptions",
            f"{', '.join(not_present)} did not attend {meeting.title} (or are not eligible): "
            "an agency absent keeps its own say; record its position on the round page.",
        )
    stated = {}
    for agency in Agency.objects.filter(pk__in=present):
        position, rationale = exceptions.get(agency, (default, ""))
        stated[agency] = (
            position,
            text_checked(rationale, field="rationale", limit=RATIONALE_MAX_LENGTH, required=False),
        )
    recorded = positions_record_stated(
        round=round, actor=actor, meeting=meeting, stated=stated, now=now
    )
    # Asked under the round's lock, now held: a second recording of the same outcome (a
    # double submit) waits for the first and is refused here, its positions rolled back.
    if Decision.objects.filter(meeting=meeting, round=round).exists():
        raise ApplicationError(
            f"The outcome of this round at {meeting.title} is already recorded; change an "
            "agency's position on the round page instead.",
            code="illegal_move",
        )
    round.refresh_from_db()
    decision = Decision(
        meeting=meeting,
        round=round,
        revision_id=round.revision_id,
        statement=_statement(round, recorded),
        positions_recorded=len(recorded),
        recorded_by=actor,
        recorded_at=now,
    )
    decision._history_user = actor
    decision.save()
    return decision


def _statement(round: ConsensusRound, recorded: list[Position]) -> str:
    """The minutes' RESOLVED line, as W3C minutes carry them."""
    counts: dict[str, list[str]] = {}
    for position in recorded:
        counts.setdefault(position.get_position_display(), []).append(position.agency.acronym)
    said = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in counts.items())
    text = f" on revision {round.revision.label}" if round.revision_id else ""
    # A proposal by what it is, never as if it had happened.
    subject = (
        f"the proposed {round.structural_change.get_kind_display()} #{round.structural_change_id}"
        if round.structural_change_id
        else str(round.deliverable)
    )
    if round.state == ConsensusRound.State.CLOSED:
        result = (
            "consensus reached" if round.outcome == ConsensusRound.Outcome.CONSENSUS else "objected"
        )
        return f"RESOLVED: {subject}{text}: {result} ({said})."
    return (
        f"RESOLVED: positions stated on {subject}{text} ({said}); the round stays "
        f"open for the agencies not present until {round.deadline:%d %B %Y}."
    )


@transaction.atomic
def minutes_write(*, meeting: PlenaryMeeting, actor, minutes: str) -> PlenaryMeeting:
    """The minutes' text; refused once the minutes are approved."""
    require_secretariat(actor, "write minutes")
    meeting = PlenaryMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_approved_in_id:
        raise ApplicationError(
            f"These minutes were approved at {meeting.minutes_approved_in.title}; they no "
            "longer change.",
            code="illegal_move",
        )
    meeting.minutes = text_checked(
        minutes, field="minutes", limit=MINUTES_MAX_LENGTH, required=False
    )
    meeting._history_user = actor
    meeting._change_reason = "Minutes written"
    meeting.save(update_fields=["minutes"])
    return meeting


@transaction.atomic
def minutes_approve(
    *, meeting: PlenaryMeeting, at_meeting: PlenaryMeeting, actor, note: str = ""
) -> PlenaryMeeting:
    """The minutes of `meeting` approved at a later meeting."""
    require_secretariat(actor, "approve minutes")
    meeting = PlenaryMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_approved_in_id:
        raise ApplicationError(
            f"These minutes were already approved at {meeting.minutes_approved_in.title}.",
            code="illegal_move",
        )
    if at_meeting.pk == meeting.pk or at_meeting.starts_on <= meeting.starts_on:
        raise _invalid(
            "at_meeting", "Minutes are approved at a later meeting than the one they record."
        )
    note = text_checked(note, field="note", limit=NOTE_MAX_LENGTH, required=False)
    meeting.minutes_approved_in = at_meeting
    meeting._history_user = actor
    meeting._change_reason = f"Minutes approved at {at_meeting.title}" + (
        f": {note}" if note else ""
    )
    meeting.save(update_fields=["minutes_approved_in"])
    return meeting
