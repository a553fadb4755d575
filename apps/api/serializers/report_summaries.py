"""The Executive Summary of a year's annual report: read it, rewrite it (with If-Match)."""

from django.urls import reverse
from rest_framework import serializers

from apps.core.limits import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH

from .base import UserRefSerializer


class ReportSummarySerializer(serializers.Serializer):
    """A year's summary, written or not: version 0 (and an empty text) until the secretariat
    writes it; the drafts then write one from the record, marked for rewriting."""

    year = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    history_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The page where people write it.")
    written = serializers.BooleanField(
        read_only=True, help_text="False until the secretariat writes it."
    )
    version = serializers.IntegerField(
        read_only=True, help_text="0 until written, then 1, 2...: the ETag, in quotes."
    )
    executive_summary = serializers.CharField(
        read_only=True, help_text="Paragraphs separated by a blank line; empty until written."
    )
    written_by = UserRefSerializer(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def _absolute(self, name: str, year: int) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[year]))

    def get_url(self, summary: dict) -> str:
        return self._absolute("api:report-summary-detail", summary["year"])

    def get_history_url(self, summary: dict) -> str:
        return self._absolute("api:report-summary-history", summary["year"])

    def get_page_url(self, summary: dict) -> str:
        return self._absolute("web:report-summary", summary["year"])


class ReportSummaryWriteSerializer(serializers.Serializer):
    # Lengths and blank text are checked by reports.narratives, which names what to fix.
    executive_summary = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Paragraphs separated by a blank line; at most {SUMMARY_MAX_LENGTH} characters.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the history; left out: 'Written' or 'Rewritten'.",
    )
