"""Dates as precisely as the record gives them: how one is printed, what a person types for one,
the period it covers, and that period's last day in SQL. The one place for each.

A stored date is a day and its precision (DatePrecision), and prints as:

=============  ======================  ===============  =================  =================
precision      stored day              short (pages)    long (reports)     typed in a form
=============  ======================  ===============  =================  =================
day            the day                 12 Aug 2024      12 August 2024     2024-08-12
month          the 1st of the month    Dec 2024         December 2024      2024-12
year           1 January               2026             2026               2026
on_or_before   the bound               by 2020          by 2020            by 2020
=============  ======================  ===============  =================  =================

A bound (on_or_before) means "no later than the end of X", and prints as "by X", X being the
coarsest period whose last day is the bound: 31 December 2020 is "by 2020", 30 April 2024
"by Apr 2024", 12 August 2024 "by 12 Aug 2024". Typing "by X" stores the last day of X, so what
is printed reads back as what was stored.

The short style is for pages, CSV, the API, feeds and mails; the long one for the annual report
and the documents circulated to the plenary. Due and overdue are measured from the end of the
period (period_end): a "2026" target is due by 31 December 2026 and overdue from 1 January 2027.
"""

import calendar
import datetime
import re
from typing import NamedTuple

from django.db import NotSupportedError
from django.db.models import Case, DateField, F, Func, TextChoices, When

from .day_words import day_in_words
from .errors import ApplicationError
from .limits import date_outside_range

SHORT, LONG = "short", "long"


class DatePrecision(TextChoices):
    """How much of a stored date the source actually gives.

    The record often names only a month, a year or a bound. The stored date is then the first
    day of that month or year, or the bound itself, and this field says so: we never invent
    a day the record does not give. (Re-exported by core.models, where the fields use it.)
    """

    DAY = "day", "exact day"
    MONTH = "month", "month only (stored as its first day)"
    YEAR = "year", "year only (stored as 1 January)"
    ON_OR_BEFORE = "on_or_before", "no later than this date"


P = DatePrecision
PRECISIONS = tuple(DatePrecision.values)


class StoredDate(NamedTuple):
    """A date as it is stored: the day and how much of it the record gives."""

    day: datetime.date
    precision: str


# --- the period a date covers ---------------------------------------------------------------


def period_start(value: datetime.date, precision: str) -> datetime.date:
    """The first day the value covers: 1 January for a year, the 1st for a month, else the day."""
    if precision == P.YEAR:
        return value.replace(month=1, day=1)
    if precision == P.MONTH:
        return value.replace(day=1)
    return value


def period_end(value: datetime.date, precision: str) -> datetime.date:
    """The last day the value covers: 31 December for a year, the month's last day for a month,
    the day itself for a day or a bound. A target is due by this day, overdue the day after."""
    if precision == P.YEAR:
        return value.replace(month=12, day=31)
    if precision == P.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def _bound_period(bound: datetime.date) -> str:
    """The coarsest period whose last day is `bound`: how a bound is printed and typed."""
    if (bound.month, bound.day) == (12, 31):
        return P.YEAR
    if bound.day == calendar.monthrange(bound.year, bound.month)[1]:
        return P.MONTH
    return P.DAY


# --- printing --------------------------------------------------------------------------------


def date_as_stored(value: datetime.date | None, precision: str, *, style: str = SHORT) -> str:
    """The date as precisely as it is stored, in the short or long style (see the table above);
    "" when there is none. Every page, export, feed and report prints dates through here."""
    if value is None:
        return ""
    if precision == P.ON_OR_BEFORE:
        return "by " + date_as_stored(value, _bound_period(value), style=style)
    if precision == P.YEAR:
        return str(value.year)
    month = value.strftime("%b" if style == SHORT else "%B")
    if precision == P.MONTH:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def describe_date(value: datetime.date | None, precision: str) -> str:
    """The long style, as a report or a record's name says it: '14 August 2024',
    'August 2024', '2024', 'by 2020'; 'date unknown' when there is none."""
    return date_as_stored(value, precision, style=LONG) if value else "date unknown"


