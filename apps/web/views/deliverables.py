import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core.dates import DatePrecision
from apps.core.errors import ApplicationError
from apps.core.history import (
    HIDDEN_HISTORY_FIELDS,
    field_label,
    history_entries,
    history_records,
    when_for_people,
)
from apps.core.text import xml_safe
from apps.deliverables import selectors as deliverable_selectors
from apps.deliverables.models import Deliverable
from apps.deliverables.services import (
    deliverable_transition,
    deliverable_update_progress,
)
from apps.deliverables.workflow import Actor, find_move
from apps.documents.models import Revision
from apps.documents.services import CLOSED_STATES
from apps.plenary.abilities import deliverable_abilities
from apps.plenary.models import ConsensusRound
from apps.plenary.objections import open_objections_blocking

from ..forms.deliverables import DeliverableFilterForm, MoveForm, ProgressForm
from ..forms.revisions import RevisionStatusForm, RevisionUploadForm
from ..forms.rounds import OpenRoundForm
from ..forms.rounds import open_round_form as open_round_form_for
from ..sorting import sort_headers
from ..throttling import moves_throttled
from .common import refused
from .report_page import show_on_fields
from .seen import diff_url, revision_seen


def _filters(
    request: HttpRequest,
) -> tuple[DeliverableFilterForm, deliverable_selectors.DeliverableFilter]:
    form = DeliverableFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return form, deliverable_selectors.DeliverableFilter(**data)
    return form, deliverable_selectors.DeliverableFilter()


class SearchPaginator(Paginator):
    """Counts a search's matches up to CAP and no further: a broad word would otherwise make
    every search count a large share of the record."""

    CAP = 500

    @cached_property
    def matches(self) -> int:
        return self.object_list[: self.CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.matches, self.CAP)

    @property
    def capped(self) -> bool:
        return self.matches > self.CAP


# The list's columns: (header, sort key or "" for a column that does not sort).
LIST_COLUMNS = [
    ("Title", "title"),
    ("Group", "group"),
    ("State", "state"),
    ("RAG", "rag"),
    ("Progress", "progress"),
    ("Next milestone", ""),
    ("Target", "target"),
    ("Published", "published"),
]
# The URL parameters that narrow the list (sorting and paging do not).
FILTER_PARAMETERS = ("q", "group", "state", "kind", "year", "rag")


def deliverable_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    paginator_class = SearchPaginator if filters.q else Paginator
    page = paginator_class(deliverable_selectors.deliverables_filtered(filters), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort = filters.sort
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "headers": sort_headers(query, sort=sort, columns=LIST_COLUMNS),
        "filtered": any(request.GET.get(name) for name in FILTER_PARAMETERS),
        # Clearing the filters keeps the order the reader chose.
        "unfiltered": "" if sort == deliverable_selectors.DEFAULT_SORT else f"?sort={sort}",
    }
    template = "web/_deliverable_rows.html" if request.htmx else "web/deliverable_list.html"
    return render(request, template, context)


# Headers and values in words: each column's label is its field's (verbose_name), each value a
# label, never a code ("WG review", not "wg_review"). Dates as precisely as they are stored, as
# the pages print them ("2026", "Dec 2024"), each with its precision for a spreadsheet that
# sorts or filters on it.
def _precision(date_field: str, precision_field: str):
    def precision(d: Deliverable) -> str:
        if getattr(d, date_field) is None:
            return ""
        return str(DatePrecision(getattr(d, precision_field)).label)

    return precision


CSV_COLUMNS = [
    ("id", "pk"), ("title", "title"), ("edition", "edition"), ("kind", "get_kind_display"),
    ("lead_group", "lead_group.acronym"), ("state", "get_state_display"),
    ("percent_complete", "percent_complete"), ("rag", "get_rag_display"),
    ("next_milestone", "next_milestone"), ("target_date", "target_display"),
    ("target_precision", _precision("target_date", "target_precision")),
    ("published_on", "published_display"),
    ("published_precision", _precision("published_on", "published_precision")),
    ("link", "link"),
]  # fmt: skip
CSV_HEADERS = [capfirst(field_label(Deliverable, name)) for name, _ in CSV_COLUMNS]


