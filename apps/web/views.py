"""The pages. Each view parses input, asks a selector or calls a service, and renders."""

import csv
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.agencies.selectors import members_on
from apps.core.errors import ApplicationError
from apps.core.history import HIDDEN_HISTORY_FIELDS, history_entries, history_records
from apps.deliverables import selectors as deliverable_selectors
from apps.deliverables.models import Deliverable
from apps.deliverables.services import (
    allowed_moves,
    deliverable_transition,
    deliverable_update_progress,
)
from apps.groups.models import OutlookItem, WorkingGroup
from apps.groups.selectors import groups_active_on
from apps.groups.services import outlook_item_create, outlook_item_update
from apps.plenary import selectors as plenary_selectors
from apps.plenary.models import ConsensusRound
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    position_record,
)
from apps.reports.models import ReportDraft
from apps.reports.services import report_draft_request

from . import charts
from .forms import (
    DeliverableFilterForm,
    MembersOnForm,
    MoveForm,
    NewOutlookItemForm,
    OpenRoundForm,
    OutlookItemForm,
    PositionForm,
    ProgressForm,
    ReportRequestForm,
    RoundDecisionForm,
)


def refused(request: HttpRequest, error: ApplicationError, *, back: str) -> HttpResponse:
    """A refused write: 403 for a move this user may not make, otherwise back with the reason."""
    if error.code == "forbidden":
        return render(request, "web/refused.html", {"message": error.message}, status=403)
    messages.error(request, error.message)
    return redirect(back)


# -- home --------------------------------------------------------------------------------------


HOME_LIST_LIMIT = 10  # each list on a home page shows this many, then links to the whole list


def _first(queryset) -> dict:
    """The first HOME_LIST_LIMIT rows of a list and how many there are in all."""
    return {"rows": list(queryset[:HOME_LIST_LIMIT]), "total": queryset.count()}


