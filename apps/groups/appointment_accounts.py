"""What each source says about when an appointment began or ended (imported by models.py).

The public documents do not always agree: the 2024 Annual Report has ESA hand the ISECG chair
to NASA "as the year concluded", the 2025 one has NASA assume it "at the end of 2025". Both
facts are kept, each with its date, precision, words and source, until the secretariat settles
which one the record holds (groups.settling).

While the accounts of an edge disagree, the appointment's own date claims only what every one
of them supports: for a start or an end, the bound "no later than the end of the latest
account's period" (on_or_before), never a day, month or year one source contradicts. The
accounts carry each source's own date; the report prints only what all of them support.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import SourcedModel, describe_date, precision_field


class AccountState(models.TextChoices):
    OPEN = "open", "not yet settled"
    CHOSEN = "chosen", "chosen when settled"
    SET_ASIDE = "set_aside", "set aside when settled"


class AppointmentEdge(models.TextChoices):
    START = "start", "start"
    END = "end", "end"


# The appointment kinds an account can be about: the field naming each, and how people say it.
KINDS = {
    "chair": "ISECG chair",
    "cochair": "co-chair appointment",
    "delegate": "delegate appointment",
}


class AppointmentAccount(SourcedModel):
    """One source's account of an appointment's start or end: the ISECG chair, a co-chair or a
    head of delegation (exactly one of `chair`, `cochair`, `delegate`).

    The open accounts of one edge that give different dates are a conflict, shown on the pages
    and in the report's checklist until the secretariat settles it: the date settled on goes
    into the appointment, and each account is marked chosen or set aside. None is deleted.
    """

    State = AccountState
    Edge = AppointmentEdge

    chair = models.ForeignKey(
        "groups.ChairAppointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    cochair = models.ForeignKey(
        "groups.CoChairAppointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    delegate = models.ForeignKey(
        "agencies.DelegateAppointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    edge = models.CharField(max_length=5, choices=AppointmentEdge.choices)
    date = models.DateField(help_text="The date the source gives (a month or year: its first day).")
    precision = precision_field()
    words = models.TextField(help_text="What the source says, in its own words.")
    state = models.CharField(max_length=10, choices=AccountState.choices, default="open")
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_reason = models.TextField(blank=True, help_text="Why the secretariat settled so.")
    settled_date = models.DateField(
        null=True, blank=True, help_text="The date the secretariat wrote into the appointment."
    )
    settled_precision = precision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "appointment account"
        constraints = [
            models.CheckConstraint(
                condition=Q(chair__isnull=False, cochair__isnull=True, delegate__isnull=True)
                | Q(chair__isnull=True, cochair__isnull=False, delegate__isnull=True)
                | Q(chair__isnull=True, cochair__isnull=True, delegate__isnull=False),
                name="account_is_about_exactly_one_appointment",
                violation_error_message="An account is about exactly one appointment: the ISECG "
                "chair, a co-chair or a delegate.",
            ),
            models.CheckConstraint(
                condition=~Q(source="") & ~Q(words=""),
                name="account_names_its_source_and_words",
                violation_error_message="An account quotes its source's words and names the "
                "source (publication and section).",
            ),
            models.CheckConstraint(
                condition=Q(edge__in=AppointmentEdge.values), name="account_edge_is_known"
            ),
            models.CheckConstraint(
                condition=Q(state="open", settled_at__isnull=True)
                | Q(state__in=["chosen", "set_aside"], settled_at__isnull=False),
                name="account_settled_iff_not_open",
                violation_error_message="An open account is not settled; a chosen or set-aside "
                "one says when it was settled.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.edge} {self.date_display} ({self.appointment})"

    @property
    def kind(self) -> str:
        """Which appointment it is about: 'chair', 'cochair' or 'delegate'."""
        return next(kind for kind in KINDS if getattr(self, f"{kind}_id") is not None)

    @property
    def appointment(self):
        return getattr(self, self.kind)

    @property
    def date_display(self) -> str:
        return describe_date(self.date, self.precision)
