from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.limits import FIRST_YEAR as FIRST_YEAR
from apps.core.limits import LAST_YEAR, YEAR_OUTSIDE_ISECG


class ReportDraft(models.Model):
    """One generated draft of the annual report for a year: one request, one row, one version.

    The task fills it in as it goes (state, percent, current section), so a user can watch.
    Never deleted: a draft nobody wants is simply superseded by the next version.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    class Origin(models.TextChoices):
        APP = "app", "a user of the tracker"
        COMMAND = "command", "the draft_annual_report command"
        BEAT = "beat", "the January schedule"

    year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(help_text="1 for the year's first draft, then 2, 3...")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_drafts",
        help_text="Blank when the schedule or an operator's command asked for it.",
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.APP)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    current_section = models.CharField(max_length=200, blank=True)
    # Runs started for this draft: a redelivered task starts a new attempt and the older one,
    # should it still be alive, finds itself superseded and writes nothing.
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the broker last accepted the task; blank while it has never been handed over (the
    # queue was unreachable): the sweeper hands those over as soon as the queue is back.
    queued_at = models.DateTimeField(null=True, blank=True)
    requeues = models.PositiveSmallIntegerField(
        default=0, help_text="Times the sweeper queued the draft again after it stalled."
    )
    waiting_reason = models.TextField(
        blank=True,
        help_text="Why a queued draft has not started yet (e.g. the task queue is unreachable), "
        "and what happens next. Empty once a worker takes it.",
    )
    docx = models.FileField("DOCX", max_length=300, blank=True)
    html = models.FileField("HTML preview", max_length=300, blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the DOCX file, in hexadecimal."
    )
    checklist_items = models.PositiveSmallIntegerField(
        default=0, help_text="Items on the secretariat's checklist that comes with the draft."
    )
    error = models.TextField(blank=True, help_text="Why drafting failed, and what to do.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="one_draft_per_year_version"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="report_draft_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="report_draft_year_in_isecg_era",
                violation_error_message=YEAR_OUTSIDE_ISECG,
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(checksum=""),
                name="done_report_draft_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Annual Report, draft v{self.version} ({self.state})"


class ReportNarrative(models.Model):
    """The secretariat's own Executive Summary for a year; the draft uses it when written."""

    year = models.PositiveSmallIntegerField(unique=True)
    executive_summary = models.TextField(
        help_text="Paragraphs separated by a blank line, as they should appear in the report."
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_narratives",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = "Executive Summary"
        verbose_name_plural = "Executive Summaries"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="report_narrative_year_in_isecg_era",
                violation_error_message=YEAR_OUTSIDE_ISECG,
            ),
        ]

    def __str__(self) -> str:
        return f"Executive Summary for {self.year}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.executive_summary.split("\n\n") if p.strip()]
