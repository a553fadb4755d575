"""The secretariat's Executive Summary of a year: written on the report pages, the API or the
admin, always here. Each write is the narrative's next version, with its reason in the history;
a write made over a version the writer has not seen is refused, and changes nothing.

Versions: 0 is "not written yet" (what an editor who opened an empty page has seen), 1 the first
text, then 2, 3... The drafts use whatever text is current when they are drafted.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import (
    FIRST_YEAR,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    length_checked,
    text_checked,
)

from .models import ReportNarrative

NOT_WRITTEN = 0  # the version of a year whose summary nobody has written
WRITERS_ONLY = (
    "Only the secretariat may write the annual report's Executive Summary: ask them to make "
    "the change, or send them your text."
)


def summary_path(year: int) -> str:
    """Where the secretariat writes the year's Executive Summary (the web page)."""
    return f"/reports/summary/{year}/"


def narrative_version(narrative: ReportNarrative | None) -> int:
    return narrative.version if narrative is not None else NOT_WRITTEN


def narrative_year_checked(
    year: int, *, nothing: str = "a summary", writing: str = "its Executive Summary"
) -> int:
    """`year` if its report may be written now; else why not (the highlights ask it too, with
    their own words: `nothing` to write before ISECG, `writing` that cannot be written yet)."""
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool):
        raise ApplicationError(f"Give the year as a number, e.g. {this_year - 1}.")
    if year < FIRST_YEAR:
        raise ApplicationError(
            f"ISECG began in {FIRST_YEAR}: there is no annual report for {year}, nor {nothing} "
            f"to write. Give a year from {FIRST_YEAR} to {this_year}."
        )
    if year > this_year:
        raise ApplicationError(
            f"{year} has not begun: {writing} cannot be written yet. Give a year "
            f"from {FIRST_YEAR} to {this_year} (usually last year, {this_year - 1})."
        )
    return year


def _stale(year: int, expected: int, current: ReportNarrative | None) -> ApplicationError:
    if current is None:  # cannot happen (nothing is deleted), but say it plainly if it does
        what = "it is not written any more"
    else:
        who = current.written_by or "someone"
        when = timezone.localtime(current.updated_at).strftime("%-d %b %Y, %H:%M")
        what = f"it is now at version {current.version}, written by {who} on {when}"
    seen = "had not been written" if expected == NOT_WRITTEN else f"was at version {expected}"
    return ApplicationError(
        f"Someone else wrote the {year} Executive Summary since you opened it (it {seen} "
        f"then; {what}). Nothing was saved: read their text, then make your change to it "
        "and save again.",
        code="stale",
        extra={"version": narrative_version(current)},
    )


def report_narrative_write(
    *,
    year: int,
    executive_summary: str,
    actor,
    reason: str = "",
    expected_version: int | None = None,
) -> ReportNarrative:
    """Write (or rewrite) the secretariat's Executive Summary for `year`; drafts then use it.

    `expected_version` is the version the writer read (0: none written yet); a write over any
    other is refused with code "stale" and changes nothing. None: a caller that does not lock.
    Who: the secretariat (accounts.permissions.may_draft_report).
    """
    if not permissions.may_draft_report(actor):
        raise ApplicationError(WRITERS_ONLY, code="forbidden")
    narrative_year_checked(year)
    # A browser sends a textarea's lines as CRLF: paragraphs are told apart by "\n\n".
    text = (executive_summary or "").replace("\r\n", "\n").replace("\r", "\n")
    text = length_checked(
        text,
        field="executive_summary",
        limit=SUMMARY_MAX_LENGTH,
        required=True,
        ask="Write the Executive Summary (paragraphs separated by a blank line).",
    )
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    if expected_version is not None and (
        isinstance(expected_version, bool) or not isinstance(expected_version, int)
    ):
        raise ApplicationError(
            "Give the version you read as a number (0 if none was written yet).",
            extra={"fields": {"expected_version": ["Give a whole number."]}},
        )
    try:
        return _write(year, text, actor, reason, expected_version)
    except IntegrityError:
        # Two first texts at once: the other was saved first. A writer who had seen the empty
        # page is told so; one who does not lock rewrites it, as it would a moment later.
        if expected_version is not None:
            raise _stale(
                year, expected_version, ReportNarrative.objects.filter(year=year).first()
            ) from None
        return _write(year, text, actor, reason, expected_version)


def _write(year, text, actor, reason, expected_version) -> ReportNarrative:
    with transaction.atomic():
        narrative = ReportNarrative.objects.select_for_update().filter(year=year).first()
        if expected_version is not None and narrative_version(narrative) != expected_version:
            raise _stale(year, expected_version, narrative)
        created = narrative is None
        if created:
            narrative = ReportNarrative(year=year, version=1)
        else:
            narrative.version += 1
        narrative.executive_summary = text
        narrative.written_by = actor
        narrative._history_user = actor
        narrative._change_reason = reason or ("Written" if created else "Rewritten")
        narrative.save()
    return narrative
