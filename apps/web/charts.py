"""Geometry for the server-rendered SVG pictures; the templates draw them."""

import datetime
import hashlib
from dataclasses import dataclass

from apps.deliverables.models import DeliverableState

# One colour per state, readable on white and distinguishable without relying on red/green alone
# (each bar segment also carries its count and a <title>).
STATE_COLOURS = {
    "planned": "#9aa5b1",
    "drafting": "#3e7cb1",
    "wg_review": "#6a4c93",
    "submitted": "#f29e4c",
    "in_consensus": "#e07a5f",
    "approved": "#2a9d8f",
    "sam_endorsement": "#b5838d",
    "published": "#264653",
    "withdrawn": "#cfcfcf",
    "deferred": "#e9c46a",
}
BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 22, 10, 70, 560


@dataclass(frozen=True)
class Segment:
    state: str
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    group: str
    total: int
    y: int
    segments: tuple[Segment, ...]


def status_by_group(counts: dict[str, dict[str, int]]) -> dict:
    biggest = max((sum(states.values()) for states in counts.values()), default=1) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 40) / biggest
    labels = dict(DeliverableState.choices)
    bars = []
    for index, (group, states) in enumerate(sorted(counts.items())):
        x, segments = float(LABEL_WIDTH), []
        for state in DeliverableState.values:
            if states.get(state):
                width = states[state] * scale
                segments.append(
                    Segment(state, labels[state], states[state], x, width, STATE_COLOURS[state])
                )
                x += width
        bars.append(Bar(group, sum(states.values()), index * (BAR_HEIGHT + GAP), tuple(segments)))
    return {
        # The picture is a function of the counts alone: the rendered SVG is cached under this.
        "fingerprint": hashlib.sha256(repr(sorted(counts.items())).encode()).hexdigest(),
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "legend": [(labels[s], c) for s, c in STATE_COLOURS.items()],
    }


@dataclass(frozen=True)
class TimelineRow:
    deliverable: object
    y: int
    target_x: float | None
    published_x: float | None
    late: bool


def year_timeline(year: int, deliverables) -> dict:
    """Each deliverable of the year as a row: its target date and, if published, when. The
    deliverables come from deliverables.selectors.deliverables_of_year (their target's end and
    lateness annotated)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    span = (end - start).days or 1
    width = CHART_WIDTH - 220

    def x_of(day: datetime.date | None) -> float | None:
        if day is None or not (start <= day <= end):
            return None
        return 220 + (day - start).days / span * width

    rows = []
    for index, deliverable in enumerate(deliverables):
        # A target is drawn where it comes due, the end of its period (a "2026" target on
        # 31 December); `late` is the selectors' (deliverables.selectors.with_lateness).
        target, published = deliverable.target_end, deliverable.published_on
        late = bool(deliverable.late)
        rows.append(TimelineRow(deliverable, 30 + index * 24, x_of(target), x_of(published), late))
    months = [
        (220 + (datetime.date(year, m, 1) - start).days / span * width, datetime.date(year, m, 1))
        for m in range(1, 13)
    ]
    return {"rows": rows, "months": months, "width": CHART_WIDTH, "height": 40 + len(rows) * 24}
