"""The agenda's files, one way for every door (the meeting page and the API): a DOCX to
circulate and an ICS event with the agenda in its description, as attachments."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from apps.plenary.models import PlenaryMeeting

from .calendar import calendar_of, meeting_event
from .documents import agenda_docx
from .selectors import agenda_items

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ICS = "text/calendar"


def agenda_ics(meeting: PlenaryMeeting) -> bytes:
    """The meeting as one event (an empty calendar for a meeting known only by its year)."""
    lines = [f"{n}. {item.title}" for n, item in enumerate(agenda_items(meeting), start=1)]
    return calendar_of([meeting_event(meeting, agenda_lines=lines)], name=meeting.title)


def agenda_file_response(meeting: PlenaryMeeting, extension: str) -> HttpResponse:
    """`extension` "docx" or "ics": the agenda as that file, to download."""
    if extension == "docx":
        response = HttpResponse(agenda_docx(meeting), content_type=DOCX)
    else:
        response = HttpResponse(agenda_ics(meeting), content_type=f"{ICS}; charset=utf-8")
    name = f"agenda-{slugify(meeting.title)[:60] or meeting.pk}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
