from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.dates import DatePrecision, date_as_stored
from apps.core.models import Appointment, SourcedModel, precision_field


class Agency(SourcedModel):
    """A member organisation of ISECG. Membership is the interval [joined_on, left_on)."""

    acronym = models.CharField(max_length=30, unique=True, help_text="Current acronym, e.g. KASA.")
    name = models.CharField(max_length=200, help_text="Current name.")
    country = models.CharField(
        max_length=100, help_text="As the annual reports list it; ESA's is 'Europe'."
    )
    joined_on = models.DateField(help_text="First day of membership.")
    joined_precision = precision_field()
    left_on = models.DateField(
        null=True, blank=True, help_text="First day no longer a member; blank while a member."
    )
    left_precision = precision_field()
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=F("joined_on")),
                name="agency_membership_ends_after_it_starts",
                violation_error_message="A membership cannot end on or before the day it starts: "
                "set 'left on' after 'joined on', or leave it blank.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    @property
    def joined_display(self) -> str:
        return date_as_stored(self.joined_on, self.joined_precision)


class AgencyName(SourcedModel):
    """An earlier name or acronym of an agency, e.g. KARI before it became KASA."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="earlier_names")
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, blank=True)
    used_until = models.DateField(
        null=True, blank=True, help_text="Last known use, or the day the change took effect."
    )
    used_until_precision = precision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "used_until"]
        verbose_name = "earlier name"

    @property
    def label(self) -> str:
        """'Name (ACR)' as a member list prints it; just the name when that is all that is
        known (the record keeps a bare acronym, e.g. 'KARI', as the name when no source spells
        it out)."""
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name

    def __str__(self) -> str:
        label = self.label
        if self.used_until:
            when = date_as_stored(self.used_until, self.used_until_precision)
            if self.used_until_precision == DatePrecision.ON_OR_BEFORE:
                when = when.removeprefix("by ") + " at the latest"
            label += f", until {when}"
        return label


class DelegateAppointment(Appointment):
    """A person states their agency's positions over [starts_on, ends_on): as its head of
    delegation, or as an alternate."""

    class Role(models.TextChoices):
        HEAD = "head", "head of delegation"
        ALTERNATE = "alternate", "alternate"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.HEAD)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegate_appointments"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="delegate_appointments"
    )

    history = HistoricalRecords()

    class Meta(Appointment.Meta):
        ordering = ["agency", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.person}, {self.get_role_display()} of {self.agency.acronym}"
