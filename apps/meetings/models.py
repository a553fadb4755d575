"""What happens at a plenary meeting: its agenda, who attended, and the decisions taken.

The meeting itself is plenary.PlenaryMeeting (rounds name it); this app adds what the
secretariat prepares and records around it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class AgendaItem(models.Model):
    """One item of a meeting's agenda: built from the tracker (its source names what it is
    about, so a rebuild adds only what is new) or added by the secretariat."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", "approval of the previous meeting's minutes"
        ROUND_DECISION = "round_decision", "consensus to be decided at this meeting"
        ROUND_CLOSING = "round_closing", "consensus round closing before this meeting"
        AWAITING_ROUND = "awaiting_round", "submitted, awaiting a consensus round"
        STRUCTURAL_CHANGE = "structural_change", "structural change proposed"
        OUTLOOK = "outlook", "next year's outlook for adoption"
        OVERDUE = "overdue", "overdue deliverable to report on"
        OTHER = "other", "item added by the secretariat"

    meeting = models.ForeignKey(
        "plenary.PlenaryMeeting", on_delete=models.PROTECT, related_name="agenda_items"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(help_text="Order on the agenda, from 1.")
    title = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    # What a built item is about; blank for the secretariat's own items.
    source_key = models.CharField(max_length=80, blank=True)
    round = models.ForeignKey(
        "plenary.ConsensusRound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    structural_change = models.ForeignKey(
        "groups.StructuralChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_meeting = models.ForeignKey(
        "plenary.PlenaryMeeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed = models.BooleanField(
        default=False, help_text="Taken off the agenda (kept, with the reason in its history)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_key"],
                condition=~Q(source_key=""),
                name="one_built_agenda_item_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    """Whether an agency attended a meeting, and who represented it."""

    class Status(models.TextChoices):
        PRESENT = "present", "present"
        APOLOGIES = "apologies", "apologies"
        ABSENT = "absent", "absent"

    meeting = models.ForeignKey(
        "plenary.PlenaryMeeting", on_delete=models.PROTECT, related_name="attendance"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    represented_by = models.CharField(
        max_length=300, blank=True, help_text="Who spoke for the agency, e.g. 'J. Doe (head)'."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency"], name="one_attendance_per_agency_and_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.acronym}: {self.get_status_display()}"


class Decision(models.Model):
    """A decision taken at a meeting on a consensus round: the positions stated there were
    recorded together. The minutes list these."""

    meeting = models.ForeignKey(
        "plenary.PlenaryMeeting", on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.ForeignKey(
        "plenary.ConsensusRound", on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    revision = models.ForeignKey(
        "documents.Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.TextField(help_text="The RESOLVED line the minutes carry.")
    positions_recorded = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "round"], name="one_decision_per_round_and_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"Decision on round #{self.round_id} at {self.meeting}"
