"""The highlights of a year's report, written by the secretariat on the report pages (or the
admin), always here. A highlight is the year's own: its heading as that report names it and its
paragraphs, about one product, working group or structural change, or none. Each write is the
highlight's next version, with its reason in the history; a write made over a version the writer
has not seen is refused and changes nothing. Nothing is deleted: a highlight left out of the
report is kept, with its history, and may be put back.

The drafts (reports.content) print the year's shown highlights in their order.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import (
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    length_checked,
    text_checked,
)
from apps.deliverables.models import Deliverable
from apps.groups.models import StructuralChange, WorkingGroup

from .models import ReportHighlight
from .narratives import narrative_year_checked

HEADING_MAX_LENGTH = ReportHighlight._meta.get_field("heading").max_length
LAST_POSITION = 32767  # a PositiveSmallIntegerField
WRITERS_ONLY = (
    "Only the secretariat may write the annual report's highlights: ask them to make the "
    "change, or send them your text."
)
# What a highlight may tell of, and the field each is kept in.
ABOUT_FIELDS = {Deliverable: "deliverable", WorkingGroup: "group", StructuralChange: "change"}
# Two first highlights of a year at once take the same next position: the one saved second is
# placed again after it (a few times at most, however many write at once in practice).
APPEND_ATTEMPTS = 5


def highlights_path(year: int) -> str:
    """Where the secretariat writes the year's highlights (the web page's section)."""
    return f"/reports/summary/{year}/#highlights"


def highlight_about(highlight: ReportHighlight):
    """What the highlight tells of (a Deliverable, WorkingGroup or StructuralChange), or None."""
    return highlight.deliverable or highlight.group or highlight.change


def report_highlight_write(
    *,
    year: int,
    actor,
    heading: str,
    text: str,
    about=None,
    position: int | None = None,
    highlight_id: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> ReportHighlight:
    """Write a new highlight of `year` (highlight_id None: placed after the last one, unless a
    free `position` is given) or rewrite one (its next version).

    `about`: the Deliverable, WorkingGroup or StructuralChange it tells of, or None (a new one
    about nothing; a rewrite keeps what it is about). `expected_version`: the version the writer
    read; a rewrite over any other is refused with code "stale" and changes nothing (None: a
    caller that does not lock). Who: the secretariat (accounts.permissions.may_draft_report).
    """
    _allowed(actor)
    narrative_year_checked(year, nothing="highlights", writing="its highlights")
    heading = _heading_checked(heading)
    # A browser sends a textarea's lines as CRLF: paragraphs are told apart by "\n\n".
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = length_checked(
        text,
        field="text",
        limit=SUMMARY_MAX_LENGTH,
        required=True,
        ask="Write the highlight's text (paragraphs separated by a blank line).",
    )
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    about_field = _about_checked(about)
    if position is not None:
        _position_checked(position)
    _version_checked(expected_version)
    fields = {"heading": heading, "text": text}
    if highlight_id is not None:
        return _rewrite(
            highlight_id, year, fields, about_field, about, position, actor, reason,
            expected_version,
        )  # fmt: skip
    if about_field is not None:
        fields[about_field] = about
    for attempt in range(APPEND_ATTEMPTS):
        try:
            return _create(year, fields, position, actor, reason)
        except IntegrityError:
            if position is not None:
                raise _position_taken(year, position) from None
            if attempt == APPEND_ATTEMPTS - 1:
                raise ApplicationError(
                    f"Others were adding {year} highlights at the same moment: nothing was "
                    "saved. Send it again.",
                    code="stale",
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def report_highlight_show(
    *,
    highlight_id: int,
    shown: bool,
    actor,
    expected_version: int | None = None,
    reason: str = "",
) -> ReportHighlight:
    """Leave the highlight out of its year's report (shown False: kept, with its history) or
    put it back (shown True). Refused as report_highlight_write refuses a rewrite."""
    _allowed(actor)
    if not isinstance(shown, bool):
        raise ApplicationError(
            "Say whether the highlight is shown in the report: true or false.",
            extra={"fields": {"shown": ["Give true or false."]}},
        )
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    _version_checked(expected_version)
    with transaction.atomic():
        highlight = _locked(highlight_id)
        _fresh(highlight, expected_version)
        if highlight.shown == shown:  # already so (sent twice): nothing to write
            return highlight
        highlight.shown = shown
        default = "Put back in the report" if shown else "Left out of the report"
        _save(highlight, actor, reason or default)
    return highlight


def report_highlight_move(
    *, highlight_id: int, direction: str, actor, expected_version: int | None = None
) -> ReportHighlight:
    """Move the highlight one place up or down in its year's order: it and its neighbour swap
    positions (both are written: each is its next version)."""
    _allowed(actor)
    if direction not in ("up", "down"):
        raise ApplicationError(
            f"Move a highlight up or down; {str(direction)[:20]!r} is neither.",
            extra={"fields": {"direction": ["Give up or down."]}},
        )
    _version_checked(expected_version)
    year = _unlocked(highlight_id).year  # a highlight never changes year
    with transaction.atomic():
        # The whole year's order, locked row by row in one order: two movers never each hold a
        # row the other waits for.
        year_rows = list(
            ReportHighlight.objects.select_for_update().filter(year=year).order_by("pk")
        )
        year_rows.sort(key=lambda h: (h.position, h.pk))
        highlight = next(h for h in year_rows if h.pk == highlight_id)
        _fresh(highlight, expected_version)
        at = year_rows.index(highlight)
        other_at = at - 1 if direction == "up" else at + 1
        if not 0 <= other_at < len(year_rows):
            where = "first" if direction == "up" else "last"
            raise ApplicationError(
                f"“{highlight.heading}” is already the {where} of the {highlight.year} "
                f"highlights: it cannot move {direction}.",
                extra={"fields": {"direction": [f"It is already {where}."]}},
            )
        neighbour = year_rows[other_at]
        mine, theirs = highlight.position, neighbour.position
        # (year, position) is unique: the neighbour steps aside to a free place first.
        aside = max(h.position for h in year_rows) + 1
        ReportHighlight.objects.filter(pk=neighbour.pk).update(position=aside)
        highlight.position = theirs
        _save(highlight, actor, f"Moved {direction}")
        neighbour.position = mine
        _save(neighbour, actor, "Moved down" if direction == "up" else "Moved up")
    return highlight


# --- checks -----------------------------------------------------------------------------------


def _allowed(actor) -> None:
    if not permissions.may_draft_report(actor):
        raise ApplicationError(WRITERS_ONLY, code="forbidden")


def _heading_checked(heading: str | None) -> str:
    heading = text_checked(
        heading,
        field="heading",
        limit=HEADING_MAX_LENGTH,
        required=True,
        ask="Give the highlight's heading, as the report names it (e.g. “The 2024 Global "
        "Exploration Roadmap”).",
    )
    if "\n" in heading or "\r" in heading:
        message = "The heading is a single line: remove its line breaks."
        raise ApplicationError(message, extra={"fields": {"heading": [message]}})
    return heading


def _about_checked(about) -> str | None:
    """The field `about` is kept in, or None for nothing."""
    if about is None:
        return None
    field = ABOUT_FIELDS.get(type(about))
    if field is None or about.pk is None:
        message = (
            "A highlight tells of a product, a working group or a structural change of the "
            "record, or of none of them: choose one from the list."
        )
        raise ApplicationError(message, extra={"fields": {"about": [message]}})
    return field


def _position_checked(position) -> None:
    if isinstance(position, bool) or not isinstance(position, int):
        message = "Give the position as a whole number (1 for the first highlight)."
    elif not 1 <= position <= LAST_POSITION:
        message = f"Give a position from 1 to {LAST_POSITION}; {position} is not."
    else:
        return
    raise ApplicationError(message, extra={"fields": {"position": [message]}})


def _version_checked(expected_version) -> None:
    if expected_version is not None and (
        isinstance(expected_version, bool) or not isinstance(expected_version, int)
    ):
        raise ApplicationError(
            "Give the version of the highlight you read as a number.",
            extra={"fields": {"expected_version": ["Give a whole number."]}},
        )


def _position_taken(year: int, position: int) -> ApplicationError:
    message = (
        f"Position {position} of the {year} highlights is taken: leave the position empty to "
        "place it last, then move it up or down."
    )
    return ApplicationError(message, extra={"fields": {"position": [message]}})


# --- writes -----------------------------------------------------------------------------------


def _create(year, fields, position, actor, reason) -> ReportHighlight:
    with transaction.atomic():
        if position is None:
            last = ReportHighlight.objects.filter(year=year).aggregate(last=Max("position"))
            position = (last["last"] or 0) + 1
            if position > LAST_POSITION:
                raise _position_taken(year, LAST_POSITION)
        highlight = ReportHighlight(year=year, position=position, version=1, **fields)
        highlight.written_by = actor
        highlight._history_user = actor
        highlight._change_reason = reason or "Written"
        highlight.save()
    return highlight


def _rewrite(
    highlight_id, year, fields, about_field, about, position, actor, reason, expected_version
) -> ReportHighlight:
    with transaction.atomic():
        highlight = _locked(highlight_id)
        if highlight.year != year:
            raise ApplicationError(
                f"That highlight is one of the {highlight.year} report's, not the {year} "
                f"report's: rewrite it on the {highlight.year} page. Nothing was saved.",
            )
        _fresh(highlight, expected_version)
        for name, value in fields.items():
            setattr(highlight, name, value)
        if about_field is not None:
            for name in ABOUT_FIELDS.values():
                setattr(highlight, name, about if name == about_field else None)
        if position is not None and position != highlight.position:
            if ReportHighlight.objects.filter(year=year, position=position).exists():
                raise _position_taken(year, position)
            highlight.position = position
        _save(highlight, actor, reason or "Rewritten")
    return highlight


def _locked(highlight_id) -> ReportHighlight:
    return _unlocked(highlight_id, lock=True)


def _unlocked(highlight_id, *, lock: bool = False) -> ReportHighlight:
    rows = ReportHighlight.objects.select_for_update() if lock else ReportHighlight.objects
    highlight = (
        rows.filter(pk=highlight_id).first()
        if isinstance(highlight_id, int) and not isinstance(highlight_id, bool)
        else None
    )
    if highlight is None:
        raise ApplicationError(
            f"There is no report highlight {str(highlight_id)[:20]}: reload the page.",
            code="not_found",
        )
    return highlight


def _fresh(highlight: ReportHighlight, expected_version: int | None) -> None:
    if expected_version is None or highlight.version == expected_version:
        return
    who = highlight.written_by or "someone"
    last = highlight.history.order_by("-history_date", "-history_id").first()
    when = timezone.localtime(last.history_date).strftime("%-d %b %Y, %H:%M") if last else "?"
    raise ApplicationError(
        f"Someone else changed the {highlight.year} highlight “{highlight.heading}” since you "
        f"opened it (it was at version {expected_version} then; it is now at version "
        f"{highlight.version}, written by {who} on {when}). Nothing was saved: read it, then "
        "make your change to it and save again.",
        code="stale",
        extra={"version": highlight.version},
    )


def _save(highlight: ReportHighlight, actor, reason: str) -> None:
    highlight.version += 1
    highlight.written_by = actor
    highlight._history_user = actor
    highlight._change_reason = reason
    highlight.save()
