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

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="meeting_ends_on_or_after_it_starts",
                violation_error_message="A meeting cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({describe_date(self.starts_on, self.starts_precision)})"
