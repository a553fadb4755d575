"""Plenary meetings: the list, scheduling one, and its page (its facts, agenda, attendance and
minutes), with the agenda as DOCX and as a calendar event. Every write calls a service of
apps.meetings; a refusal of what was typed shows the page again with it kept."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts import permissions
from apps.agencies.selectors import members_on
from apps.core.errors import ApplicationError
from apps.meetings import selectors
from apps.meetings.agenda import require_secretariat
from apps.meetings.documents import day_text, when_text
from apps.meetings.files import agenda_file_response
from apps.meetings.models import AgendaItem, Attendance
from apps.meetings.services import (
    attendance_record,
    meeting_schedule,
    minutes_approve,
    minutes_write,
)
from apps.plenary.models import PlenaryMeeting

from ..forms.meetings import (
    COMMON_ZONES,
    AgendaItemForm,
    ApproveMinutesForm,
    AttendanceForm,
    MinutesForm,
    RemoveItemForm,
    ScheduleMeetingForm,
)
from .common import refused

PAST_PAGE_SIZE = 50


def on_form(form, error: ApplicationError, fields: dict[str, str] | None = None) -> bool:
    """Show a service's refusal on the form field it names (`fields` maps the service's names
    to the form's); False when it names none the form has (who, or the record's state)."""
    for name in (error.extra or {}).get("fields") or {}:
        name = (fields or {}).get(name, name)
        if name in form.fields:
            form.add_error(name, error.message)
            return True
    return False


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    meetings = PlenaryMeeting.objects.select_related("host_agency").defer("minutes")
    upcoming = meetings.filter(starts_on__gte=today).order_by("starts_on", "starts_at", "pk")
    past = Paginator(
        meetings.filter(starts_on__lt=today).order_by("-starts_on", "-pk"), PAST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/meeting_list.html",
        {
            "upcoming": [(meeting, day_text(meeting)) for meeting in upcoming],
            "past": past,
            "past_rows": [(meeting, day_text(meeting)) for meeting in past],
            "may_schedule": permissions.may_manage_record(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    try:  # who may, before what they sent
        require_secretariat(request.user, "schedule a meeting")
    except ApplicationError as error:
        return refused(request, error, back=reverse("web:meetings"))
    form = ScheduleMeetingForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.moments()
        try:
            meeting = meeting_schedule(
                actor=request.user,
                title=data["title"],
                kind=data["kind"],
                starts_at=starts_at,
                ends_at=ends_at,
                time_zone=data["time_zone"],
                place=data["place"],
                call_link=data["call_link"],
                host_agency=data["host_agency"],
                chair=data["chair"],
            )
        except ApplicationError as error:
            if not on_form(form, error, ScheduleMeetingForm.SERVICE_FIELDS):
                form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{meeting.title} is scheduled: build its agenda from the tracker next."
            )
            return redirect(meeting)
    return render(
        request,
        "web/meeting_new.html",
        {"form": form, "zones": COMMON_ZONES},
        status=400 if form.is_bound else 200,
    )


def meeting_of(pk: int) -> PlenaryMeeting:
    return get_object_or_404(
        PlenaryMeeting.objects.select_related("host_agency", "chair", "minutes_approved_in"), pk=pk
    )


def _when_utc(meeting: PlenaryMeeting) -> str:
    if not (meeting.starts_at and meeting.ends_at):
        return ""
    start = meeting.starts_at.astimezone(datetime.UTC)
    end = meeting.ends_at.astimezone(datetime.UTC)
    if start.date() == end.date():
        return f"{start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M} UTC"
    return f"{start.day} {start:%B %Y} {start:%H:%M} to {end.day} {end:%B %Y} {end:%H:%M} UTC"


def _agenda(meeting: PlenaryMeeting) -> list[AgendaItem]:
    return list(selectors.agenda_items(meeting).select_related("structural_change__into_group"))


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_page(request, meeting_of(pk))


def meeting_page(
    request: HttpRequest, meeting: PlenaryMeeting, *, bound=None, status: int = 200
) -> HttpResponse:
    """The meeting's page; `bound`: one form refused, shown again as typed with the reason."""
    items = _agenda(meeting)
    recorded = selectors.attendance_by_agency(meeting)
    members = list(members_on(selectors.meeting_day(meeting)))
    secretariat = permissions.may_manage_record(request.user)
    context = {
        "meeting": meeting,
        "when_local": when_text(meeting),
        "when_utc": _when_utc(meeting),
        "order": ",".join(str(item.pk) for item in items),
        "entries": selectors.minutes_entries(meeting),
        "is_secretariat": secretariat,
        "present": sum(row.status == Attendance.Status.PRESENT for row in recorded.values()),
    }

    def form(kind, make):
        return bound if isinstance(bound, kind) else make()

    if secretariat:
        removing = bound if isinstance(bound, RemoveItemForm) else None

        def remove_form(item):
            if removing is not None and removing.item_id == item.pk:
                return removing
            return RemoveItemForm(item_id=item.pk)

        context |= {
            "agenda_rows": [(item, remove_form(item)) for item in items],
            "item_form": form(AgendaItemForm, AgendaItemForm),
            "attendance_form": form(
                AttendanceForm, lambda: AttendanceForm(agencies=members, recorded=recorded)
            ),
            "minutes_form": form(
                MinutesForm, lambda: MinutesForm(initial={"minutes": meeting.minutes})
            ),
        }
        if not meeting.minutes_approved_in_id:
            context["approve_form"] = form(
                ApproveMinutesForm, lambda: ApproveMinutesForm(meeting=meeting)
            )
    else:
        context["agenda_rows"] = [(item, None) for item in items]
        members_ids = {agency.pk for agency in members}
        context["attendance_rows"] = [(agency, recorded.get(agency.pk)) for agency in members] + [
            (row.agency, row) for row in recorded.values() if row.agency_id not in members_ids
        ]
    return render(request, "web/meeting_detail.html", context, status=status)


