"""What a move changes besides the state: each effect named in a row of workflow.MOVES.

An effect takes the locked deliverable, the acting user, the reason and the move's inputs, and
returns the fields to set with the move (or does its own locked writes elsewhere and returns
nothing). Apps above this one provide effects on their own records by registering them here at
start-up (plenary: "cancel_open_round"), so this app never imports them; checks.py refuses to
start when a move names an effect nobody registered.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from apps.core.dates import date_for_people
from apps.core.errors import ApplicationError
from apps.core.limits import LAST_DATE

Effect = Callable[..., dict]
EFFECTS: dict[str, Effect] = {}


def effect(name: str) -> Callable[[Effect], Effect]:
    def register(function: Effect) -> Effect:
        EFFECTS[name] = function
        return function

    return register


@effect("target_a_year_later")
def target_a_year_later(*, deliverable, **_) -> dict:
    """Deferred means deferred to next year: the target date follows, within the dates the
    tracker holds (a target in its last year cannot move a year later)."""
    target = deliverable.target_date
    if not target:
        return {}
    if target.year >= LAST_DATE.year:
        message = (
            f"Deferring moves the target date a year later, and {deliverable.target_display} a "
            f"year later is past {date_for_people(LAST_DATE)}, the last date the tracker holds. "
            "Set an earlier target date, then defer."
        )
        raise ApplicationError(
            message, code="invalid", extra={"fields": {"target_date": [message]}}
        )
    return {"target_date": a_year_later(target)}


def a_year_later(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@effect("record_publication")
def record_publication(*, inputs: dict, **_) -> dict:
    """The publication date (given to the day) and the product's address."""
    link = (inputs.get("link") or "").strip()
    if link:
        try:
            URLValidator()(link)
        except ValidationError:
            raise ApplicationError(
                f"'{link}' is not a web address; give the full link, e.g. "
                "https://www.globalspaceexploration.org/...",
                code="invalid",
                extra={"fields": {"link": ["Give the full web address, starting https://."]}},
            ) from None
    return {
        "published_on": inputs["published_on"],
        "published_precision": "day",
        "link": link,
    }
