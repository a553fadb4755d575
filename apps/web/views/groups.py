"""Working groups and their outlook."""

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.deliverables import selectors as deliverable_selectors
from apps.groups.change_selectors import group_changes
from apps.groups.models import OutlookItem, WorkingGroup
from apps.groups.selectors import (
    chair_on,
    disputes,
    groups_active_on,
    version_in_force,
    with_mandates,
)
from apps.groups.services import (
    check_may_edit_outlook,
    outlook_item_create,
    outlook_item_update,
)

from .. import charts
from ..forms.groups import NewOutlookItemForm, OutlookItemForm
from .common import _first, refused


def group_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/group_list.html",
        {
            "active": with_mandates(groups_active_on(today)),
            # The ISECG chair is shown here, with what the sources disagree on about it.
            "chair": chair_on(today),
            "chair_disputes": disputes(kind="chair"),
            "may_settle": permissions.may_manage_record(request.user),
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
    return _group_page(request, group)


def _group_page(
    request: HttpRequest,
    group: WorkingGroup,
    *,
    refused_edit: tuple[OutlookItemForm, ApplicationError] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The group's page; `refused_edit` (the form as typed, and why it was not saved) is shown
    open at its paragraph."""
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
    if refused_edit and refused_edit[0].instance.year not in shown_years:
        shown_years.append(refused_edit[0].instance.year)
    items = OutlookItem.objects.filter(group=group, year__in=shown_years).order_by(
        "-year", "position"
    )
    may_edit = permissions.is_cochair_of(request.user, group.pk) or permissions.is_secretariat(
        request.user
    )
    years: dict[int, list] = {}
    for item in items:
        entry = {"item": item, "form": OutlookItemForm(instance=item, prefix=f"o{item.pk}")}
        if refused_edit and refused_edit[0].instance.pk == item.pk:
            entry |= {"form": refused_edit[0], "refusal": refused_edit[1].message}
        years.setdefault(item.year, []).append(entry)
    today = timezone.localdate()
    # Newest first; the first known text (no date) last.
    versions = list(
        group.mandates.select_related("change").order_by(
            F("in_force_from").desc(nulls_last=True), "-pk"
        )
    )
    context = {
        "group": group,
        "mandate": version_in_force(versions, today),
        "mandate_versions": versions,
        "cochair_disputes": disputes(kind="cochair", group=group),
        "may_settle": permissions.may_manage_record(request.user),
        "cochairs": group.cochair_appointments.select_related("person", "agency").order_by(
            "-starts_on"
        ),
        "today": today,
        "sub_teams": group.sub_teams.all(),
        "predecessors": group.predecessors.select_related("status_change"),
        "changes": group_changes(group),
        "deliverables": _first(group.led_deliverables.order_by("-updated_at", "pk")),
        "years": years,
        "outlook_years": outlook_years,
        "shown_years": shown_years,
        "may_edit": may_edit,
        "new_item_form": NewOutlookItemForm(initial={"year": timezone.localdate().year + 1}),
    }
    return render(request, "web/group_detail.html", context, status=status)


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
    back = group_url(item.group) if item.group_id else "/"
    try:  # who may, before what they sent: a refusal says nothing about the form
        check_may_edit_outlook(actor=request.user, item=item)
    except ApplicationError as error:
        return refused(request, error, back=back)
    form = OutlookItemForm(request.POST, instance=OutlookItem.objects.get(pk=pk), prefix=f"o{pk}")
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
            expected_version=form.cleaned_data["seen_version"],
        )
    except ApplicationError as error:
        if error.code == "stale" and item.group_id:
            # Someone saved this paragraph meanwhile: show their text beside what this user
            # typed, so that saving again is a choice made knowing what it replaces.
            form.carry_version(error.extra["version"])
            return _group_page(request, item.group, refused_edit=(form, error), status=409)
        return refused(request, error, back=back)
    messages.success(request, "Outlook paragraph saved.")
    return redirect(back)


def group_url(group: WorkingGroup) -> str:
    from django.urls import reverse

    return reverse("web:group", args=[group.pk])
