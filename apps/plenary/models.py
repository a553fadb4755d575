from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.models import SourcedModel, describe_date, precision_field


class PlenaryMeeting(SourcedModel):
    """A plenary meeting, monthly teleconference or written procedure where decisions are taken."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", "in-person plenary"
        TELECONFERENCE = "teleconference", "monthly teleconference"
        WRITTEN_PROCEDURE = "written_procedure", "written procedure"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    starts_precision = precision_field()
    ends_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    host_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    minutes = models.TextField(blank=True)
    # A meeting the secretariat schedules has its hours; the record's meetings have only a day.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text="Where it is held, e.g. Europe/Paris (IANA name)."
    )
    call_link = models.URLField(blank=True, help_text="The teleconference's address, if any.")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
    )
    is_sample = models.BooleanField(
        default=False, help_text="A sample meeting of the demo, not a meeting ISECG holds."
    )
    minutes_approved_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes_of",
        help_text="The later meeting that approved these minutes.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="meeting_ends_on_or_after_it_starts",
                violation_error_message="A meeting cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="A meeting must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({describe_date(self.starts_on, self.starts_precision)})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:meeting", args=[self.pk])


class ConsensusRound(models.Model):
    """A plenary decision on one deliverable or one structural change (its subject). Eligible
    agencies are frozen when it opens."""

    class Channel(models.TextChoices):
        PLENARY = "plenary", "plenary meeting"
        TELECONFERENCE = "teleconference", "teleconference"
        WRITTEN_PROCEDURE = "written_procedure", "written procedure"

    class State(models.TextChoices):
        OPEN = "open", "open"
        CLOSED = "closed", "closed"
        CANCELLED = "cancelled", "cancelled"

    class Outcome(models.TextChoices):
        CONSENSUS = "consensus", "consensus (no standing objection)"
        OBJECTED = "objected", "objected"

    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consensus_rounds",
    )
    structural_change = models.ForeignKey(
        "groups.StructuralChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consensus_rounds",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    meeting = models.ForeignKey(
        PlenaryMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consensus_rounds",
    )
    opened_on = models.DateField(help_text="Members on this day are the eligible agencies.")
    # A round of the record may be known only by its year; the tracker's rounds have their day.
    dates_precision = precision_field()
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank for a round of the record, whose opener the publications do not name.",
    )
    deadline = models.DateField(help_text="Positions are taken until the end of this day (UTC).")
    eligible_agencies = models.ManyToManyField("agencies.Agency", related_name="eligible_rounds")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when it closed by itself (deadline or last answer).",
    )
    close_reason = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The text agencies decide on: frozen at opening, replaced only by an editorial revision.
    # Blank for a round on a deliverable with no revision in the tracker (the record's rounds).
    revision = models.ForeignKey(
        "documents.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    revision_sha256 = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords(m2m_fields=[eligible_agencies])

    class Meta:
        ordering = ["-opened_at", "-id"]  # rounds opened in the same instant: the later first
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable"],
                condition=Q(state="open"),
                name="one_open_round_per_deliverable",
                violation_error_message="This deliverable already has an open consensus round.",
            ),
            models.UniqueConstraint(
                fields=["structural_change"],
                condition=Q(state="open"),
                name="one_open_round_per_structural_change",
                violation_error_message="This structural change already has an open round.",
            ),
            models.CheckConstraint(
                condition=Q(deliverable__isnull=False, structural_change__isnull=True)
                | Q(deliverable__isnull=True, structural_change__isnull=False),
                name="round_has_one_subject",
                violation_error_message="A round decides one deliverable or one structural change.",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opened_on")),
                name="round_deadline_not_before_opening",
                violation_error_message="The deadline cannot be before the round opens.",
            ),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(outcome="") & Q(closed_at__isnull=True))
                | (Q(state="closed") & ~Q(outcome="") & Q(closed_at__isnull=False))
                | (Q(state="cancelled") & Q(outcome="") & Q(closed_at__isnull=False)),
                name="round_outcome_matches_state",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["-opened_at", "-id"], name="round_latest_first"),
        ]

    def __str__(self) -> str:
        return f"Consensus round #{self.pk} on {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:round", args=[self.pk])

    @property
    def subject(self):
        """What the round decides: its deliverable or its structural change."""
        return self.deliverable if self.deliverable_id else self.structural_change

    @property
    def opened_display(self) -> str:
        return describe_date(self.opened_on, self.dates_precision)

    def deadline_passed_on(self, day) -> bool:
        """Positions are taken until the end of the deadline day; from the next day the round
        is closing under the silence procedure. The one statement of "before the deadline"."""
        return day > self.deadline

    @staticmethod
    def deadline_passed_q(day) -> Q:
        """deadline_passed_on as a query: the rounds whose deadline has passed on `day`."""
        return Q(deadline__lt=day)


class Position(models.Model):
    """One agency's position in a round. Every position ever recorded is kept; the latest counts."""

    class Kind(models.TextChoices):
        CONCUR = "concur", "concur"
        NO_OBJECTION = "no_objection", "no objection"
        ABSTAIN = "abstain", "abstain"
        OBJECT = "object", "object"

    round = models.ForeignKey(ConsensusRound, on_delete=models.PROTECT, related_name="positions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=15, choices=Kind.choices)
    rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(
        default=False,
        help_text="Recorded by the secretariat for the agency (e.g. as stated in a plenary).",
    )
    recorded_at = models.DateTimeField()
    revision = models.ForeignKey(
        "documents.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision the round was on when this position was given.",
    )
    meeting = models.ForeignKey(
        PlenaryMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stated_positions",
        help_text="The meeting where the agency stated it (recorded by the secretariat).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "agency", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(position="object") | ~Q(rationale=""),
                name="objection_has_rationale",
                violation_error_message="An objection must give its rationale.",
            ),
        ]
        indexes = [models.Index(fields=["round", "agency", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.agency.acronym}: {self.get_position_display()}"


class Objection(models.Model):
    """An agency's objection in a round, followed to its resolution: one per agency and round,
    its rationale the latest the agency gave."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        RESOLVED = "resolved", "resolved in a revision"
        NOT_ACCEPTED = "not_accepted", "not accepted"
        WITHDRAWN = "withdrawn", "withdrawn by the agency"

    round = models.ForeignKey(ConsensusRound, on_delete=models.PROTECT, related_name="objections")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="+", help_text="The latest objection."
    )
    rationale = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_in = models.ForeignKey(
        "documents.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_objections",
    )
    response = models.TextField(blank=True, help_text="The co-chairs' answer, or the reason.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agency"], name="one_objection_item_per_agency_and_round"
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_in__isnull=False),
                name="resolved_objection_names_its_revision",
                violation_error_message="A resolved objection names the revision resolving it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} objection in round #{self.round_id} ({self.status})"


class AgencyNotice(models.Model):
    """How an agency was told of a round: a mail to its delegation (delivered once the outbox
    row is sent), or another channel the secretariat recorded. Silence counts as no objection
    only for an agency that was told."""

    class Kind(models.TextChoices):
        OPENED = "opened", "round opened"
        REMINDER = "reminder", "deadline reminder"
        TEXT_CHANGED = "text_changed", "new revision"
        OTHER_CHANNEL = "other_channel", "told another way (recorded by the secretariat)"

    round = models.ForeignKey(ConsensusRound, on_delete=models.PROTECT, related_name="notices")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    mail = models.ForeignKey(
        "core.OutboxMail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when the agency had nobody to write to, or was told another way.",
    )
    note = models.TextField(blank=True, help_text="How and when, for another channel.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "agency", "created_at", "id"]
        indexes = [models.Index(fields=["round", "agency"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="other_channel") | ~Q(note=""),
                name="other_channel_notice_says_how",
                violation_error_message="Say how and when the agency was told.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} told of round #{self.round_id}: {self.get_kind_display()}"
