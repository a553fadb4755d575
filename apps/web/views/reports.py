from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.reports.filing import report_draft_file_as_revision
from apps.reports.models import ReportDraft
from apps.reports.services import report_draft_request

from ..forms.reports import ReportRequestForm
from .common import refused

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
    return render(
        request,
        "web/report_detail.html",
        {"draft": draft, "may_file": permissions.is_secretariat(request.user)},
    )


@require_POST
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the finished draft as the next revision of its year's annual report deliverable."""
    draft = get_object_or_404(ReportDraft, pk=pk)
    try:
        revision = report_draft_file_as_revision(draft=draft, actor=request.user)
    except ApplicationError as error:
        return refused(request, error, back=reverse("web:report", args=[draft.pk]))
    messages.success(
        request,
        f"Draft v{draft.version} filed as revision {revision.label} of "
        f"'{revision.deliverable}': edit the DOCX and upload it as the next revision.",
    )
    return redirect("web:deliverable", pk=revision.deliverable_id)


def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's state and progress, polled by htmx until it is done or failed."""
    draft = get_object_or_404(ReportDraft, pk=pk)
    return render(request, "web/_report_status.html", {"draft": draft})
