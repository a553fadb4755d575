from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.dates import date_as_stored
from apps.core.models import SourcedModel, precision_field


class DeliverableState(models.TextChoices):
    PLANNED = "planned", "planned"
    DRAFTING = "drafting", "drafting"
    WG_REVIEW = "wg_review", "WG review"
    SUBMITTED = "submitted", "submitted to the plenary"
    IN_CONSENSUS = "in_consensus", "in consensus"
    APPROVED = "approved", "approved"
    SAM_ENDORSEMENT = "sam_endorsement", "awaiting SAM endorsement"
    PUBLISHED = "published", "published"
    WITHDRAWN = "withdrawn", "withdrawn"
    DEFERRED = "deferred", "deferred"


class MoveRecorded(models.Model):
    """The history row of a workflow move names the move (workflow.MOVES), so "returned",
    "objected" and "endorsed" are asked of this field, never of the reason's text."""

    history_move = models.CharField(
        max_length=40, blank=True, default="", db_index=True, help_text="The workflow move."
    )

    class Meta:
        abstract = True


class Deliverable(SourcedModel):
    """An ISECG product. Never deleted: withdrawn instead."""

    class Kind(models.TextChoices):
        ROADMAP = "roadmap", "roadmap"
        WHITE_PAPER = "white_paper", "white paper"
        TECHNICAL_REPORT = "technical_report", "technical / gap report"
        CONFERENCE_PAPER = "conference_paper", "conference paper"
        ANNUAL_REPORT = "annual_report", "annual report"
        WEBNEWS = "webnews", "webnews"
        DATABASE = "database", "database"
        PLAN = "plan", "plan"
        OTHER = "other", "other"

    class Rag(models.TextChoices):
        GREEN = "green", "green"
        AMBER = "amber", "amber"
        RED = "red", "red"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    edition = models.CharField(max_length=50, blank=True, help_text="e.g. '2nd edition'.")
    lead_group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="led_deliverables"
    )
    contributing_groups = models.ManyToManyField(
        "groups.WorkingGroup", blank=True, related_name="contributed_deliverables"
    )
    target_date = models.DateField(null=True, blank=True)
    target_precision = precision_field(verbose_name="target date precision")
    percent_complete = models.PositiveSmallIntegerField(
        "progress (%)",
        default=0,
        validators=[
            MaxValueValidator(100, "Progress is a percentage: give a whole number from 0 to 100.")
        ],
    )
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices, blank=True)
    next_milestone = models.CharField(max_length=300, blank=True)
    status_note = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="The paragraph a report would quote.")
    published_on = models.DateField("publication date", null=True, blank=True)
    published_precision = precision_field(verbose_name="publication date precision")
    link = models.URLField(blank=True)
    state = models.CharField(
        max_length=20, choices=DeliverableState.choices, default=DeliverableState.PLANNED
    )
    needs_sam_endorsement = models.BooleanField(
        "SAM endorsement needed",
        default=False,
        help_text="Approval also needs the senior agency managers' endorsement.",
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="The product this is a chapter or part of: a part is published with it and "
        "is not listed in Annex I as a publication of its own.",
    )
    listed_as_publication = models.BooleanField(
        default=True,
        help_text="Listed among the year's publications in Annex I of the annual report. Clear "
        "it for a product the year's report tells of elsewhere only (its webnews, its "
        "Highlights).",
    )
    # Bumped by every write, so an edit made from a stale copy is refused (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[contributing_groups], bases=[MoveRecorded])

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="deliverable_percent_complete_0_to_100",
                violation_error_message="Progress is a percentage: give a whole number from 0 "
                "to 100.",
            ),
            models.CheckConstraint(
                condition=~Q(state=DeliverableState.PUBLISHED) | Q(published_on__isnull=False),
                name="published_deliverable_has_publication_date",
                violation_error_message="A published deliverable needs its publication date.",
            ),
        ]
        indexes = [
            # A state's deliverables, by target date or by last update (lists, home pages).
            models.Index(fields=["state", "target_date"], name="deliverable_state_target"),
            models.Index(fields=["state", "-updated_at"], name="deliverable_state_recent"),
            models.Index(fields=["published_on"]),
            models.Index(fields=["target_date"]),
            # The deliverables list's default order: most recently updated first.
            models.Index(fields=["-updated_at", "id"], name="deliverable_recent_first"),
            # Counts per group and state (charts), a group's deliverables (home pages).
            models.Index(fields=["lead_group", "state"], name="deliverable_group_state"),
            # A group's deliverables by target date (co-chairs' home pages).
            models.Index(fields=["lead_group", "target_date"], name="deliverable_group_target"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})" if self.edition else self.title

    def clean(self) -> None:
        super().clean()
        whole = self.part_of
        if whole is None:
            return
        if whole.pk == self.pk:
            message = "A product cannot be a part of itself: choose the product it belongs to."
        elif whole.part_of_id is not None:
            message = (
                f"“{whole}” is itself a part of “{whole.part_of}”: make this a part of that "
                "product instead."
            )
        elif self.pk and self.parts.exists():
            message = "This product has parts of its own, so it cannot be a part of another."
        else:
            return
        raise ValidationError({"part_of": [message]})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:deliverable", args=[self.pk])

    # As pages, exports and feeds print them (core.dates): "2026", "Dec 2024", "12 Aug 2024".
    @property
    def target_display(self) -> str:
        return date_as_stored(self.target_date, self.target_precision)

    @property
    def published_display(self) -> str:
        return date_as_stored(self.published_on, self.published_precision)


class Activity(SourcedModel):
    """A promotion or dissemination event for products: a paper, talk, session or webnews item."""

    class Kind(models.TextChoices):
        CONFERENCE_PAPER = "conference_paper", "conference paper"
        TALK = "talk", "talk or presentation"
        SESSION = "session", "conference session"
        WEBNEWS = "webnews", "webnews item"
        OTHER = "other", "other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    occurred_on = models.DateField()
    occurred_precision = precision_field()
    event = models.CharField(max_length=200, blank=True, help_text="e.g. 'GLEX 2025'.")
    place = models.CharField(max_length=200, blank=True, help_text="e.g. 'New Delhi, India'.")
    link = models.URLField(blank=True)
    deliverables = models.ManyToManyField(Deliverable, blank=True, related_name="activities")
    group = models.ForeignKey(
        "groups.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[deliverables])

    class Meta:
        ordering = ["-occurred_on", "title"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["kind", "occurred_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def occurred_display(self) -> str:
        return date_as_stored(self.occurred_on, self.occurred_precision)
