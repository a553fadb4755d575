"""/reports/summary/<year>/: the year's Executive Summary, read by anyone signed in, written by
the secretariat through reports.narratives (versioned: a save over a newer text is refused)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.history import HIDDEN_HISTORY_FIELDS, history_entries, history_records
from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.reports.models import ReportNarrative
from apps.reports.narratives import WRITERS_ONLY, narrative_version, report_narrative_write

from ..forms.reports import ReportSummaryForm
from .report_highlights import highlights_context

HISTORY_PAGE_SIZE = 25
# Who wrote it is the history row's "who"; the version is the row's place in the list.
SUMMARY_HIDDEN_FIELDS = HIDDEN_HISTORY_FIELDS | {"version", "written_by"}


@require_http_methods(["GET", "HEAD", "POST"])
def report_summary(request: HttpRequest, year: int) -> HttpResponse:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(f"There is no annual report for {year}: give a year from {FIRST_YEAR}.")
    may_write = permissions.may_draft_report(request.user)
    if request.method != "POST":
        return _page(request, year, may_write=may_write)
    if not may_write:  # a forged form: refused before anything is read from it
        return render(request, "web/refused.html", {"message": WRITERS_ONLY}, status=403)
    form = ReportSummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not saved: see what to fix below.")
        return _page(request, year, may_write=True, form=form, status=400)
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
            return _page(request, year, may_write=True, form=form, status=409)
        _show_on_fields(form, error)
        messages.error(request, "Not saved: see what to fix below.")
        return _page(request, year, may_write=True, form=form, status=400)
    messages.success(
        request,
        f"Executive Summary for {year} saved (version {narrative.version}): the next draft of "
        "the report uses it.",
    )
    return redirect("web:report-summary", year=year)


def _show_on_fields(form: ReportSummaryForm, error: ApplicationError) -> None:
    shown = False
    for name, problems in ((error.extra or {}).get("fields") or {}).items():
        if name in form.fields:
            form.add_error(name, problems)
            shown = True
    if not shown:
        form.add_error(None, error.message)


def _page(
    request,
    year: int,
    *,
    may_write: bool,
    form=None,
    status: int = 200,
    highlight_forms: dict | None = None,
) -> HttpResponse:
    narrative = ReportNarrative.objects.select_related("written_by").filter(year=year).first()
    context = {
        "year": year,
        "narrative": narrative,
        "may_write": may_write,
        "history_page": None,
        "timeline": [],
    }
    if narrative is not None:
        page = Paginator(history_records(narrative), HISTORY_PAGE_SIZE).get_page(
            request.GET.get("history_page")
        )
        context["history_page"] = page
        context["timeline"] = history_entries(narrative, page, hidden=SUMMARY_HIDDEN_FIELDS)
    if may_write:
        context["form"] = form or ReportSummaryForm(
            initial={
                "executive_summary": narrative.executive_summary if narrative else "",
                "seen_version": narrative_version(narrative),
            }
        )
    # The year's highlights, each with its form (one the user sent back, as they typed it).
    context |= highlights_context(request, year, may_write=may_write, **(highlight_forms or {}))
    return render(request, "web/report_summary.html", context, status=status)
