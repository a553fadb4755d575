"""A meeting as a calendar event (RFC 5545, through the icalendar library): timed in the
meeting's own time zone when it has hours, all-day for the record's meetings that give a day."""

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from apps.core.text import xml_safe
from apps.plenary.models import PlenaryMeeting


def _clean(text: str) -> str:
    return xml_safe(text or "")


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "isecg-tracker"


def meeting_event(meeting: PlenaryMeeting, *, agenda_lines: list[str] | None = None) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{uid_host()}")
    event.add("dtstamp", timezone.now())
    event.add("summary", _clean(f"ISECG {meeting.get_kind_display()}: {meeting.title}"))
    if meeting.starts_at and meeting.ends_at:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
    else:
        event.add("dtstart", meeting.starts_on)
        event.add("dtend", (meeting.ends_on or meeting.starts_on) + datetime.timedelta(days=1))
    location = ", ".join(part for part in (meeting.place, meeting.call_link) if part)
    if location:
        event.add("location", _clean(location))
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    description = [url]
    if meeting.call_link:
        description.append(f"Call: {meeting.call_link}")
    if agenda_lines:
        description += ["", "Agenda:", *agenda_lines]
    event.add("description", _clean("\n".join(description)))
    return event


def calendar_of(events: list[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ISECG//Deliverables tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _clean(name))
    for event in events:
        calendar.add_component(event)
    # Time zone definitions for every TZID the events use, so clients need not know them.
    calendar.add_missing_timezones()
    return calendar.to_ical()
