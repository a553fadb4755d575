"""Annual report drafts: their state, progress and file downloads."""

from django.urls import reverse
from rest_framework import serializers

from apps.reports.models import ReportDraft

from .base import YEAR_RANGE, ReadSerializer, UserRefSerializer, history_link


class ReportDraftSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:report-draft-detail")
    history_url = history_link("api:report-draft-history")
    requested_by = UserRefSerializer(read_only=True, allow_null=True)
    docx_url = serializers.SerializerMethodField(
        help_text="Download of the editable DOCX; null until the draft is done."
    )
    html_url = serializers.SerializerMethodField(
        help_text="Download of the HTML preview; null until the draft is done."
    )
    pdf_url = serializers.SerializerMethodField(
        help_text="Download of the PDF (the preview on A4, with page numbers); null until the "
        "draft is done, and for drafts made before PDFs were."
    )

    class Meta:
        model = ReportDraft
        fields = [
            "id",
            "url",
            "year",
            "version",
            "state",
            "percent",
            "current_section",
            "requested_by",
            "origin",
            "checksum",
            "checklist_items",
            "error",
            "waiting_reason",
            "created_at",
            "started_at",
            "finished_at",
            "docx_url",
            "html_url",
            "pdf_url",
            "history_url",
        ]

    def _file_url(self, draft: ReportDraft, kind: str) -> str | None:
        if draft.state != ReportDraft.State.DONE or not getattr(draft, kind):
            return None
        return self.context["request"].build_absolute_uri(
            reverse(f"api:report-draft-{kind}", args=[draft.pk])
        )

    def get_docx_url(self, draft: ReportDraft) -> str | None:
        return self._file_url(draft, "docx")

    def get_html_url(self, draft: ReportDraft) -> str | None:
        return self._file_url(draft, "html")

    def get_pdf_url(self, draft: ReportDraft) -> str | None:
        return self._file_url(draft, "pdf")


class ReportDraftQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    state = serializers.ChoiceField(choices=ReportDraft.State.choices, required=False)


class ReportDraftRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        help_text="The year the report is about (usually last year).", **YEAR_RANGE
    )
