"""What a history row means to a watcher: each row of a watched model becomes at most one event
of routes.EVENTS. Events come from the history because every write of these records, through
any door, leaves exactly one row there with who did it and why (the services see to that).

Each classifier declares the events it can emit (checks.py holds them against the table), reads
the row's move name for a workflow move (never the reason's text), and compares a changed row
with the one before it for rounds, revisions and objections.

A round on a structural change (and its objections) has no deliverable: its events name the
proposal and reach the watchers of the groups it affects, and of everything.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from apps.deliverables.models import Deliverable
from apps.deliverables.workflow import MOVES, MOVES_BY_NAME, Actor
from apps.documents.models import Revision
from apps.groups.models import StructuralChange
from apps.plenary.models import ConsensusRound, Objection

from .text import one_line

TITLE_MAX_LENGTH = 400
NAME_MAX_LENGTH = 200  # a deliverable's name in a title: what happened to it must still fit

# Moves a round makes (opening, cancelling) or decides (its outcome): the round's own event
# tells of them, with the outcome, so watchers do not hear of one decision twice.
TOLD_BY_THE_ROUND = frozenset(
    move.name for move in MOVES if move.via_round or Actor.SYSTEM in move.actors
)
# Written by every save of a deliverable: a row differing only in these is no news.
# The secretariat's notes are theirs alone (permissions.may_read_notes): no watcher hears of them.
NOT_NEWS = ("updated_at", "version", "notes")


@dataclass(frozen=True)
class Event:
    name: str  # a key of routes.EVENTS
    deliverable: Deliverable | None  # None: about a structural change (group_ids say whose)
    title: str
    url: str  # a path on this site
    actor: object  # the user who caused it; None for the system (a deadline passed)
    reason: str
    source: str  # the history row, "<history model label>:<history id>"
    group_ids: tuple[int, ...] = ()  # the groups whose watchers hear of it, with no deliverable


Classifier = Callable[[models.Model, models.Model], Event | None]
# The live model -> (its classifier, the events it can emit).
CLASSIFIERS: dict[type[models.Model], tuple[Classifier, frozenset[str]]] = {}


def classifier(model: type[models.Model], *, emits: tuple[str, ...]):
    def register(function: Classifier) -> Classifier:
        CLASSIFIERS[model] = (function, frozenset(emits))
        return function

    return register


def _event(name: str, row, subject, title: str, url: str) -> Event:
    """`subject`: the deliverable, or the structural change a round decides."""
    deliverable, group_ids = subject, ()
    if isinstance(subject, StructuralChange):
        deliverable, group_ids = None, _change_group_ids(subject)
    return Event(
        name=name,
        deliverable=deliverable,
        title=one_line(title)[:TITLE_MAX_LENGTH],
        url=url,
        actor=row.history_user,
        reason=row.history_change_reason or "",
        source=f"{row._meta.label_lower}:{row.history_id}",
        group_ids=group_ids,
    )


def _change_group_ids(change: StructuralChange) -> tuple[int, ...]:
    ids = set(change.groups.values_list("pk", flat=True))
    if change.into_group_id:
        ids.add(change.into_group_id)
    return tuple(sorted(ids))


def _named(subject) -> str:
    """A deliverable by its name; a structural change as the proposal it is (never as if it
    had happened)."""
    if isinstance(subject, StructuralChange):
        acronyms = ", ".join(subject.groups.values_list("acronym", flat=True)) or "a new group"
        name = f"the proposed {subject.get_kind_display()} #{subject.pk} ({acronyms})"
    else:
        name = str(subject)
    return name if len(name) <= NAME_MAX_LENGTH else name[: NAME_MAX_LENGTH - 1] + "…"


def _previous(row):
    """The row before this one of the same record (by history id: two rows of one save can
    share a timestamp)."""
    return (
        type(row)
        .objects.filter(id=row.id, history_id__lt=row.history_id)
        .order_by("-history_id")
        .first()
    )


# --- deliverables ------------------------------------------------------------------------------


@classifier(
    Deliverable,
    emits=(
        "deliverable.added",
        "deliverable.edited",
        "deliverable.moved",
        "deliverable.published",
    ),
)
def deliverable_event(row, deliverable: Deliverable) -> Event | None:
    url = deliverable.get_absolute_url()
    if row.history_type == "+":
        title = f"{_named(deliverable)} added ({deliverable.lead_group.acronym})"
        return _event("deliverable.added", row, deliverable, title, url)
    if row.history_type != "~":
        return None
    if row.history_move:
        if row.history_move in TOLD_BY_THE_ROUND:
            return None
        move = MOVES_BY_NAME.get(row.history_move)
        label = move.label if move else row.history_move
        if row.history_move == "publish":
            title = f"{_named(deliverable)} published"
            return _event("deliverable.published", row, deliverable, title, url)
        title = f"{_named(deliverable)}: {label} (now {deliverable.get_state_display()})"
        return _event("deliverable.moved", row, deliverable, title, url)
    changed = _edited_fields(row)
    if not changed:
        return None
    title = f"{_named(deliverable)}: {', '.join(changed)} changed"
    return _event("deliverable.edited", row, deliverable, title, f"{url}#history")


def _edited_fields(row) -> list[str]:
    """The names, for people, of the fields this row changed; none when it repeats the row
    before (a save after links were set) or only sets the links of a record just added."""
    previous = _previous(row)
    if previous is None:
        return []
    delta = row.diff_against(previous, excluded_fields=NOT_NEWS)
    names = [change.field for change in delta.changes]
    m2m = {field.name for field in Deliverable._meta.many_to_many}
    added_with_links = (
        previous.history_type == "+"
        and set(names) <= m2m
        and previous.history_user_id == row.history_user_id
        and previous.history_change_reason == row.history_change_reason
    )
    if added_with_links:
        return []
    return [str(Deliverable._meta.get_field(name).verbose_name) for name in names]


# --- consensus rounds --------------------------------------------------------------------------


@classifier(
    ConsensusRound, emits=("round.opened", "round.extended", "round.closed", "round.cancelled")
)
def round_event(row, round: ConsensusRound) -> Event | None:
    deliverable = round.subject  # or the structural change it decides
    url = round.get_absolute_url()
    name = f"Consensus round #{round.pk} on {_named(deliverable)}"
    if row.history_type == "+":
        if row.state != ConsensusRound.State.OPEN:
            return None  # a past round entered into the record: nothing happens now
        title = f"{name} opened, deadline {row.deadline:%d %b %Y}"
        return _event("round.opened", row, deliverable, title, url)
    previous = _previous(row) if row.history_type == "~" else None
    if previous is None:
        return None
    if previous.state == ConsensusRound.State.OPEN and row.state == ConsensusRound.State.CLOSED:
        outcome = ConsensusRound.Outcome(row.outcome).label if row.outcome else "closed"
        return _event("round.closed", row, deliverable, f"{name} closed: {outcome}", url)
    if previous.state == ConsensusRound.State.OPEN and row.state == ConsensusRound.State.CANCELLED:
        return _event("round.cancelled", row, deliverable, f"{name} cancelled", url)
    if row.state == ConsensusRound.State.OPEN and row.deadline != previous.deadline:
        title = f"{name}: deadline extended to {row.deadline:%d %b %Y}"
        return _event("round.extended", row, deliverable, title, url)
    return None


# --- revisions -----------------------------------------------------------------------------------


@classifier(Revision, emits=("revision.uploaded", "revision.status_changed"))
def revision_event(row, revision: Revision) -> Event | None:
    deliverable = revision.deliverable
    url = f"{deliverable.get_absolute_url()}#text"
    name = f"Revision {row.number:02d} of {_named(deliverable)}"
    if row.history_type == "+":
        kind = Revision.Kind(row.kind).label if row.kind in Revision.Kind.values else row.kind
        return _event("revision.uploaded", row, deliverable, f"{name} uploaded: {kind}", url)
    previous = _previous(row) if row.history_type == "~" else None
    if previous is None or previous.status == row.status:
        return None
    title = f"{name} marked {Revision.Status(row.status).label}"
    return _event("revision.status_changed", row, deliverable, title, url)


# --- objections ----------------------------------------------------------------------------------


@classifier(Objection, emits=("objection.raised", "objection.answered"))
def objection_event(row, objection: Objection) -> Event | None:
    deliverable = objection.round.subject  # or the structural change the round decides
    url = f"{objection.round.get_absolute_url()}#objections"
    agency = objection.agency.acronym
    where = f"round #{objection.round_id} on {_named(deliverable)}"
    if row.history_type == "+":
        return _event("objection.raised", row, deliverable, f"{agency} objects in {where}", url)
    previous = _previous(row) if row.history_type == "~" else None
    if previous is None or previous.status == row.status:
        return None  # the agency restated its objection: the same item, still open
    if row.status == Objection.Status.OPEN:
        return _event("objection.raised", row, deliverable, f"{agency} objects in {where}", url)
    status = Objection.Status(row.status).label
    title = f"{agency}'s objection in {where}: {status}"
    return _event("objection.answered", row, deliverable, title, url)


def emitted_events() -> frozenset[str]:
    """Every event some classifier can emit."""
    return frozenset().union(*(emits for _, emits in CLASSIFIERS.values()))
