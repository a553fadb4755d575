"""The report page of a year, /reports/summary/<year>/: the Executive Summary with its history and
the year's highlights, each with its form when the user may write. Both the summary's view and
the highlights' views render it, with the form the user sent back kept as they typed it."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from apps.core.errors import ApplicationError
from apps.core.history import HIDDEN_HISTORY_FIELDS, history_entries, history_records
from apps.deliverables.models import Deliverable, DeliverableState
from apps.groups.models import StructuralChange, WorkingGroup
from apps.reports.highlights import highlight_about
from apps.reports.models import ReportHighlight, ReportNarrative
from apps.reports.narratives import narrative_version

from ..forms.reports import ReportHighlightEditForm, ReportHighlightForm, ReportSummaryForm

HISTORY_PAGE_SIZE = 25
# Who wrote it is the history row's "who"; the version is the row's place in the list.
SUMMARY_HIDDEN_FIELDS = HIDDEN_HISTORY_FIELDS | {"version", "written_by"}
HIGHLIGHT_HISTORY_SIZE = 25
ABOUT_MODELS = {"deliverable": Deliverable, "group": WorkingGroup, "change": StructuralChange}


def about_value(thing) -> str:
    """The `about` select's value for a product, group or change ("deliverable:7")."""
    if thing is None:
        return ""
    kind = next(k for k, model in ABOUT_MODELS.items() if isinstance(thing, model))
    return f"{kind}:{thing.pk}"


def about_choices(year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a highlight of `year` may tell of, grouped: the products published or promoted in
    the year, the working groups active during it and its structural changes."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    products = (
        Deliverable.objects.filter(
            Q(published_on__range=(start, end)) | Q(activities__occurred_on__range=(start, end))
        )
        .exclude(state=DeliverableState.WITHDRAWN)
        .distinct()
        .order_by("title", "pk")
    )
    groups = (
        WorkingGroup.objects.filter(Q(established_on__isnull=True) | Q(established_on__lte=end))
        .filter(Q(status_change__isnull=True) | Q(status_change__effective_on__gte=start))
        .order_by("acronym")
    )
    changes = StructuralChange.objects.filter(effective_on__range=(start, end)).order_by(
        "effective_on", "pk"
    )
    grouped = [
        (f"Products published or promoted in {year}", [(about_value(d), str(d)) for d in products]),
        (f"Working groups active in {year}", [(about_value(g), str(g)) for g in groups]),
        (f"Structural changes of {year}", [(about_value(c), str(c)) for c in changes]),
    ]
    return [(label, options) for label, options in grouped if options]


def highlights_context(
    request, year: int, *, may_write: bool, edit_form=None, edit_pk=None, add_form=None
) -> dict:
    """The page's Highlights section: a fixed number of queries however many there are."""
    highlights = list(
        ReportHighlight.objects.filter(year=year)
        .select_related("written_by", "deliverable", "group", "change")
        .order_by("position", "pk")
    )
    rows = []
    for highlight in highlights:
        row = {"highlight": highlight, "about": highlight_about(highlight)}
        if may_write:
            row["form"] = (
                edit_form
                if edit_pk == highlight.pk
                else ReportHighlightEditForm(
                    initial={
                        "heading": highlight.heading,
                        "text": highlight.text,
                        "seen_version": highlight.version,
                    },
                    auto_id=f"id_h{highlight.pk}_%s",
                )
            )
        rows.append(row)
    history = list(
        ReportHighlight.history.filter(year=year)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HIGHLIGHT_HISTORY_SIZE]
    )
    context = {"highlight_rows": rows, "highlight_history": history}
    if may_write:
        context["highlight_add_form"] = add_form or ReportHighlightForm(
            about_choices=about_choices(year), auto_id="id_new_%s"
        )
    return context


def show_on_fields(form, error: ApplicationError) -> None:
    """The refusal's per-field problems on the form's fields; the message above it otherwise."""
    shown = False
    for name, problems in ((error.extra or {}).get("fields") or {}).items():
        if name in form.fields:
            form.add_error(name, problems)
            shown = True
    if not shown:
        form.add_error(None, error.message)


def report_page(
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
