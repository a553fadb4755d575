"""The highlights of a year's report, on /reports/summary/<year>/#highlights: read by anyone
signed in, written by the secretariat through reports.highlights (versioned: a save over a newer
version is refused). Each form posts here; success goes back to the page's Highlights."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.reports import highlights as service
from apps.reports.highlights import WRITERS_ONLY, highlights_path
from apps.reports.models import ReportHighlight

from ..forms.reports import ReportHighlightEditForm, ReportHighlightForm, ReportHighlightStepForm
from .report_page import ABOUT_MODELS, about_choices, report_page, show_on_fields

NOT_SAVED = "Not saved: see what to fix below."


@require_POST
def report_highlight_add(request: HttpRequest, year: int) -> HttpResponse:
    _year_or_404(year)
    if not permissions.may_draft_report(request.user):  # refused before the form is read
        return _refused(request, WRITERS_ONLY)
    form = ReportHighlightForm(request.POST, about_choices=about_choices(year), auto_id="id_new_%s")
    if not form.is_valid():
        messages.error(request, NOT_SAVED)
        return _page(request, year, status=400, add_form=form)
    try:
        highlight = service.report_highlight_write(
            year=year,
            actor=request.user,
            heading=form.cleaned_data["heading"],
            text=form.cleaned_data["text"],
            about=_about(form.cleaned_data["about"]),
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return _refused(request, error.message)
        show_on_fields(form, error)
        messages.error(request, NOT_SAVED)
        return _page(request, year, status=400, add_form=form)
    messages.success(
        request,
        f"Highlight “{highlight.heading}” added to the {year} report (place "
        f"{highlight.position}): the next draft prints it.",
    )
    return redirect(highlights_path(year))


@require_POST
def report_highlight_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    highlight = _highlight_or_404(year, pk)
    if not permissions.may_draft_report(request.user):
        return _refused(request, WRITERS_ONLY)
    form = ReportHighlightEditForm(request.POST, auto_id=f"id_h{pk}_%s")
    if not form.is_valid():
        messages.error(request, NOT_SAVED)
        return _page(request, year, status=400, edit_form=form, edit_pk=pk)
    try:
        highlight = service.report_highlight_write(
            year=year,
            actor=request.user,
            heading=form.cleaned_data["heading"],
            text=form.cleaned_data["text"],
            highlight_id=highlight.pk,
            expected_version=form.cleaned_data["seen_version"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return _refused(request, error.message)
        if error.code == "stale":
            # The page now shows the newer text; what this user typed stays in the form, and
            # saving again replaces the text they have now read.
            form.carry_version(error.extra["version"])
            messages.error(request, error.message)
            return _page(request, year, status=409, edit_form=form, edit_pk=pk)
        show_on_fields(form, error)
        messages.error(request, NOT_SAVED)
        return _page(request, year, status=400, edit_form=form, edit_pk=pk)
    messages.success(
        request, f"Highlight “{highlight.heading}” saved (version {highlight.version})."
    )
    return redirect(highlights_path(year))


@require_POST
def report_highlight_move(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return _step(request, year, pk, move=True)


@require_POST
def report_highlight_show(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    return _step(request, year, pk, move=False)


def _step(request, year: int, pk: int, *, move: bool) -> HttpResponse:
    highlight = _highlight_or_404(year, pk)
    if not permissions.may_draft_report(request.user):
        return _refused(request, WRITERS_ONLY)
    form = ReportHighlightStepForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["direction" if move else "shown"]
        if not wanted:
            form.add_error(
                "direction" if move else "shown",
                "Say which way to move it (up or down)."
                if move
                else "Say whether to leave it out (no) or put it back (yes).",
            )
    if not form.is_valid():
        return _step_refused(request, year, form)
    try:
        if move:
            highlight = service.report_highlight_move(
                highlight_id=highlight.pk,
                direction=form.cleaned_data["direction"],
                actor=request.user,
                expected_version=form.cleaned_data["seen_version"],
            )
            done = f"moved {form.cleaned_data['direction']}"
        else:
            shown = form.cleaned_data["shown"] == "yes"
            highlight = service.report_highlight_show(
                highlight_id=highlight.pk,
                shown=shown,
                actor=request.user,
                expected_version=form.cleaned_data["seen_version"],
                reason=form.cleaned_data["reason"],
            )
            done = "put back in the report" if shown else "left out of the report"
    except ApplicationError as error:
        if error.code == "forbidden":
            return _refused(request, error.message)
        messages.error(request, error.message)
        return _page(request, year, status=409 if error.code == "stale" else 400)
    messages.success(request, f"Highlight “{highlight.heading}” {done}.")
    return redirect(highlights_path(year))


def _step_refused(request, year: int, form) -> HttpResponse:
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, f"Nothing was changed: {problem}")
    return _page(request, year, status=400)


def _about(value: str):
    """The product, group or change an `about` value names (validated by the form's choices)."""
    if not value:
        return None
    kind, _, pk = value.partition(":")
    return ABOUT_MODELS[kind].objects.get(pk=int(pk))


def _year_or_404(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(f"There is no annual report for {year}: give a year from {FIRST_YEAR}.")


def _highlight_or_404(year: int, pk: int) -> ReportHighlight:
    _year_or_404(year)
    highlight = ReportHighlight.objects.filter(year=year, pk=pk).first()
    if highlight is None:
        raise Http404(f"The {year} report has no such highlight: reload its page.")
    return highlight


def _refused(request, message: str) -> HttpResponse:
    return render(request, "web/refused.html", {"message": message}, status=403)


def _page(request, year: int, *, status: int, **highlight_forms) -> HttpResponse:
    return report_page(
        request, year, may_write=True, status=status, highlight_forms=highlight_forms
    )