def _csv_cell(value) -> str:
    # Spreadsheets keep their cells as XML (.xlsx, .ods): no control characters in them.
    text = "" if value is None else xml_safe(str(value))
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def deliverable_export(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="isecg-deliverables.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADERS)
    for deliverable in deliverable_selectors.deliverables_filtered(filters):
        row = []
        for _, path in CSV_COLUMNS:
            if callable(path):
                row.append(_csv_cell(path(deliverable)))
                continue
            value = deliverable
            for part in path.split("."):
                value = getattr(value, part)
            row.append(_csv_cell(value() if callable(value) else value))
        writer.writerow(row)
    return response


HISTORY_PAGE_SIZE = 25


def _timeline(request: HttpRequest, deliverable: Deliverable) -> dict:
    """A page of the deliverable's history, newest first: a history only grows."""
    page = Paginator(history_records(deliverable), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("history_page")
    )
    hidden = HIDDEN_HISTORY_FIELDS | {"version"}
    show_notes = permissions.may_read_notes(request.user)
    timeline = history_entries(deliverable, page, hidden=hidden, show_notes=show_notes)
    # The secretariat's notes are theirs: shown on the page to them only.
    return {"history_page": page, "timeline": timeline, "show_notes": show_notes}


def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return deliverable_page(request, pk)


def deliverable_page(
    request: HttpRequest,
    pk: int,
    *,
    upload_form: RevisionUploadForm | None = None,
    open_round_form: OpenRoundForm | None = None,
    progress_form: ProgressForm | None = None,
    status=200,
) -> HttpResponse:
    """The deliverable's page; `upload_form`, `open_round_form`, `progress_form`: a refused
    upload, opening or progress update, shown again with what was typed and its errors."""
    deliverable = get_object_or_404(
        deliverable_selectors.deliverables_for_page().prefetch_related(
            Prefetch("revisions", queryset=REVISIONS_SHOWN)
        ),
        pk=pk,
    )
    abilities = deliverable_abilities(deliverable=deliverable, user=request.user)
    revisions = list(deliverable.revisions.all())
    context = {
        "deliverable": deliverable,
        "moves": abilities.direct_moves,
        "may_open_round": abilities.may_open_round,
        "may_edit": abilities.may_edit_progress,
        "progress_form": progress_form
        or ProgressForm(instance=deliverable, initial={"seen_version": deliverable.version}),
        # Only for the secretariat: it asks who cannot be told.
        "open_round_form": (open_round_form or open_round_form_for(revisions=revisions))
        if abilities.may_open_round
        else None,
        # What keeps the next round from opening, said before the secretariat tries.
        "open_objections": (
            open_objections_blocking(deliverable) if abilities.may_open_round else []
        ),
        "sam_endorsement": _sam_endorsement(deliverable),
        **_timeline(request, deliverable),
        **_text(request, deliverable, revisions, upload_form),
    }
    return render(request, "web/deliverable_detail.html", context, status=status)


# The moves by which the senior agency managers answer, as their history rows name them.
SAM_ANSWERS = {"endorse": "endorsed", "decline_endorsement": "not endorsed"}


def _sam_endorsement(deliverable: Deliverable) -> dict | None:
    """Who answered for the senior agency managers and when, from the latest history row of
    their move (one query, only for a product flagged for SAM endorsement); None before."""
    if not deliverable.needs_sam_endorsement:
        return None
    answer = (
        deliverable.history.filter(history_move__in=SAM_ANSWERS)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if answer is None:
        return None
    user = answer.history_user
    return {
        "outcome": SAM_ANSWERS[answer.history_move],
        "who": (user.get_full_name() or user.username) if user else "the senior agency managers",
        "when": when_for_people(answer.history_date),
    }


# The deliverable page lists every revision but reads none of their texts.
REVISIONS_SHOWN = (
    Revision.objects.select_related("uploaded_by")
    .defer("text")
    .annotate(comment_count=Count("comments"))
    .order_by("-number")
)


def _text(request: HttpRequest, deliverable: Deliverable, revisions: list, upload_form) -> dict:
    """The Text section: its revisions, what this user may do with them, and its rounds (which
    say which revision they are on, and which revisions must stay current)."""
    rounds = list(deliverable.consensus_rounds.select_related("opened_by"))
    labels = {r.pk: r.label for r in revisions}
    for round in rounds:
        round.revision_label = labels.get(round.revision_id, "")
    open_round = next((r for r in rounds if r.state == ConsensusRound.State.OPEN), None)
    may_edit_text = permissions.may_edit_deliverable(request.user, deliverable)
    current = Revision.Status.CURRENT
    may_upload = may_edit_text and deliverable.state not in CLOSED_STATES
    kept = {
        r.revision_id
        for r in rounds
        if r.state == ConsensusRound.State.OPEN or r.outcome == ConsensusRound.Outcome.CONSENSUS
    }
    seen = revision_seen(request, deliverable.pk)
    latest = revisions[0] if revisions else None
    # The text the agencies approved: the revision of the latest round closed with consensus
    # (documents.selectors.approved_revision, read from the rounds already loaded).
    decided = next((r for r in rounds if r.outcome == ConsensusRound.Outcome.CONSENSUS), None)
    by_id = {r.pk: r for r in revisions}
    return {
        "approved_text": by_id.get(decided.revision_id) if decided else None,
        "rounds": rounds,
        "revisions": revisions,
        "revision_rows": [
            {
                "revision": r,
                "previous": r.number - 1 if r.number > 0 else None,
                "may_mark": may_edit_text and r.status == current and r.pk not in kept,
            }
            for r in revisions
        ],
        "may_edit_text": may_edit_text,
        "open_round": open_round,
        "upload_form": (upload_form or RevisionUploadForm(round_open=open_round is not None))
        if may_upload
        else None,
        "status_form": RevisionStatusForm(),
        "since_seen_url": diff_url(deliverable.pk, seen, latest.number)
        if latest and seen is not None and latest.number > seen
        else None,
        "seen_label": f"{seen:02d}" if seen is not None else "",
    }


@require_POST
def deliverable_progress(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    if not permissions.may_edit_deliverable(request.user, deliverable):
        return render(
            request,
            "web/refused.html",
            {"message": f"Only the co-chairs of {deliverable.lead_group.acronym} and the "
                        "secretariat may update this deliverable's progress."},
            status=403,
        )  # fmt: skip
    form = ProgressForm(request.POST, instance=Deliverable.objects.get(pk=pk))
    if not form.is_valid():
        messages.error(request, PROGRESS_NOT_SAVED)
        return deliverable_page(request, pk, progress_form=form, status=400)
    data = form.cleaned_data
    try:
        deliverable_update_progress(
            deliverable=deliverable,
            actor=request.user,
            expected_version=data["seen_version"],
            reason=data["reason"],
            **form.progress(),
        )
    except ApplicationError as error:
        if error.code == "stale":
            messages.error(request, _stale_progress(form, deliverable, data["seen_version"]))
            return deliverable_page(request, pk, progress_form=form, status=409)
        if error.code in ("forbidden", "illegal_move"):
            return refused(request, error, back=deliverable.get_absolute_url())
        show_on_fields(form, error)
        messages.error(request, PROGRESS_NOT_SAVED)
        return deliverable_page(request, pk, progress_form=form, status=400)
    messages.success(request, "Progress saved.")
    return redirect(deliverable.get_absolute_url())


PROGRESS_NOT_SAVED = "Progress not saved: see what to fix below."


def _progress_shown(deliverable: Deliverable, name: str) -> str:
    """A progress field's saved value as the page prints it."""
    if name == "target_date":
        return deliverable.target_display or "none"
    if name == "rag":
        return deliverable.get_rag_display() or "none"
    value = getattr(deliverable, name)
    return "none" if value in (None, "") else str(value)


def _typed_as_saved(form: ProgressForm) -> Deliverable:
    """What this user typed, as the deliverable it would have saved (to print it alike)."""
    typed = Deliverable(**{name: value for name, value in form.progress().items()})
    typed.target_precision = typed.target_precision or DatePrecision.DAY
    return typed


def _stale_progress(form: ProgressForm, deliverable: Deliverable, seen: int) -> str:
    """After a stale refusal: the form keeps what this user typed; each field someone else
    changed since the version they opened shows the newer saved value beside it
    (`field.newer`), and saving again replaces what is now shown (the user has read it). The
    message says who changed it and when."""
    current = Deliverable.objects.get(pk=deliverable.pk)
    opened = deliverable.history.filter(version=seen).order_by("-history_id").first()
    # Without the version they opened (it predates the history), what they typed is compared.
    base = opened.instance if opened is not None else _typed_as_saved(form)
    for name in [*ProgressForm.Meta.fields, "target_date"]:
        newer = _progress_shown(current, name)
        if newer != _progress_shown(base, name):
            form[name].newer = newer
    form.data = form.data.copy()
    form.data["seen_version"] = str(current.version)
    latest = history_records(current).first()
    who = ""
    if latest is not None:
        user = latest.history_user
        name = (user.get_full_name() or user.username) if user else "someone else"
        who = f" ({name}, {when_for_people(latest.history_date)})"
    return (
        f"Not saved: someone else changed this deliverable while you were editing it{who}. "
        "What you typed is kept below, and the newer saved value is shown beside each field "
        "they changed. Check them, then save again to replace theirs with yours."
    )


@require_POST
@moves_throttled
def deliverable_move(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The move was not made: "
            + "; ".join(
                f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
        return redirect(deliverable.get_absolute_url())
    data = form.cleaned_data
    # The move this request asks for, named before it is made (its `done` is what the user is
    # told); the service decides whether it may be made.
    move = find_move(deliverable, data["to"], set(Actor) - {Actor.SYSTEM})
    try:
        deliverable_transition(
            deliverable=deliverable,
            actor=request.user,
            to=data["to"],
            reason=data["reason"],
            published_on=data.get("published_on"),
            link=data.get("link") or "",
            expected_version=data.get("seen_version"),
        )
    except ApplicationError as error:
        return refused(request, error, back=deliverable.get_absolute_url())
    messages.success(
        request,
        move.done if move and move.done else f"Now {deliverable.get_state_display()}.",
    )
    return redirect(deliverable.get_absolute_url())
