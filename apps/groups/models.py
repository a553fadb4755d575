from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.limits import FIRST_YEAR, LAST_YEAR, YEAR_OUTSIDE_ISECG
from apps.core.models import Appointment, SourcedModel, describe_date, precision_field


class ChangeState(models.TextChoices):
    """Where a structural change stands. Only a decided change takes effect (on its effective
    date); a proposal, however long it has been talked about, is not an event."""

    PROPOSED = "proposed", "proposed"
    IN_CONSENSUS = "in_consensus", "in a consensus round"
    AWAITING_ENDORSEMENT = "awaiting_endorsement", "agreed, awaiting SAM endorsement"
    DECIDED = "decided", "decided"
    WITHDRAWN = "withdrawn", "withdrawn"


class StructuralChange(SourcedModel):
    """A change to the shape of ISECG: a group set up, merged, absorbed, split or closed, or a
    mandate changed. Proposed, put to a consensus round, endorsed by the senior agency managers
    where it needs them, and only then in force (apps/groups/changes.py)."""

    class Kind(models.TextChoices):
        ESTABLISHMENT = "establishment", "establishment"
        MERGER = "merger", "merger"
        PARTIAL_MERGER = "partial_merger", "partial merger of mandates"
        ABSORPTION = "absorption", "absorption"
        SPLIT = "split", "split"
        CLOSURE = "closure", "closure"
        RENAMING = "renaming", "renaming"
        MANDATE_CHANGE = "mandate_change", "mandate change"

    State = ChangeState

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=24, choices=ChangeState.choices, default="proposed")
    effective_on = models.DateField(help_text="When it takes (or took) effect, once decided.")
    effective_precision = precision_field()
    summary = models.TextField(help_text="What changes, as a report would say it.")
    decision = models.TextField(
        blank=True, help_text="Who decided and how, e.g. 'approved by the senior agency managers'."
    )
    meeting = models.ForeignKey(
        "plenary.PlenaryMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structural_changes",
    )
    needs_sam_endorsement = models.BooleanField(default=False)
    groups = models.ManyToManyField(
        "WorkingGroup", related_name="structural_changes", help_text="The groups it affects."
    )
    sub_teams = models.ManyToManyField("SubTeam", related_name="structural_changes", blank=True)
    into_group = models.ForeignKey(
        "WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed_changes",
        help_text="The group that takes over, for a merger or absorption.",
    )
    new_groups = models.JSONField(
        default=list,
        blank=True,
        help_text="The groups it sets up (establishment: one; split: two or more), each "
        "{'acronym', 'name', 'mandate'}.",
    )
    new_name = models.CharField(max_length=200, blank=True, help_text="For a renaming.")
    new_acronym = models.CharField(max_length=20, blank=True, help_text="For a renaming.")
    new_mandate = models.TextField(blank=True, help_text="For a mandate change.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(
        null=True, blank=True, help_text="When it was decided (consensus, or SAM endorsement)."
    )
    decided_precision = precision_field()
    endorsed_on = models.DateField(
        null=True, blank=True, help_text="When the senior agency managers endorsed it."
    )
    endorsed_precision = precision_field()
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When its effect was made in the record."
    )
    # Bumped by every write (groups.changes): an edit made from an older copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[groups, sub_teams])

    class Meta:
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ChangeState.values), name="structural_change_state_is_known"
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(state="decided"),
                name="only_a_decided_change_takes_effect",
                violation_error_message="Only a decided structural change takes effect.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} #{self.pk} ({self.effective_display})"

    @property
    def effective_display(self) -> str:
        return describe_date(self.effective_on, self.effective_precision)

    @property
    def state_label(self) -> str:
        if self.state == ChangeState.DECIDED and self.applied_at is None:
            return "decided, not yet in effect"
        if self.state == ChangeState.DECIDED:
            return "in effect"
        return self.get_state_display()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:change", args=[self.pk])


class GroupStatus(models.TextChoices):
    ACTIVE = "active", "active"
    MERGED = "merged", "merged"
    ABSORBED = "absorbed", "absorbed"
    CLOSED = "closed", "closed"


