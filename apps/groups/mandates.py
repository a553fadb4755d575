"""A working group's mandate as dated versions (imported by models.py): each text with the day
it came into force and the structural change that brought it."""

import datetime
from collections.abc import Iterable

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.models import SourcedModel, describe_date, precision_field


def version_in_force(
    versions: Iterable["MandateVersion"], day: datetime.date
) -> "MandateVersion | None":
    """Of a group's versions, the one in force on `day`: the latest that began on or before it.

    A blank start is the first known text (in force before any dated one); a version known only
    to a month or year counts from that period's first day, as the change that brought it.
    """
    began = [v for v in versions if v.in_force_from is None or v.in_force_from <= day]
    began.sort(key=lambda v: (v.in_force_from is not None, v.in_force_from or day, v.pk))
    return began[-1] if began else None


class MandateVersion(SourcedModel):
    """A group's mandate as it read from the day it came into force. The version in force on a
    day is the latest that began on or before it; Annex III of year Y prints those in force at
    the end of Y."""

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="mandates"
    )
    text = models.TextField(help_text="The mandate as Annex III of the annual report gives it.")
    in_force_from = models.DateField(
        null=True, blank=True, help_text="Blank when the record does not say (the first known)."
    )
    in_force_precision = precision_field()
    change = models.ForeignKey(
        "groups.StructuralChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        help_text="The decision that brought this text into force, if the record has it.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", models.F("in_force_from").asc(nulls_first=True), "pk"]
        verbose_name = "mandate version"

    def __str__(self) -> str:
        when = describe_date(self.in_force_from, self.in_force_precision)
        return f"{self.group.acronym} mandate from {when}"
