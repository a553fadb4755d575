"""The agenda on a meeting's page: built from the tracker, completed, ordered and trimmed by
the secretariat (apps.meetings.agenda); the page itself is views/meetings.py."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.meetings.agenda import (
    agenda_build,
    agenda_item_add,
    agenda_item_remove,
    agenda_order,
    require_secretariat,
)
from apps.meetings.models import AgendaItem
from apps.plenary.models import PlenaryMeeting

from ..forms.meetings import AgendaItemForm, MoveItemForm, RemoveItemForm
from .common import refused
from .meetings import back_to, meeting_of, meeting_page, on_form


@require_POST
def agenda_build_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(PlenaryMeeting, pk=pk)
    try:
        added = agenda_build(meeting=meeting, actor=request.user)
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "agenda"))
    if added:
        messages.success(
            request,
            f"{len(added)} item{'s' if len(added) != 1 else ''} added to the agenda from the "
            "tracker, after the ones it had.",
        )
    else:
        messages.success(request, "The agenda already has every item the tracker proposes.")
    return redirect(back_to(meeting, "agenda"))


@require_POST
def agenda_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_of(pk)
    try:
        require_secretariat(request.user, "add to an agenda")
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "agenda"))
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            item = agenda_item_add(
                meeting=meeting,
                actor=request.user,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            if not on_form(form, error):
                return refused(request, error, back=back_to(meeting, "agenda"))
        else:
            messages.success(request, f"“{item.title}” added as item {item.position}.")
            return redirect(back_to(meeting, "agenda"))
    return meeting_page(request, meeting, bound=form, status=400)


@require_POST
def agenda_move_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    meeting = get_object_or_404(PlenaryMeeting, pk=pk)
    form = MoveItemForm(request.POST)
    try:
        require_secretariat(request.user, "order an agenda")
        if not form.is_valid():
            raise ApplicationError(
                "Move an item up or down with the buttons of the agenda; reload the page.",
                code="invalid",
            )
        seen = form.cleaned_order()
        _agenda_reorder(meeting, request.user, seen, _moved(seen, item, form.cleaned_data))
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "agenda"))
    messages.success(request, "Agenda reordered.")
    return redirect(back_to(meeting, "agenda"))


def _moved(seen: list[int], item: int, data: dict) -> list[int]:
    """`seen` with `item` one place up or down."""
    if item not in seen:
        raise ApplicationError(
            "That item is not on the agenda as you saw it: reload the page.", code="invalid"
        )
    at = seen.index(item)
    to = at - 1 if data["direction"] == "up" else at + 1
    if not 0 <= to < len(seen):
        raise ApplicationError(
            f"The item is already {'first' if to < 0 else 'last'} on the agenda.", code="invalid"
        )
    order = list(seen)
    order[at], order[to] = order[to], order[at]
    return order


def _agenda_reorder(meeting: PlenaryMeeting, actor, seen: list[int], order: list[int]) -> None:
    agenda_order(meeting=meeting, actor=actor, item_ids=order, seen=seen)


@require_POST
def agenda_take_off_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agenda_item = get_object_or_404(AgendaItem, pk=item, meeting_id=pk)
    meeting = meeting_of(pk)
    try:
        require_secretariat(request.user, "change an agenda")
    except ApplicationError as error:
        return refused(request, error, back=back_to(meeting, "agenda"))
    form = RemoveItemForm(request.POST, item_id=agenda_item.pk)
    if form.is_valid():
        try:
            agenda_item_remove(
                item=agenda_item, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            if not on_form(form, error):
                return refused(request, error, back=back_to(meeting, "agenda"))
        else:
            messages.success(request, f"“{agenda_item.title}” taken off the agenda.")
            return redirect(back_to(meeting, "agenda"))
    return meeting_page(request, meeting, bound=form, status=400)