def date_for_people(day: datetime.date | datetime.datetime | None) -> str:
    """A day as people read it, "7 December 2026": for messages, errors and mails, which name a
    day (a deadline, a bound, a day refused), never "2026-12-07"; "" for none."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day_in_words(day)


# --- what a person types ---------------------------------------------------------------------

TYPING_HELP = (
    "Type a year (2026), a month (2026-12) or a day (2026-12-20), as precisely as it is known; "
    "put 'by' before one for a bound (by 2026)."
)
_ISO = {
    re.compile(r"\d{4}"): ("%Y", P.YEAR),
    re.compile(r"\d{4}-\d{1,2}"): ("%Y-%m", P.MONTH),
    re.compile(r"\d{4}-\d{1,2}-\d{1,2}"): ("%Y-%m-%d", P.DAY),
}
# What the pages print reads back too: "Dec 2026", "20 December 2026".
_PRINTED = (("%b %Y", P.MONTH), ("%B %Y", P.MONTH), ("%d %b %Y", P.DAY), ("%d %B %Y", P.DAY))


def typed_text(value: datetime.date | None, precision: str) -> str:
    """What to put in a form for a stored date: typed_date reads it back as the same date."""
    if value is None:
        return ""
    if precision == P.ON_OR_BEFORE:
        return "by " + typed_text(value, _bound_period(value))
    if precision == P.YEAR:
        return f"{value.year:04d}"
    if precision == P.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def typed_date(text: str | None) -> StoredDate | None:
    """The date a person typed, with the precision they typed it at: "2026" is a year, "2026-12"
    a month, "2026-12-20" a day, "by 2026" a bound on 31 December 2026 (see the table above).
    None for nothing typed; ValueError, saying what to type, for anything else."""
    text = " ".join((text or "").split())
    if not text:
        return None
    bound = text[:3].lower() == "by "
    body = text[3:].strip() if bound else text
    parsed = _parsed(body)
    if parsed is None:
        raise ValueError(f"“{text[:40]}” is not a date. {TYPING_HELP}")
    if bound:
        return StoredDate(period_end(*parsed), P.ON_OR_BEFORE)
    return parsed


def _parsed(body: str) -> StoredDate | None:
    formats = [fmt for pattern, fmt in _ISO.items() if pattern.fullmatch(body)] or _PRINTED
    for fmt, precision in formats:
        try:
            return StoredDate(datetime.datetime.strptime(body, fmt).date(), precision)
        except ValueError:
            continue
    return None


# --- the rule a service holds -----------------------------------------------------------------


def stored_date_checked(
    day: datetime.date | None, precision: str, *, field: str, what: str
) -> StoredDate | None:
    """The date and precision to store, or an ApplicationError naming `field`: an unknown
    precision, a day outside the range the tracker holds, or a month or year not stored as its
    first day (a day inside a year-only date would claim a day the record does not give)."""
    if precision not in PRECISIONS:
        # Only a program can send an unknown one (forms offer a choice): name the values it
        # may send, each with what it means.
        labels = ", ".join(f"{value} ({label})" for value, label in DatePrecision.choices)
        message = f"The precision of the {what} must be one of {labels}."
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    if day is None:
        return None
    message = ""
    if why := date_outside_range(day):
        message = f"The {what} {why}"
    elif day != period_start(day, precision):
        start = period_start(day, precision)
        message = (
            f"A {what} known only by its {precision} is stored as its first day "
            f"({date_for_people(start)}), not {date_for_people(day)}: give "
            f"{date_for_people(start)}, or give the day with the precision 'exact day'."
        )
    if message:
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    return StoredDate(day, precision)


def precision_pairs(model) -> list[tuple[str, str]]:
    """A model's (date field, precision field) pairs, by the names the models give them:
    target_date and target_precision, joined_on and joined_precision, in_force_from and
    in_force_precision. For the doors that check every pair of a record (the admin)."""
    fields = model._meta.concrete_fields
    dates = [f.name for f in fields if type(f) is DateField]
    pairs = []
    for field in fields:
        if field.name.endswith("_precision"):
            stem = field.name.removesuffix("_precision")
            named = [d for d in dates if d == stem or d.startswith(stem + "_")]
            if len(named) == 1:
                pairs.append((named[0], field.name))
    return pairs


def _on(field: str, message: str) -> dict:
    return {"fields": {field: [message]}}


# --- the same period end in SQL ----------------------------------------------------------------


class _EndOf(Func):
    """The last day of the month or year of a date, in SQL (PostgreSQL and SQLite)."""

    arity = 1
    output_field = DateField()
    unit = ""

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"The end of a {self.unit} is written for PostgreSQL and SQLite.")

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            f"(DATE_TRUNC('{self.unit}', (%(expressions)s)::timestamp) "
            f"+ INTERVAL '1 {self.unit}' - INTERVAL '1 day')::date"
        )
        return Func.as_sql(self, compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = f"DATE(%(expressions)s, 'start of {self.unit}', '+1 {self.unit}', '-1 day')"
        return Func.as_sql(self, compiler, connection, template=template, **extra)


class EndOfMonth(_EndOf):
    unit = "month"


class EndOfYear(_EndOf):
    unit = "year"


def period_end_sql(date_field: str, precision_field: str) -> Case:
    """period_end as an expression, to annotate a queryset with the last day each row's date
    covers (NULL for no date): what due and overdue compare with, in the database."""
    return Case(
        When(**{precision_field: P.YEAR}, then=EndOfYear(F(date_field))),
        When(**{precision_field: P.MONTH}, then=EndOfMonth(F(date_field))),
        default=F(date_field),
        output_field=DateField(),
    )


__all__ = [
    "LONG",
    "PRECISIONS",
    "SHORT",
    "TYPING_HELP",
    "DatePrecision",
    "StoredDate",
    "date_as_stored",
    "date_for_people",
    "describe_date",
    "period_end",
    "period_end_sql",
    "period_start",
    "precision_pairs",
    "stored_date_checked",
    "typed_date",
    "typed_text",
]
