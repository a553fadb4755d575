"""The agenda as a DOCX to circulate (python-docx): the meeting's facts, then the items in
order, each with what it is about."""

import io
import zoneinfo

from django.conf import settings
from docx import Document
from docx.shared import Pt

from apps.core.dates import LONG, SHORT, DatePrecision, date_as_stored
from apps.core.text import xml_safe
from apps.plenary.models import PlenaryMeeting

from .selectors import agenda_items


def day_text(meeting: PlenaryMeeting, *, style: str = SHORT) -> str:
    """The meeting's day or days, as precisely as the record gives them ('May 2024'): short
    on pages, long (`style=LONG`) in the documents circulated."""
    start = date_as_stored(meeting.starts_on, meeting.starts_precision, style=style)
    ends_on = meeting.ends_on
    if ends_on and ends_on != meeting.starts_on and meeting.starts_precision == DatePrecision.DAY:
        return f"{start} to {date_as_stored(ends_on, DatePrecision.DAY, style=style)}"
    return start


def when_text(meeting: PlenaryMeeting, *, style: str = SHORT) -> str:
    """'8 December 2026, 09:00-17:00 (Europe/Paris)', or the days for the record's meetings."""
    if meeting.starts_at and meeting.ends_at:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        if start.date() == end.date():
            return f"{start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M} ({meeting.time_zone})"
        return (
            f"{start.day} {start:%B %Y} {start:%H:%M} to {end.day} {end:%B %Y} {end:%H:%M} "
            f"({meeting.time_zone})"
        )
    return day_text(meeting, style=style)


def agenda_docx(meeting: PlenaryMeeting) -> bytes:
    document = Document()
    document.core_properties.title = xml_safe(f"Agenda: {meeting.title}")
    document.core_properties.author = "ISECG Secretariat"
    document.add_heading(xml_safe(f"Agenda: {meeting.title}"), level=1)
    facts = [
        ("Kind", meeting.get_kind_display()),
        ("When", when_text(meeting, style=LONG)),
        ("Where", meeting.place),
        ("Call", meeting.call_link),
        ("Host", str(meeting.host_agency or "")),
        (
            "Chair",
            (meeting.chair.get_full_name() or meeting.chair.username) if meeting.chair else "",
        ),
    ]
    for label, value in facts:
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(xml_safe(value))
    if meeting.is_sample:
        document.add_paragraph("A sample meeting of the demonstration, not an ISECG meeting.")
    for item in agenda_items(meeting):
        heading = document.add_paragraph(style="List Number")
        run = heading.add_run(xml_safe(item.title))
        run.bold = True
        run.font.size = Pt(11)
        detail = [item.get_kind_display()]
        if item.round_id:
            detail.append(f"{settings.SITE_URL}{item.round.get_absolute_url()}")
        elif item.deliverable_id:
            detail.append(f"{settings.SITE_URL}{item.deliverable.get_absolute_url()}")
        elif item.structural_change_id:
            detail.append(f"{settings.SITE_URL}{item.structural_change.get_absolute_url()}")
        document.add_paragraph(xml_safe(" · ".join(detail)))
        if item.note:
            document.add_paragraph(xml_safe(item.note))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
