"""A person's calendar feed (RFC 5545): the deadlines of open consensus rounds, the plenary
meetings, and the target dates of the deliverables of their groups (those they co-chair or
watch) and of the deliverables they watch.

Every event has a UID that never changes (`round-12-deadline@<SITE_URL host>`), so a calendar
that polls the feed updates its events instead of doubling them. Dates are shown as precisely as
the record knows them: a day is an all-day event, a month spans the month, a year-only date is
left out. A meeting with its hours is a timed event in its own time zone (TZID and VTIMEZONE).
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from apps.accounts import permissions
from apps.core.dates import DatePrecision, period_end, period_start
from apps.deliverables.models import Deliverable
from apps.deliverables.workflow import TERMINAL_STATES
from apps.meetings.calendar import meeting_event
from apps.plenary.models import ConsensusRound, PlenaryMeeting

from .models import Watch
from .text import ics_text

PRODID = "-//ISECG deliverables tracker//Calendar feed//EN"
MEETINGS_PAST_DAYS = 365  # past meetings kept in the feed
TARGETS_MAX = 500


def uid(specific: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{specific}@{host}"


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _day_span(day: datetime.date, precision: str) -> tuple[datetime.date, datetime.date] | None:
    """The all-day span [start, end) a date of this precision covers (core.dates); None for a
    year, too vague for a calendar."""
    if precision == DatePrecision.YEAR:
        return None
    return period_start(day, precision), period_end(day, precision) + datetime.timedelta(days=1)


def _event(specific: str, *, summary: str, url: str, description: str, stamp) -> CalendarEvent:
    event = CalendarEvent()
    event.add("uid", uid(specific))
    event.add("dtstamp", stamp)
    event.add("summary", ics_text(summary))
    event.add("url", url)
    if description:
        event.add("description", ics_text(description))
    return event


def _round_events(stamp) -> list[CalendarEvent]:
    rounds = ConsensusRound.objects.filter(state=ConsensusRound.State.OPEN).select_related(
        "deliverable", "structural_change"
    )
    events = []
    for round in rounds.order_by("deadline", "pk"):
        event = _event(
            f"round-{round.pk}-deadline",
            summary=f"Consensus deadline: {round.subject}",
            url=_site(round.get_absolute_url()),
            description=(
                f"Consensus round #{round.pk} ({round.get_channel_display()}): positions are "
                "taken until the end of this day (UTC); silence then counts as no objection."
            ),
            stamp=stamp,
        )
        event.add("dtstart", round.deadline)
        event.add("dtend", round.deadline + datetime.timedelta(days=1))
        events.append(event)
    return events


def _meeting_events(stamp, today: datetime.date) -> list[CalendarEvent]:
    since = today - datetime.timedelta(days=MEETINGS_PAST_DAYS)
    meetings = PlenaryMeeting.objects.filter(
        Q(starts_on__gte=since) | Q(ends_on__gte=since)
    ).select_related("host_agency")
    events = (
        meeting_event(meeting, stamp=stamp) for meeting in meetings.order_by("starts_on", "pk")
    )
    return [event for event in events if event is not None]


def _watched_deliverables_q(user) -> Q:
    """The deliverables whose targets this person follows: their groups' (co-chaired or
    watched) and those they watch; everything when they watch everything."""
    watches = list(
        Watch.objects.filter(user=user, stopped_at__isnull=True).values_list(
            "scope", "deliverable_id", "group_id"
        )
    )
    if any(scope == Watch.Scope.EVERYTHING for scope, _, _ in watches):
        return Q()
    groups = permissions.cochaired_group_ids(user) | {g for _, _, g in watches if g}
    deliverables = {d for _, d, _ in watches if d}
    return Q(lead_group_id__in=groups) | Q(pk__in=deliverables)


def _target_events(user, stamp) -> list[CalendarEvent]:
    deliverables = (
        Deliverable.objects.filter(_watched_deliverables_q(user), target_date__isnull=False)
        .exclude(state__in=TERMINAL_STATES)
        .select_related("lead_group")
        .order_by("target_date", "pk")[:TARGETS_MAX]
    )
    events = []
    for deliverable in deliverables:
        span = _day_span(deliverable.target_date, deliverable.target_precision)
        if span is None:
            continue
        event = _event(
            f"deliverable-{deliverable.pk}-target",
            summary=f"Target: {deliverable} ({deliverable.lead_group.acronym})",
            url=_site(deliverable.get_absolute_url()),
            description=(
                f"Target date {deliverable.target_display}; now "
                f"{deliverable.get_state_display()}, {deliverable.percent_complete}% done."
            ),
            stamp=stamp,
        )
        event.add("dtstart", span[0])
        event.add("dtend", span[1])
        event.add("last-modified", deliverable.updated_at)
        events.append(event)
    return events


def calendar_of(user) -> bytes:
    """The person's calendar feed, as bytes (UTF-8)."""
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", ics_text(f"ISECG tracker ({user.username})"))
    for event in (
        _round_events(now)
        + _meeting_events(now, timezone.localdate(now))
        + _target_events(user, now)
    ):
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
