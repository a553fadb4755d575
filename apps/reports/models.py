from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.limits import FIRST_YEAR as FIRST_YEAR
from apps.core.limits import LAST_YEAR, YEAR_OUTSIDE_ISECG
from apps.core.models import SourcedModel


def _paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


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
    pdf = models.FileField(
        "PDF", max_length=300, blank=True, help_text="The same content, for circulation."
    )
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
    # Bumped by every write (reports.narratives): a write over an unseen version is refused.
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="1 when first written, then 2, 3... with each rewrite.",
    )

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
        return _paragraphs_of(self.executive_summary)


class ReportHighlight(SourcedModel):
    """A highlight of one year's report, written for that year: its heading as that report names
    it ("The 2024 Global Exploration Roadmap") and its paragraphs. About one product, one working
    group (TWG's 2024 gap-assessment work) or one structural change, or none (a special project).

    A product's standing summary is the product's, every year; a highlight is the year's, so a
    2024 paragraph never reappears in 2025 unless it is written for 2025.
    """

    year = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(help_text="Order in the year's Highlights.")
    heading = models.CharField(max_length=300, help_text="As the year's report names it.")
    text = models.TextField(help_text="Paragraphs separated by a blank line.")
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_highlights",
        help_text="The product it tells of: the draft then tells no other text of it that year.",
    )
    group = models.ForeignKey(
        "groups.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_highlights",
        help_text="The working group whose work it tells of.",
    )
    change = models.ForeignKey(
        "groups.StructuralChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_highlights",
        help_text="The structural change it tells of: the draft then tells it in these words.",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_highlights",
    )
    shown = models.BooleanField(
        default=True,
        help_text="False: kept, with its history, but left out of the year's report.",
    )
    # Bumped by every write (reports.highlights): an edit made from an older copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "position"], name="one_report_highlight_per_position"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="report_highlight_year_in_isecg_era",
                violation_error_message=YEAR_OUTSIDE_ISECG,
            ),
            models.CheckConstraint(
                condition=(
                    Q(deliverable__isnull=True, group__isnull=True)
                    | Q(deliverable__isnull=True, change__isnull=True)
                    | Q(group__isnull=True, change__isnull=True)
                ),
                name="report_highlight_about_one_thing",
                violation_error_message="A highlight tells of one product, group or change.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} highlight #{self.position}: {self.heading}"

    @property
    def paragraphs(self) -> list[str]:
        return _paragraphs_of(self.text)


class ReportListing(SourcedModel):
    """How one year's report names and orders a product or a working group in one of its lists:
    Annex I's publications ("Global Exploration Roadmap (IV edition)"), the outlook's group
    headings ("Strategic Communications Working Group and Tiger Team (SCWG-TT)") and Annex III
    (2024: ERWG, IAWG, SCWG, SWG, TWG, CWG, ESAWG). Which products and groups a list holds is the
    record's to say; a listing only names and orders them. Unlisted ones follow, in the
    record's own names."""

    class Section(models.TextChoices):
        PUBLICATIONS = "publications", "Annex I: publications"
        OUTLOOK = "outlook", "Outlook: a working group's heading"
        WORKING_GROUPS = "working_groups", "Annex III: working groups"

    year = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=20, choices=Section.choices)
    position = models.PositiveSmallIntegerField(default=1, help_text="Order in the list.")
    heading = models.CharField(
        max_length=300, blank=True, help_text="As the year's report names it; blank: the record's."
    )
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_listings",
    )
    group = models.ForeignKey(
        "groups.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_listings",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "section", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="report_listing_year_in_isecg_era",
                violation_error_message=YEAR_OUTSIDE_ISECG,
            ),
            models.CheckConstraint(
                condition=(
                    Q(section="publications", deliverable__isnull=False, group__isnull=True)
                    | (
                        Q(section__in=["outlook", "working_groups"])
                        & Q(deliverable__isnull=True, group__isnull=False)
                    )
                ),
                name="report_listing_names_what_its_list_holds",
                violation_error_message="Annex I lists products; the outlook and Annex III groups.",
            ),
            models.UniqueConstraint(
                fields=["year", "section", "deliverable"], name="one_listing_per_product"
            ),
            models.UniqueConstraint(
                fields=["year", "section", "group"], name="one_listing_per_group"
            ),
        ]

    def __str__(self) -> str:
        what = self.deliverable or self.group
        return f"{self.year} {self.get_section_display()}: {self.heading or what}"
