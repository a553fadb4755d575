"""What a report may say of appointments whose dates the sources disagree on (groups.selectors
.Dispute), and the checklist's words for each conflict. No query: it reads the report's facts.

While a chair's start or end is disputed, each open account is a possible date; a sentence is
printed only if it holds whichever account is right. The 2024 report has ESA hand the chair to
NASA "as the year concluded" (2024), the 2025 report has NASA assume it "at the end of 2025":
either way NASA held the chair at the end of 2025, but who held it through 2025, or when in 2024
ESA stopped, no sentence can say.
"""

import datetime

from apps.core.dates import DatePrecision, describe_date, period_end, period_start
from apps.groups.models import ChairAppointment
from apps.groups.selectors import Dispute

EARLIEST, LATEST = datetime.date.min, datetime.date.max


def _possible_days(day: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day a stored date may be."""
    if precision == DatePrecision.ON_OR_BEFORE:
        return EARLIEST, day
    return period_start(day, precision), period_end(day, precision)


def _span(
    chair: ChairAppointment, edge: str, disputes: list[Dispute]
) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest day the chair's start (or end: its first day out) may be: over
    the disputed edge's accounts, else its own date. No start: before anything reported; no
    end: still chair."""
    for dispute in disputes:
        if dispute.kind == "chair" and dispute.appointment.pk == chair.pk and dispute.edge == edge:
            spans = [_possible_days(a.date, a.precision) for a in dispute.accounts]
            return min(s for s, _ in spans), max(e for _, e in spans)
    if edge == "start":
        if chair.starts_on is None:
            return EARLIEST, EARLIEST
        return _possible_days(chair.starts_on, chair.starts_precision)
    if chair.ends_on is None:
        return LATEST, LATEST
    return _possible_days(chair.ends_on, chair.ends_precision)


def chair_disputes(disputes: list[Dispute]) -> list[Dispute]:
    return [d for d in disputes if d.kind == "chair"]


def certain_chair_sentence(
    chairs: list[ChairAppointment], disputes: list[Dispute], year: int
) -> str:
    """What every account supports about who chaired ISECG in `year`: throughout it, or at its
    end; "" when the accounts leave both open."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    spans = [
        (chair, _span(chair, "start", disputes), _span(chair, "end", disputes)) for chair in chairs
    ]
    for chair, (_, latest_start), (earliest_end, _) in spans:
        if latest_start <= start and earliest_end > end:
            return f"The {_agency(chair)} chaired ISECG throughout {year}."
    for chair, (_, latest_start), (earliest_end, _) in spans:
        if latest_start <= end < earliest_end:
            return f"At the end of {year}, the {_agency(chair)} held the ISECG chair."
    return ""


def _agency(chair: ChairAppointment) -> str:
    return f"{chair.agency.name} ({chair.agency.acronym})"


def dispute_checklist_text(dispute: Dispute) -> str:
    """The checklist's item for one conflict: what each source says, and what to do."""
    said = "; ".join(
        f"the {a.source} says {describe_date(a.date, a.precision)} (“{a.words}”)"
        for a in dispute.accounts
    )
    return f"The sources disagree on {dispute.what[:1].lower()}{dispute.what[1:]}: {said}."