def back_to(meeting: PlenaryMeeting, part: str) -> str:
    return f"{meeting.get_absolute_url()}#{part}"


@require_POST
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_of(pk)
    try:
        require_secretariat(request.user, "record attendance")
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "attendance"))
    members = members_on(selectors.meeting_day(meeting))
    form = AttendanceForm(
        request.POST, agencies=members, recorded=selectors.attendance_by_agency(meeting)
    )
    if form.is_valid():
        rows = form.rows_given()
        try:
            if not rows:
                raise ApplicationError(
                    "Nothing to record: choose present, apologies or absent for an agency.",
                    code="invalid",
                )
            saved = attendance_record(meeting=meeting, actor=request.user, rows=rows)
        except ApplicationError as error:
            if error.code == "forbidden":
                return refused(request, error, back=back_to(meeting, "attendance"))
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Attendance recorded: {len(saved)} agenc{'ies' if len(saved) != 1 else 'y'} "
                "changed.",
            )
            return redirect(back_to(meeting, "attendance"))
    return meeting_page(request, meeting, bound=form, status=400)


@require_POST
def minutes_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_of(pk)
    try:
        require_secretariat(request.user, "write minutes")
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "minutes"))
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            minutes_write(meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"])
        except ApplicationError as error:
            if not on_form(form, error):
                return refused(request, error, back=back_to(meeting, "minutes"))
        else:
            messages.success(request, "Minutes saved.")
            return redirect(back_to(meeting, "minutes"))
    return meeting_page(request, meeting, bound=form, status=400)


@require_POST
def minutes_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_of(pk)
    try:
        require_secretariat(request.user, "approve minutes")
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "minutes"))
    form = ApproveMinutesForm(request.POST, meeting=meeting)
    if form.is_valid():
        at = form.cleaned_data["at_meeting"]
        try:
            minutes_approve(
                meeting=meeting, at_meeting=at, actor=request.user, note=form.cleaned_data["note"]
            )
        except ApplicationError as error:
            if not on_form(form, error):
                return refused(request, error, back=back_to(meeting, "minutes"))
        else:
            messages.success(request, f"Minutes approved at {at.title}.")
            return redirect(back_to(meeting, "minutes"))
    return meeting_page(request, meeting, bound=form, status=400)


@require_safe
def agenda_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    return agenda_file_response(meeting_of(pk), "docx")


@require_safe
def agenda_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    return agenda_file_response(meeting_of(pk), "ics")
