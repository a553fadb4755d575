"""/reports/summary/<year>/: the year's Executive Summary, read by anyone signed in, written by
the secretariat through reports.narratives (versioned: a save over a newer text is refused)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.reports.narratives import WRITERS_ONLY, report_narrative_write

from ..forms.reports import ReportSummaryForm
from .report_page import report_page, show_on_fields


@require_http_methods(["GET", "HEAD", "POST"])
def report_summary(request: HttpRequest, year: int) -> HttpResponse:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(f"There is no annual report for {year}: give a year from {FIRST_YEAR}.")
    may_write = permissions.may_draft_report(request.user)
    if request.method != "POST":
        return report_page(request, year, may_write=may_write)
    if not may_write:  # a forged form: refused before anything is read from it
        return render(request, "web/refused.html", {"message": WRITERS_ONLY}, status=403)
    form = ReportSummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not saved: see what to fix below.")
        return report_page(request, year, may_write=True, form=form, status=400)
    try:
        narrative = report_narrative_write(
            year=year,
            executive_summary=form.cleaned_data["executive_summary"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["seen_version"],
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return render(request, "web/refused.html", {"message": error.message}, status=403)
        if error.code == "stale":
            # The page now shows the newer text; what this user typed stays in the box, and
            # saving again replaces the text they have now read.
            form.carry_version(error.extra["version"])
            messages.error(request, error.message)
            return report_page(request, year, may_write=True, form=form, status=409)
        show_on_fields(form, error)
        messages.error(request, "Not saved: see what to fix below.")
        return report_page(request, year, may_write=True, form=form, status=400)
    messages.success(
        request,
        f"Executive Summary for {year} saved (version {narrative.version}): the next draft of "
        "the report uses it.",
    )
    return redirect("web:report-summary", year=year)
