"""The round page's "Who was told" and "Record the plenary outcome" parts: what became of each
agency's notices, whose silence counts, and the one form that records a meeting's outcome for
every agency present. A fixed number of queries, whatever the number of agencies."""

from dataclasses import dataclass

from django.db.models import Q

from apps.accounts import permissions
from apps.meetings.models import Attendance
from apps.meetings.selectors import attendance_by_agency
from apps.plenary.models import ConsensusRound, PlenaryMeeting
from apps.plenary.notices import NoticeState, agency_addresses, notice_log
from apps.plenary.selectors import RoundFacts

from ..forms.rounds import OtherChannelForm, OutcomeForm


@dataclass(frozen=True)
class ReachRow:
    agency: object
    notices: tuple[NoticeState, ...]
    told: bool  # a notice delivered, or told another way: its silence counts
    waiting: bool  # not told, but a mail to it is still being tried
    reachable: bool  # somebody the tracker can write to today
    answered: bool
    form: OtherChannelForm | None  # the secretariat's "Record another channel", when untold


def other_channel_form(agency, data=None) -> OtherChannelForm:
    # One form per agency on the page: ids of their own.
    return OtherChannelForm(
        data, initial={"agency": agency.acronym}, auto_id=f"told-{agency.pk}-%s"
    )


def round_reach(round: ConsensusRound, facts: RoundFacts, user, bound: tuple | None = None) -> dict:
    """Each eligible agency with its notices; `bound`: (agency id, a refused other-channel
    form), shown again in place of the empty one."""
    log = notice_log(round)
    eligible = [row.agency for row in facts.rows]
    addresses = agency_addresses({agency.pk for agency in eligible})
    answered = {row.agency.pk for row in facts.rows if row.latest is not None}
    may_record = round.state == ConsensusRound.State.OPEN and permissions.may_manage_record(user)
    rows = []
    for agency in eligible:
        notices = tuple(log.get(agency.pk, ()))
        told = any(state.delivered for state in notices)
        form = None
        if may_record and not told:
            form = bound[1] if bound and bound[0] == agency.pk else other_channel_form(agency)
        rows.append(
            ReachRow(
                agency=agency,
                notices=notices,
                told=told,
                waiting=not told and any(state.status == "waiting" for state in notices),
                reachable=agency.pk in addresses,
                answered=agency.pk in answered,
                form=form,
            )
        )
    return {
        "reach_rows": rows,
        "unreachable_count": sum(1 for row in rows if not row.reachable),
        "show_mail_errors": permissions.may_manage_record(user),
    }


def may_record_outcome(round: ConsensusRound, facts: RoundFacts, user) -> bool:
    """As plenary_outcome_record: the secretariat, while the round takes positions."""
    return (
        round.state == ConsensusRound.State.OPEN
        and not facts.deadline_passed
        and permissions.may_manage_record(user)
    )


def outcome_meetings(round: ConsensusRound) -> list[PlenaryMeeting]:
    """The meetings an outcome may be recorded at: those with their attendance recorded, and
    the round's own, most recent first."""
    attended = Attendance.objects.values("meeting_id")
    return list(
        PlenaryMeeting.objects.filter(Q(pk__in=attended) | Q(pk=round.meeting_id))
        .defer("minutes")
        .order_by("-starts_on", "-pk")
    )


def round_outcome(
    round: ConsensusRound,
    facts: RoundFacts,
    user,
    *,
    bound: OutcomeForm | None = None,
    shown: str | None = None,
) -> dict:
    """The outcome form with each eligible agency's attendance at the meeting shown: the one
    posted (`bound`), else the one asked for (`shown`, from ?meeting=), else the round's own,
    else the latest."""
    if not may_record_outcome(round, facts, user):
        return {"outcome_form": None}
    meetings = outcome_meetings(round)
    by_pk = {meeting.pk: meeting for meeting in meetings}
    agencies = [row.agency for row in facts.rows]
    form = bound or OutcomeForm(meetings=meetings, agencies=agencies)
    posted = bound.data.get("meeting") if bound is not None else None
    meeting = _first_known(by_pk, [posted, shown, round.meeting_id]) or next(iter(meetings), None)
    if bound is None and meeting is not None:
        form.initial["meeting"] = meeting.pk
    attendance = attendance_by_agency(meeting) if meeting is not None else {}
    rows = []
    for agency in agencies:
        row = attendance.get(agency.pk)
        present = row is not None and row.status == Attendance.Status.PRESENT
        if not present:
            # Shown but not sent by a browser; a forged exception reaches the service, which
            # refuses it.
            for name in (f"position_{agency.pk}", f"rationale_{agency.pk}"):
                form.fields[name].widget.attrs["disabled"] = True
        rows.append(
            {
                "agency": agency,
                "attendance": row,
                "present": present,
                "position": form[f"position_{agency.pk}"],
                "rationale": form[f"rationale_{agency.pk}"],
            }
        )
    return {
        "outcome_form": form,
        "outcome_meeting": meeting,
        "outcome_meetings": meetings,
        "outcome_rows": rows,
        "outcome_present": sum(1 for row in rows if row["present"]),
    }


def _first_known(by_pk: dict, wanted: list):
    for pk in wanted:
        if str(pk or "").isdigit() and int(pk) in by_pk:
            return by_pk[int(pk)]
    return None