class WorkingGroup(SourcedModel):
    """An ISECG working group. Active from established_on until its status change takes effect.

    Its mandate is dated versions (MandateVersion, `mandates`), written only by the structural
    changes that bring them into force; groups.selectors.mandate_on reads the one in force on
    a day."""

    acronym = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    established_on = models.DateField(
        null=True, blank=True, help_text="Blank when the record does not say (active since then)."
    )
    established_precision = precision_field()
    status = models.CharField(
        max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    status_change = models.ForeignKey(
        StructuralChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_groups",
        help_text="The decision that ended this group (its date is when it stopped being active).",
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The group it was merged into or absorbed by.",
    )
    established_by = models.ForeignKey(
        StructuralChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="established_groups",
        help_text="The decision that set this group up (an establishment or a split).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["acronym"],
                condition=Q(status=GroupStatus.ACTIVE),
                name="one_active_group_per_acronym",
                violation_error_message="Another active working group already uses this acronym.",
            ),
            models.CheckConstraint(
                condition=Q(status=GroupStatus.ACTIVE, status_change__isnull=True)
                | (~Q(status=GroupStatus.ACTIVE) & Q(status_change__isnull=False)),
                name="group_status_change_iff_not_active",
                violation_error_message="A merged, absorbed or closed group needs the structural "
                "change that ended it; an active group has none.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[GroupStatus.MERGED, GroupStatus.ABSORBED])
                | Q(successor__isnull=False),
                name="merged_or_absorbed_group_has_successor",
                violation_error_message="A merged or absorbed group needs the group it went into.",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=F("pk")),
                name="group_is_not_its_own_successor",
                violation_error_message="A group cannot be merged into itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    @property
    def current_mandate(self) -> str:
        """The text in force today ("" if the record has none); prefetch `mandates` in lists."""
        from django.utils import timezone

        version = version_in_force(self.mandates.all(), timezone.localdate())
        return version.text if version else ""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:group", args=[self.pk])


class SubTeam(SourcedModel):
    """An action team, tiger team or gap-assessment team working under a group."""

    class Kind(models.TextChoices):
        ACTION_TEAM = "action_team", "action team"
        TIGER_TEAM = "tiger_team", "tiger team"
        GAP_ASSESSMENT_TEAM = "gap_assessment_team", "gap-assessment team"

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="sub_teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    status_change = models.ForeignKey(
        StructuralChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_sub_teams",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=GroupStatus.ACTIVE, status_change__isnull=True)
                | (~Q(status=GroupStatus.ACTIVE) & Q(status_change__isnull=False)),
                name="subteam_status_change_iff_not_active",
                violation_error_message="An ended sub-team needs the structural change that "
                "ended it; an active one has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.group.acronym})"


class CoChairAppointment(Appointment):
    """A person, for their agency, co-chairs a group over [starts_on, ends_on)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cochair_appointments"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="cochair_appointments"
    )
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="cochair_appointments"
    )

    history = HistoricalRecords()

    class Meta(Appointment.Meta):
        ordering = ["group", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.person} ({self.agency.acronym}), co-chair of {self.group.acronym}"


class ChairAppointment(SourcedModel):
    """The agency (and, where known, the person) chairing ISECG over [starts_on, ends_on).

    Where the sources disagree on a start or an end (AppointmentAccount), the date here is only
    what all of them support, a bound ("by 2025"), until the secretariat settles it: ESA handed
    the chair to NASA "as the year concluded" (2024 report) or NASA assumed it "at the end of
    2025" (2025 report); either way NASA held it by the end of 2025, and ESA no longer did."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="chair_appointments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chair_appointments",
    )
    person_name = models.CharField(
        max_length=200, blank=True, help_text="Who held the chair, when they have no account."
    )
    starts_on = models.DateField(
        null=True, blank=True, help_text="Blank when the record does not say when it began."
    )
    starts_precision = precision_field()
    ends_on = models.DateField(null=True, blank=True, help_text="First day no longer chair.")
    ends_precision = precision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="chair_appointment_ends_after_it_starts",
                violation_error_message="A chair appointment cannot end on or before the day it "
                "starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"ISECG chair: {self.agency.acronym}"


class OutlookItem(SourcedModel):
    """What a group (or ISECG as a whole, when group is blank) plans for a year."""

    class Assessment(models.TextChoices):
        ACHIEVED = "achieved", "achieved"
        PARTLY_ACHIEVED = "partly_achieved", "partly achieved"
        CARRIED_OVER = "carried_over", "carried over"
        DROPPED = "dropped", "dropped"

    year = models.PositiveSmallIntegerField()
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outlook_items",
        help_text="Blank for the ISECG Priorities.",
    )
    partner_groups = models.ManyToManyField(
        WorkingGroup,
        blank=True,
        related_name="joint_outlook_items",
        help_text="Groups sharing this item, e.g. IAWG for a joint ERWG & IAWG paragraph.",
    )
    position = models.PositiveSmallIntegerField(default=1, help_text="Order within the section.")
    text = models.TextField()
    planned_deliverables = models.ManyToManyField(
        "deliverables.Deliverable", blank=True, related_name="outlook_items"
    )
    assessment = models.CharField(max_length=20, choices=Assessment.choices, blank=True)
    assessment_note = models.TextField(blank=True)
    # Bumped by every write (groups.services): an edit made from an older copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[partner_groups, planned_deliverables])

    class Meta:
        ordering = ["year", "group__acronym", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "group", "position"], name="one_outlook_item_per_group_position"
            ),
            models.UniqueConstraint(
                fields=["year", "position"],
                condition=Q(group__isnull=True),
                name="one_priority_item_per_position",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="outlook_year_in_isecg_era",
                violation_error_message=YEAR_OUTSIDE_ISECG,
            ),
        ]

    def __str__(self) -> str:
        owner = self.group.acronym if self.group_id else "ISECG Priorities"
        return f"{owner} outlook {self.year} #{self.position}"


# The sources' accounts of an appointment's dates: their own module, imported here so that
# Django finds the model.
from .appointment_accounts import AppointmentAccount as AppointmentAccount  # noqa: E402
from .mandates import MandateVersion as MandateVersion  # noqa: E402
from .mandates import version_in_force as version_in_force  # noqa: E402
