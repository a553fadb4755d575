from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from apps.accounts.admin_base import ReadOnlyRecordAdmin, RecordAdmin
from apps.core.admin_services import ServiceAdmin, ServiceForm

from .files import report_draft_file_response
from .models import ReportDraft, ReportHighlight, ReportListing, ReportNarrative
from .narratives import report_narrative_write


@admin.register(ReportDraft)
class ReportDraftAdmin(RecordAdmin):
    list_display = [
        "__str__",
        "state",
        "percent",
        "current_section",
        "checklist_items",
        "requested_by",
        "origin",
        "created_at",
        "finished_at",
        "files",
    ]
    list_filter = ["state", "year", "origin"]
    list_select_related = ["requested_by"]
    # Everything on a draft is written by the drafting task: the admin shows it, never edits.
    fields = readonly_fields = [
        "year",
        "version",
        "requested_by",
        "origin",
        "state",
        "percent",
        "current_section",
        "attempts",
        "queued_at",
        "requeues",
        "waiting_reason",
        "files",
        "checksum",
        "checklist_items",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        # A draft is requested (draft_annual_report, the January schedule), never typed in.
        return False

    @admin.display(description="files")
    def files(self, obj: ReportDraft) -> str:
        if obj.state != ReportDraft.State.DONE:
            return "-"
        links = format_html(
            '<a href="{}">HTML preview</a> · <a href="{}">DOCX</a>',
            reverse("admin:reports_reportdraft_preview", args=[obj.pk]),
            reverse("admin:reports_reportdraft_docx", args=[obj.pk]),
        )
        if obj.pdf:
            pdf = reverse("admin:reports_reportdraft_pdf", args=[obj.pk])
            links = format_html('{} · <a href="{}">PDF</a>', links, pdf)
        return links

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="reports_reportdraft_preview",
            ),
            path(
                "<int:pk>/docx/",
                self.admin_site.admin_view(self.download),
                name="reports_reportdraft_docx",
            ),
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.download_pdf),
                name="reports_reportdraft_pdf",
            ),
        ]
        return own + super().get_urls()

    def preview(self, request, pk: int) -> FileResponse:
        return self._file(request, pk, "html", as_attachment=False)

    def download(self, request, pk: int) -> FileResponse:
        return self._file(request, pk, "docx", as_attachment=True)

    def download_pdf(self, request, pk: int) -> FileResponse:
        return self._file(request, pk, "pdf", as_attachment=True)

    def _file(self, request, pk: int, field: str, *, as_attachment: bool) -> FileResponse:
        draft = get_object_or_404(ReportDraft, pk=pk)
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        # The same response, headers and 404s as the API's downloads.
        return report_draft_file_response(draft=draft, kind=field, as_attachment=as_attachment)


class ReportNarrativeForm(ServiceForm):
    def save_through_service(self) -> ReportNarrative:
        return report_narrative_write(
            year=self.instance.year if self.instance.pk else self.cleaned_data["year"],
            executive_summary=self.cleaned_data["executive_summary"],
            actor=self.actor,
            reason="Edited in the admin" if self.instance.pk else "Added in the admin",
        )


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(ServiceAdmin, RecordAdmin):
    """Saves through reports.narratives.report_narrative_write, as the report pages do."""

    form = ReportNarrativeForm
    list_display = ["year", "written_by", "updated_at"]
    search_fields = ["executive_summary"]

    def get_readonly_fields(self, request, obj=None):
        # A narrative belongs to its year: rewriting another year's is a new narrative.
        return ["written_by", "updated_at"] + (["year"] if obj else [])


@admin.register(ReportHighlight)
class ReportHighlightAdmin(ReadOnlyRecordAdmin):
    """Written on the year's report page (reports.highlights), with its version check."""

    list_display = ["year", "position", "heading", "deliverable", "group", "change", "shown"]
    list_filter = ["year", "shown"]
    search_fields = ["heading", "text"]
    list_select_related = ["deliverable", "group", "change"]


@admin.register(ReportListing)
class ReportListingAdmin(RecordAdmin):
    """How a year's report names and orders a product or group; its rules are its constraints,
    which the admin's form checks before saving."""

    list_display = ["year", "section", "position", "heading", "deliverable", "group"]
    list_filter = ["year", "section"]
    search_fields = ["heading"]
    list_select_related = ["deliverable", "group"]
    autocomplete_fields = ["deliverable", "group"]
