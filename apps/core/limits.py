"""Bounds every interface asks, written once: forms and serializers take their limits from here,
and the services refuse what lies outside them (so the admin and commands are held too)."""

import datetime

from django.core.exceptions import ValidationError

from .day_words import day_in_words
from .errors import ApplicationError
from .text import unholdable_character, word_breaks_as_newlines

# ISECG was founded in 2007; nothing in the record or a report is about an earlier year.
FIRST_YEAR = 2007
LAST_YEAR = 2100
YEAR_OUTSIDE_ISECG = f"The year must be between {FIRST_YEAR} (ISECG's founding) and {LAST_YEAR}."

# Every date the tracker takes (targets, publications, deadlines, dates in the record). 1957,
# the year of Sputnik, lies before any agency's history the record tells and any ISECG product;
# 2200 after any plan. Past these bounds a date is a typo (9999-12-31), and date arithmetic
# (a deferral's year later) would overflow. The years above lie inside this range.
FIRST_DATE = datetime.date(1957, 1, 1)
LAST_DATE = datetime.date(2200, 12, 31)

# Free text that a person types with a step: a reason, a rationale, a comment.
REASON_MAX_LENGTH = 2000
RATIONALE_MAX_LENGTH = 5000
OUTLOOK_TEXT_MAX_LENGTH = 5000
# A note kept on a record (a deliverable's status note or the secretariat's notes, an outlook
# assessment's note): the longest in the ISECG record is 900 characters.
NOTE_MAX_LENGTH = 5000
# A paragraph a report quotes (a deliverable's summary, the Executive Summary): the longest in
# the record is about 1,600 characters; a page of a report holds about 4,000.
SUMMARY_MAX_LENGTH = 20000


def year_checked(year: int, *, what: str = "The year") -> int:
    """`year`, or an ApplicationError saying the bounds."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ApplicationError(
            f"{what} must be between {FIRST_YEAR} (ISECG's founding) and {LAST_YEAR}; "
            f"{year} is not.",
            code="invalid",
            extra={"fields": {"year": [f"Give a year from {FIRST_YEAR} to {LAST_YEAR}."]}},
        )
    return year


def date_outside_range(day: datetime.date) -> str:
    """Why `day` is refused, or "" when it lies in the range the tracker holds."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if FIRST_DATE <= day <= LAST_DATE:
        return ""
    return (
        f"{day_in_words(day)} is outside the dates the tracker holds: give a day from "
        f"{day_in_words(FIRST_DATE)} to {day_in_words(LAST_DATE)}."
    )


def date_checked(day: datetime.date | None, *, field: str, what: str = "") -> datetime.date | None:
    """`day` (None stays None), or an ApplicationError naming `field` (`what` it is, for people)
    and the range. Every date a service takes passes here."""
    if day is None:
        return None
    name = what or field.replace("_", " ")
    if not isinstance(day, datetime.date):
        message = f"The {name} must be a date (YYYY-MM-DD); {str(day)[:40]!r} is not."
    else:
        message = f"The {name} {why}" if (why := date_outside_range(day)) else ""
    if message:
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    return day


def validate_date_in_range(day: datetime.date) -> None:
    """date_outside_range as a form field's validator, for the records the admin writes
    directly (agencies, groups, appointments, meetings, activities)."""
    if why := date_outside_range(day):
        raise ValidationError(why, code="date_out_of_range")


def length_checked(
    text: str | None, *, field: str, limit: int, required: bool, ask: str = ""
) -> str:
    """`text` stripped, or an ApplicationError naming `field`: empty when required, or longer
    than `limit`. For paragraphs kept as written (summaries, notes): a control character pasted
    with one is left as it is, and dropped by the documents that print it (text.xml_safe)."""
    text = (text or "").strip()
    name = field.replace("_", " ")
    if required and not text:
        raise ApplicationError(ask or f"Give the {name}.", code="invalid", extra=_on(field, ask))
    if len(text) > limit:
        message = f"The {name} is {len(text)} characters long; keep it to {limit}."
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    return text


def text_checked(text: str | None, *, field: str, limit: int, required: bool, ask: str = "") -> str:
    """length_checked, with Word's line and page breaks as line breaks, refusing any other
    control character (but tabs): for what a person types with a step (a reason, a rationale),
    which the mails and the history quote."""
    text = length_checked(
        word_breaks_as_newlines(text or ""), field=field, limit=limit, required=required, ask=ask
    )
    found = unholdable_character(text)
    if found:
        at, code_point = found
        message = (
            f"The {field.replace('_', ' ')} holds control characters ({code_point} at character "
            f"{at}); remove them and send it again."
        )
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    return text


def _on(field: str, message: str) -> dict:
    return {"fields": {field: [message or f"Give the {field.replace('_', ' ')}."]}}
