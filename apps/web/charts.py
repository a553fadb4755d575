"""Geometry for the server-rendered SVG pictures; the templates draw them."""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from apps.deliverables.models import DeliverableState
from apps.deliverables.selectors import STATE_ORDER

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


def list_url(**filters) -> str:
    """The deliverables list narrowed to `filters`: what a bar, a segment or a legend entry
    counts, so following it shows exactly that many."""
    query = urlencode({name: value for name, value in filters.items() if value})
    return reverse("web:deliverables") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Segment:
    state: str
    label: str
    count: int
    x: float
    width: float
    colour: str
    href: str


@dataclass(frozen=True)
class Bar:
    group: str
    total: int
    y: int
    segments: tuple[Segment, ...]
    href: str


def status_by_group(counts: dict[str, dict[str, int]]) -> dict:
    biggest = max((sum(states.values()) for states in counts.values()), default=1) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 40) / biggest
    labels = dict(DeliverableState.choices)
    bars = []
    for index, (group, states) in enumerate(sorted(counts.items())):
        x, segments = float(LABEL_WIDTH), []
        for state in STATE_ORDER:
            if states.get(state):
                width = states[state] * scale
                href = list_url(group=group, state=state)
                segments.append(
                    Segment(
                        state, labels[state], states[state], x, width, STATE_COLOURS[state], href
                    )
                )
                x += width
        y = index * (BAR_HEIGHT + GAP)
        bars.append(Bar(group, sum(states.values()), y, tuple(segments), list_url(group=group)))
    return {
        # The picture is a function of the counts alone: the rendered SVG is cached under this.
        "fingerprint": hashlib.sha256(repr(sorted(counts.items())).encode()).hexdigest(),
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        # Each state with its colour and the list of every deliverable in it.
        "legend": [(labels[s], STATE_COLOURS[s], list_url(state=s)) for s in STATE_ORDER],
    }


@dataclass(frozen=True)
class TimelineRow:
    deliverable: object
    y: int  # the label's baseline; the markers sit on the track below it
    target_x: float | None
    published_x: float | None
    late: bool

    @property
    def track_y(self) -> int:
        return self.y + TIMELINE_LABEL_GAP


# Each row is a label on its own line across the whole width, then its track: a title is never
# cut to fit beside the months.
TIMELINE_LEFT, TIMELINE_RIGHT, TIMELINE_TOP = 10, CHART_WIDTH - 10, 34
TIMELINE_ROW, TIMELINE_LABEL_GAP = 34, 12
TIMELINE_LABEL_CHARS = 80  # what fits in the width at the chart's type size


def year_timeline(year: int, deliverables, today: datetime.date | None = None) -> dict:
    """Each deliverable of the year as a row: its target date and, if published, when. The
    deliverables come from deliverables.selectors.deliverables_of_year (their target's end and
    lateness annotated). `today`, when it falls in the year, is drawn as a line."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    span = (end - start).days or 1
    width = TIMELINE_RIGHT - TIMELINE_LEFT

    def x_of(day: datetime.date | None) -> float | None:
        if day is None or not (start <= day <= end):
            return None
        return TIMELINE_LEFT + (day - start).days / span * width

    rows = []
    for index, deliverable in enumerate(deliverables):
        # A target is drawn where it comes due, the end of its period (a "2026" target on
        # 31 December); `late` is the selectors' (deliverables.selectors.with_lateness).
        target, published = deliverable.target_end, deliverable.published_on
        late = bool(deliverable.late)
        y = TIMELINE_TOP + index * TIMELINE_ROW
        rows.append(TimelineRow(deliverable, y, x_of(target), x_of(published), late))
    months = [(x_of(datetime.date(year, m, 1)), datetime.date(year, m, 1)) for m in range(1, 13)]
    return {
        "rows": rows,
        "months": months,
        "today_x": x_of(today),
        "left": TIMELINE_LEFT,
        "right": TIMELINE_RIGHT,
        "label_chars": TIMELINE_LABEL_CHARS,
        "width": CHART_WIDTH,
        "height": TIMELINE_TOP + max(len(rows), 1) * TIMELINE_ROW,
        "list_href": list_url(year=year),
    }
