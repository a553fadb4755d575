"""Bounds every interface asks, written once: forms and serializers take their limits from here,
and the services refuse what lies outside them (so the admin and commands are held too)."""

from .errors import ApplicationError

# ISECG was founded in 2007; nothing in the record or a report is about an earlier year.
FIRST_YEAR = 2007
LAST_YEAR = 2100
YEAR_OUTSIDE_ISECG = f"The year must be between {FIRST_YEAR} (ISECG's founding) and {LAST_YEAR}."

# Free text that a person types with a step: a reason, a rationale, a comment.
REASON_MAX_LENGTH = 2000
RATIONALE_MAX_LENGTH = 5000
OUTLOOK_TEXT_MAX_LENGTH = 5000


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


def text_checked(text: str | None, *, field: str, limit: int, required: bool, ask: str = "") -> str:
    """`text` stripped, or an ApplicationError naming `field`: empty when required, too long,
    or holding control characters (other than line breaks and tabs)."""
    text = (text or "").strip()
    if required and not text:
        raise ApplicationError(ask or f"Give the {field}.", code="invalid", extra=_on(field, ask))
    if len(text) > limit:
        message = f"The {field} is {len(text)} characters long; keep it to {limit}."
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in text):
        message = f"The {field} holds control characters; remove them and send it again."
        raise ApplicationError(message, code="invalid", extra=_on(field, message))
    return text


def _on(field: str, message: str) -> dict:
    return {"fields": {field: [message or f"Give the {field}."]}}