def home(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    group_ids = permissions.cochaired_group_ids(user)
    agency_ids = permissions.delegate_agency_ids(user)
    cochair_groups = list(WorkingGroup.objects.filter(pk__in=group_ids))
    context = {
        "today": today,
        "recent": deliverable_selectors.recent_changes(),
        "cochair_groups": cochair_groups,
        "limit": HOME_LIST_LIMIT,
    }
    if group_ids:
        context |= {
            "my_deliverables": _first(
                deliverable_selectors.deliverables_of_groups(group_ids=group_ids)
            ),
            "my_groups_query": "&".join(f"group={g.acronym}" for g in cochair_groups[:1]),
            "due_soon": _first(
                deliverable_selectors.deliverables_due(group_ids=group_ids, today=today)
            ),
            "returned": deliverable_selectors.returned_deliverables(
                group_ids=group_ids, since=today - datetime.timedelta(days=180)
            )[:HOME_LIST_LIMIT],
        }
    if agency_ids:
        context["awaiting"] = _first(plenary_selectors.rounds_awaiting(agency_ids=agency_ids))
        context["my_agencies"] = Agency.objects.filter(pk__in=agency_ids)
    if permissions.is_secretariat(user):
        context |= {
            "to_open": _first(
                deliverable_selectors.deliverables_filtered(
                    deliverable_selectors.DeliverableFilter(state="submitted", sort="target")
                )
            ),
            "closing_soon": _first(plenary_selectors.open_rounds().filter(deadline__gte=today)),
            "ready_to_close": _first(plenary_selectors.rounds_ready_to_close(today=today)),
            "is_secretariat": True,
            "report_drafts": ReportDraft.objects.order_by("-created_at")[:5],
        }
    return render(request, "web/home.html", context)


# -- deliverables ------------------------------------------------------------------------------


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


def deliverable_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    paginator_class = SearchPaginator if filters.q else Paginator
    page = paginator_class(deliverable_selectors.deliverables_filtered(filters), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "web/_deliverable_rows.html" if request.htmx else "web/deliverable_list.html"
    return render(request, template, context)


CSV_COLUMNS = [
    ("id", "pk"), ("title", "title"), ("edition", "edition"), ("kind", "kind"),
    ("lead_group", "lead_group.acronym"), ("state", "state"), ("percent", "percent_complete"),
    ("rag", "rag"), ("next_milestone", "next_milestone"), ("target_date", "target_date"),
    ("published_on", "published_on"), ("link", "link"),
]  # fmt: skip


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def deliverable_export(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="isecg-deliverables.csv"'
    writer = csv.writer(response)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for deliverable in deliverable_selectors.deliverables_filtered(filters):
        row = []
        for _, path in CSV_COLUMNS:
            value = deliverable
            for part in path.split("."):
                value = getattr(value, part)
            row.append(_csv_cell(value))
        writer.writerow(row)
    return response


HISTORY_PAGE_SIZE = 25


def _timeline(request: HttpRequest, deliverable: Deliverable) -> dict:
    """A page of the deliverable's history, newest first: a history only grows."""
    page = Paginator(history_records(deliverable), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("history_page")
    )
    hidden = HIDDEN_HISTORY_FIELDS | {"version"}
    return {"history_page": page, "timeline": history_entries(deliverable, page, hidden=hidden)}


def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(deliverable_selectors.deliverables_for_page(), pk=pk)
    moves = allowed_moves(deliverable=deliverable, user=request.user)
    context = {
        "deliverable": deliverable,
        "moves": [m for m in moves if m.name not in {"open_round", "cancel_round"}],
        "may_open_round": any(m.name == "open_round" for m in moves),
        "may_edit": permissions.may_edit_deliverable(request.user, deliverable)
        and deliverable.state not in {"published", "withdrawn"},
        "progress_form": ProgressForm(
            instance=deliverable, initial={"seen_version": deliverable.version}
        ),
        "open_round_form": OpenRoundForm(),
        **_timeline(request, deliverable),
        "rounds": deliverable.consensus_rounds.select_related("opened_by"),
    }
    return render(request, "web/deliverable_detail.html", context)


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
    if form.is_valid():
        data = form.cleaned_data
        try:
            deliverable_update_progress(
                deliverable=deliverable,
                actor=request.user,
                expected_version=data["seen_version"],
                reason=data["reason"],
                **{field: data[field] for field in ProgressForm.Meta.fields},
            )
        except ApplicationError as error:
            return refused(request, error, back=deliverable.get_absolute_url())
        messages.success(request, "Progress saved.")
        return redirect(deliverable.get_absolute_url())
    return render(
        request,
        "web/deliverable_detail.html",
        {
            "deliverable": get_object_or_404(deliverable_selectors.deliverables_for_page(), pk=pk),
            "progress_form": form,
            "may_edit": True,
            "moves": [],
            **_timeline(request, deliverable),
            "rounds": deliverable.consensus_rounds.all(),
        },
        status=400,
    )


@require_POST
def deliverable_move(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The move was not made: "
            + "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect(deliverable.get_absolute_url())
    data = form.cleaned_data
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
    messages.success(request, f"Moved to {deliverable.get_state_display()}.")
    return redirect(deliverable.get_absolute_url())


@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    form = OpenRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The round was not opened: check the channel and the deadline.")
        return redirect(deliverable.get_absolute_url())
    try:
        round = consensus_round_open(
            deliverable=deliverable,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            deadline=form.cleaned_data["deadline"],
            meeting=form.cleaned_data["meeting"],
        )
    except ApplicationError as error:
        return refused(request, error, back=deliverable.get_absolute_url())
    messages.success(request, "Consensus round opened; the delegates have been told.")
    return redirect("web:round", pk=round.pk)


# -- consensus rounds --------------------------------------------------------------------------


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(
        ConsensusRound.objects.select_related("deliverable__lead_group", "opened_by", "meeting"),
        pk=pk,
    )
    facts = plenary_selectors.round_facts(round=round)
    eligible_ids = {row.agency.pk for row in facts.rows}
    speaks_for = permissions.agencies_user_may_speak_for(request.user, eligible_ids)
    agencies = [row.agency for row in facts.rows if row.agency.pk in speaks_for]
    context = {
        "round": round,
        "facts": facts,
        "position_form": PositionForm(agencies=agencies) if agencies else None,
        "is_secretariat": permissions.is_secretariat(request.user),
        "decision_form": RoundDecisionForm(),
    }
    return render(request, "web/round_detail.html", context)


@require_POST
def round_position(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(ConsensusRound, pk=pk)
    eligible = list(round.eligible_agencies.all())
    form = PositionForm(request.POST, agencies=eligible)
    if not form.is_valid():
        messages.error(
            request,
            "Your position was not recorded: "
            + "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect("web:round", pk=pk)
    agency = next(a for a in eligible if a.acronym == form.cleaned_data["agency"])
    try:
        position_record(
            round=round,
            actor=request.user,
            agency=agency,
            position=form.cleaned_data["position"],
            rationale=form.cleaned_data["rationale"],
        )
    except ApplicationError as error:
        return refused(request, error, back=round_url(round))
    messages.success(request, f"{agency.acronym}'s position is recorded.")
    return redirect("web:round", pk=pk)


def round_url(round: ConsensusRound) -> str:
    from django.urls import reverse

    return reverse("web:round", args=[round.pk])


ROUND_DECISIONS = {"close", "cancel", "extend"}


@require_POST
def round_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ROUND_DECISIONS:
        raise Http404("No such decision on a round.")
    round = get_object_or_404(ConsensusRound, pk=pk)
    form = RoundDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why: every decision on a round records a reason.")
        return redirect("web:round", pk=pk)
    reason, deadline = form.cleaned_data["reason"], form.cleaned_data["deadline"]
    try:
        if action == "close":
            consensus_round_close(round=round, actor=request.user, reason=reason)
        elif action == "cancel":
            consensus_round_cancel(round=round, actor=request.user, reason=reason)
        elif action == "extend":
            if deadline is None:
                raise ApplicationError("Give the new deadline to extend the round.")
            consensus_round_extend(
                round=round, actor=request.user, deadline=deadline, reason=reason
            )
    except ApplicationError as error:
        return refused(request, error, back=round_url(round))
    done = {"close": "closed", "cancel": "cancelled", "extend": "extended"}[action]
    messages.success(request, f"Round {done}.")
    return redirect("web:round", pk=pk)


# -- groups, agencies --------------------------------------------------------------------------


def group_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/group_list.html",
        {
            "active": groups_active_on(today),
            "ended": WorkingGroup.objects.exclude(status="active").select_related(
                "successor", "status_change"
            ),
            "chart": charts.status_by_group(deliverable_selectors.state_counts_by_group()),
        },
    )


OUTLOOK_YEARS_SHOWN = 3


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(
        WorkingGroup.objects.select_related("successor", "status_change"), pk=pk
    )
    # The outlook of a few years at a time: a group's outlook grows every year.
    outlook_years = list(
        OutlookItem.objects.filter(group=group)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    try:
        shown_years = [int(request.GET["outlook_year"])]
    except (KeyError, ValueError):
        shown_years = outlook_years[:OUTLOOK_YEARS_SHOWN]
    items = OutlookItem.objects.filter(group=group, year__in=shown_years).order_by(
        "-year", "position"
    )
    may_edit = permissions.is_cochair_of(request.user, group.pk) or permissions.is_secretariat(
        request.user
    )
    years: dict[int, list] = {}
    for item in items:
        years.setdefault(item.year, []).append(
            {"item": item, "form": OutlookItemForm(instance=item, prefix=f"o{item.pk}")}
        )
    context = {
        "group": group,
        "cochairs": group.cochair_appointments.select_related("person", "agency").order_by(
            "-starts_on"
        ),
        "today": timezone.localdate(),
        "sub_teams": group.sub_teams.all(),
        "predecessors": group.predecessors.select_related("status_change"),
        "deliverables": _first(group.led_deliverables.order_by("-updated_at", "pk")),
        "years": years,
        "outlook_years": outlook_years,
        "shown_years": shown_years,
        "may_edit": may_edit,
        "new_item_form": NewOutlookItemForm(initial={"year": timezone.localdate().year + 1}),
    }
    return render(request, "web/group_detail.html", context)


@require_POST
def outlook_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = NewOutlookItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The paragraph was not added: give a year and the text.")
        return redirect("web:group", pk=pk)
    try:
        outlook_item_create(
            group=group, year=form.cleaned_data["year"], text=form.cleaned_data["text"],
            actor=request.user,
        )  # fmt: skip
    except ApplicationError as error:
        return refused(request, error, back=group_url(group))
    messages.success(request, "Outlook paragraph added.")
    return redirect("web:group", pk=pk)


@require_POST
def outlook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OutlookItem.objects.select_related("group"), pk=pk)
    form = OutlookItemForm(request.POST, instance=OutlookItem.objects.get(pk=pk), prefix=f"o{pk}")
    back = group_url(item.group) if item.group_id else "/"
    if not form.is_valid():
        messages.error(
            request, "Not saved: " + "; ".join(" ".join(e) for e in form.errors.values())
        )
        return redirect(back)
    try:
        outlook_item_update(
            item=item,
            actor=request.user,
            text=form.cleaned_data["text"],
            assessment=form.cleaned_data["assessment"],
            assessment_note=form.cleaned_data["assessment_note"],
        )
    except ApplicationError as error:
        return refused(request, error, back=back)
    messages.success(request, "Outlook paragraph saved.")
    return redirect(back)


def group_url(group: WorkingGroup) -> str:
    from django.urls import reverse

    return reverse("web:group", args=[group.pk])


def agency_list(request: HttpRequest) -> HttpResponse:
    form = MembersOnForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    members = members_on(day).prefetch_related("earlier_names")
    return render(request, "web/agency_list.html", {"form": form, "day": day, "members": members})


def overview(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2007), 2100)
    page = Paginator(deliverable_selectors.deliverables_of_year(year=year), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/overview.html",
        {
            "year": year,
            "status_chart": charts.status_by_group(deliverable_selectors.state_counts_by_group()),
            "timeline": charts.year_timeline(year, page),
            "page": page,
        },
    )


# -- annual reports ----------------------------------------------------------------------------


REPORT_DRAFTS_PAGE_SIZE = 25


def report_list(request: HttpRequest) -> HttpResponse:
    drafts = ReportDraft.objects.select_related("requested_by").order_by("-year", "-version")
    return render(
        request,
        "web/report_list.html",
        {
            "page": Paginator(drafts, REPORT_DRAFTS_PAGE_SIZE).get_page(request.GET.get("page")),
            "may_draft": permissions.may_draft_report(request.user),
            "form": ReportRequestForm(initial={"year": timezone.localdate().year - 1}),
        },
    )


@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the year to draft, e.g. 2025.")
        return redirect("web:reports")
    try:
        draft = report_draft_request(year=form.cleaned_data["year"], actor=request.user)
    except ApplicationError as error:
        return refused(request, error, back=reverse("web:reports"))
    if draft.waiting_reason:  # kept, but the task queue is down: say so, not "requested"
        messages.warning(request, f"Draft v{draft.version} of {draft.year}: {draft.waiting_reason}")
    else:
        messages.success(request, f"Draft v{draft.version} of the {draft.year} report requested.")
    return redirect("web:report", pk=draft.pk)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(ReportDraft.objects.select_related("requested_by"), pk=pk)
    return render(request, "web/report_detail.html", {"draft": draft})


def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's state and progress, polled by htmx until it is done or failed."""
    draft = get_object_or_404(ReportDraft, pk=pk)
    return render(request, "web/_report_status.html", {"draft": draft})
