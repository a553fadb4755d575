"""Building blocks shared by every business model."""

import datetime

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a stored date the source actually gives.

    The seeds often name only a month, a year or a bound. The stored date is then the first
    day of that month or year, or the bound itself, and this field says so: we never invent
    a day the record does not give.
    """

    DAY = "day", "exact day"
    MONTH = "month", "month only (stored as its first day)"
    YEAR = "year", "year only (stored as 1 January)"
    ON_OR_BEFORE = "on_or_before", "no later than this date"


def describe_date(value: datetime.date | None, precision: str) -> str:
    """The date as the source gives it: '14 August 2024', 'August 2024', '2024', 'by 2020'."""
    if value is None:
        return "date unknown"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    if precision == DatePrecision.ON_OR_BEFORE:
        return f"by {value.day} {value.strftime('%B %Y')}"
    return f"{value.day} {value.strftime('%B %Y')}"


def precision_field(**kwargs) -> models.CharField:
    return models.CharField(
        max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY, **kwargs
    )


class SourcedModel(models.Model):
    """A record of the ISECG record: says where its facts come from."""

    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where this record's facts come from, e.g. "
        "'seed 000 (2024 Annual Report), Annex II'. Blank for records entered by users.",
    )

    class Meta:
        abstract = True
