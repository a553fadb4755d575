"""Who is told of what: one row per event, declared once (after the IETF Datatracker's
MailTrigger, where each trigger names its recipients, and each recipient is one named way of
gathering people).

events.py turns each history row of a deliverable, a round, a revision or an objection into at
most one of these events; services.event_tell looks the event up here and writes one
notification per person told (and their mail) in the transaction of the change. checks.py
refuses to start when the classifier can emit an event this table lacks, or the table holds an
event nothing emits.

Rules every row shares:
- the person who caused the event is never told of it;
- a watch at level "significant" hears only of the rows marked significant; "all" hears all;
- a person told through several watches is told once, under their most specific watch
  (deliverable, then group, then everything), which also says whether it waits for the digest.
"""

from dataclasses import dataclass
from enum import StrEnum


class To(StrEnum):
    """Who an event can reach: each is one query term (services._recipients_q)."""

    DELIVERABLE = "watchers of the deliverable"
    GROUP = "watchers of its lead group"
    EVERYTHING = "watchers of everything"


D, G, E = To.DELIVERABLE, To.GROUP, To.EVERYTHING
ALL = (D, G, E)
SIGNIFICANT, MINOR = True, False


@dataclass(frozen=True)
class Route:
    event: str
    significant: bool
    to: tuple[To, ...]
    means: str  # shown on the notifications page's "what you hear about"


ROUTES: tuple[Route, ...] = (
    #     event                      significant  told  what it means
    Route("deliverable.added",        MINOR,       (G, E), "a deliverable is added to the record"),
    Route("deliverable.edited",       MINOR,       ALL,  "its progress, dates or record change"),
    Route("deliverable.moved",        SIGNIFICANT, ALL,  "it moves in the workflow"),
    Route("deliverable.published",    SIGNIFICANT, ALL,  "it is marked published"),
    Route("round.opened",             SIGNIFICANT, ALL,  "a consensus round opens on it"),
    Route("round.extended",           MINOR,       ALL,  "its round's deadline is extended"),
    Route("round.closed",             SIGNIFICANT, ALL,  "its round closes, with the outcome"),
    Route("round.cancelled",          SIGNIFICANT, ALL,  "its round is cancelled"),
    Route("revision.uploaded",        SIGNIFICANT, ALL,  "a new revision of its text"),
    Route("revision.status_changed",  MINOR,       ALL,  "a revision is superseded or withdrawn"),
    Route("objection.raised",         MINOR,       ALL,  "an agency objects in its round"),
    Route("objection.answered",       MINOR,       ALL,  "an objection is resolved or withdrawn"),
)  # fmt: skip

EVENTS: dict[str, Route] = {route.event: route for route in ROUTES}
