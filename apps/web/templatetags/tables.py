"""What the list tables print: `{% load tables %}`.

- `{{ d.state|state_category }}`: the state's category (in work, in review, at the plenary …),
  which gives its badge colour; `{% state_legend %}` lists the categories with their states.
- `{{ d|due }}`: how a deliverable's target stands today ("due in 3 days", "overdue by 5
  days"), or None once the product is final (published, withdrawn) or has no target.
- `{{ day|as_iso:precision }}`: the machine-readable date of a `<time datetime>`, as precise as
  it is stored ("2026", "2026-12", "2026-12-07").
"""

import datetime
from dataclasses import dataclass

from django import template
from django.utils import timezone

from apps.core.dates import DatePrecision, period_end
from apps.deliverables.models import DeliverableState as S
from apps.deliverables.selectors import STATE_ORDER
from apps.deliverables.workflow import TERMINAL_STATES

register = template.Library()

# Badge colours go by category: a reader tells "at the plenary" from "in work" at a glance.
# Each badge also prints the state's label, so colour is never the only sign.
STATE_CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "idle": ("not started", (S.PLANNED, S.DEFERRED)),
    "work": ("in work", (S.DRAFTING,)),
    "review": ("in review", (S.WG_REVIEW,)),
    "plenary": ("at the plenary", (S.SUBMITTED, S.IN_CONSENSUS, S.SAM_ENDORSEMENT)),
    "done": ("approved or published", (S.APPROVED, S.PUBLISHED)),
    "withdrawn": ("withdrawn", (S.WITHDRAWN,)),
}
CATEGORY_OF: dict[str, str] = {
    state: key for key, (_, states) in STATE_CATEGORIES.items() for state in states
}


@register.filter
def state_category(state: str) -> str:
    return CATEGORY_OF.get(state, "idle")


@register.inclusion_tag("web/_state_legend.html")
def state_legend() -> dict:
    labels = dict(S.choices)
    rank = {state: index for index, state in enumerate(STATE_ORDER)}
    return {
        "categories": [
            (key, label, [labels[s] for s in sorted(states, key=rank.__getitem__)])
            for key, (label, states) in STATE_CATEGORIES.items()
        ]
    }


def relative_days(days: int) -> str:
    """`days` from today as people say it: "today", "in 3 days", "2 months ago"."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    amount = _amount(abs(days))
    return f"in {amount}" if days > 0 else f"{amount} ago"


def _amount(days: int) -> str:
    """A span of days, in days up to two months, then months, then years."""
    if days < 60:
        number, unit = days, "day"
    elif days < 730:
        number, unit = days // 30, "month"
    else:
        number, unit = days // 365, "year"
    return f"{number} {unit}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class Due:
    text: str
    overdue: bool

    def __str__(self) -> str:
        return self.text


def due_on(end: datetime.date, today: datetime.date) -> Due:
    """How a target whose period ends on `end` stands on `today`: due until that day included,
    overdue from the next (core.dates.period_end)."""
    days = (end - today).days
    if days < 0:
        return Due(f"overdue by {_amount(-days)}", overdue=True)
    return Due("due today" if days == 0 else f"due {relative_days(days)}", overdue=False)


@register.filter
def due(deliverable) -> Due | None:
    if not deliverable.target_date or deliverable.state in TERMINAL_STATES:
        return None
    end = period_end(deliverable.target_date, deliverable.target_precision)
    return due_on(end, timezone.localdate())


@register.filter
def as_iso(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A valid HTML date string no more precise than the record: "2026", "2026-12" or a day."""
    if not value:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
