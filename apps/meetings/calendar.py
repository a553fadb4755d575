"""A meeting as a calendar event (RFC 5545, through the icalendar library): timed in the
meeting's own time zone when it has hours, all-day for the record's meetings that give a day."""

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from apps.core.dates import DatePrecision, period_end, period_start
from apps.core.text import xml_safe
from apps.plenary.models import PlenaryMeeting


def _clean(text: str) -> str:
    return xml_safe(text or "")


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "isecg-tracker"


def _day_span(meeting: PlenaryMeeting) -> tuple[datetime.date, datetime.date] | None:
    """The all-day span [start, end) of a meeting the record knows by its day or month; None
    for one known only by its year (a calendar cannot place it)."""
    day, precision = meeting.starts_on, meeting.starts_precision
    if precision == DatePrecision.YEAR:
        return None
    start = period_start(day, precision)
    end = period_end(day, precision) + datetime.timedelta(days=1)
    if meeting.ends_on and meeting.ends_on >= start:
        end = max(end, meeting.ends_on + datetime.timedelta(days=1))
    return start, end


def meeting_event(
    meeting: PlenaryMeeting, *, agenda_lines: list[str] | None = None, stamp=None
) -> Event | None:
    """The meeting as one event (None when the record knows only its year). The one builder
    of a meeting's event: the agenda's ICS and every person's calendar feed use it."""
    span = None
    if not (meeting.starts_at and meeting.ends_at):
        span = _day_span(meeting)
        if span is None:
            return None
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{uid_host()}")
    event.add("dtstamp", stamp or timezone.now())
    title = f"{meeting.title} (sample)" if meeting.is_sample else meeting.title
    event.add("summary", _clean(f"ISECG {meeting.get_kind_display()}: {title}"))
    if span is None:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
    else:
        event.add("dtstart", span[0])
        event.add("dtend", span[1])
    location = ", ".join(part for part in (meeting.place, meeting.call_link) if part)
    if location:
        event.add("location", _clean(location))
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    description = [url]
    if meeting.host_agency_id:
        description.append(f"Hosted by {meeting.host_agency.acronym}.")
    if meeting.call_link:
        description.append(f"Join: {meeting.call_link}")
    if meeting.is_sample:
        description.append("A sample meeting of the demonstration, not a meeting ISECG holds.")
    if agenda_lines:
        description += ["", "Agenda:", *agenda_lines]
    event.add("description", _clean("\n".join(description)))
    return event


def calendar_of(events: list[Event | None], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ISECG//Deliverables tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _clean(name))
    for event in events:
        if event is not None:
            calendar.add_component(event)
    # Time zone definitions for every TZID the events use, so clients need not know them.
    calendar.add_missing_timezones()
    return calendar.to_ical()
