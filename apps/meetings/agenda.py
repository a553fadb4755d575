"""Writing a meeting's agenda: built from the tracker, then ordered and completed by the
secretariat. A rebuild adds only what is new (each built item names its source), keeps the
secretariat's order and items, and never takes an item off: only the secretariat removes one,
with a reason, and it stays in the history."""

from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, text_checked
from apps.plenary.models import PlenaryMeeting

from .models import AgendaItem
from .selectors import agenda_proposed

TITLE_MAX_LENGTH = 300


def require_secretariat(actor, doing: str) -> None:
    if not permissions.may_manage_record(actor):
        raise ApplicationError(f"Only the secretariat may {doing}.", code="forbidden")


def _locked_meeting(meeting: PlenaryMeeting) -> PlenaryMeeting:
    # One writer at a time per agenda: positions and source keys stay unique without gaps.
    return PlenaryMeeting.objects.select_for_update().get(pk=meeting.pk)


def _next_position(meeting: PlenaryMeeting) -> int:
    return (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def agenda_build(*, meeting: PlenaryMeeting, actor) -> list[AgendaItem]:
    """Add the items the tracker proposes that the agenda lacks, after the existing ones.
    Returns the items added. Who: the secretariat."""
    require_secretariat(actor, "build an agenda")
    meeting = _locked_meeting(meeting)
    known = set(meeting.agenda_items.exclude(source_key="").values_list("source_key", flat=True))
    first = _next_position(meeting)
    new = [proposed for proposed in agenda_proposed(meeting) if proposed.source_key not in known]
    items = [
        AgendaItem(
            meeting=meeting,
            kind=proposed.kind,
            position=first + offset,
            title=proposed.title[:TITLE_MAX_LENGTH],
            source_key=proposed.source_key,
            round=proposed.round,
            deliverable=proposed.deliverable,
            structural_change=proposed.structural_change,
            previous_meeting=proposed.previous_meeting,
            added_by=actor,
        )
        for offset, proposed in enumerate(new)
    ]
    # In two statements whatever the number of items (and their history rows, alike).
    return bulk_create_with_history(
        items, AgendaItem, default_user=actor, default_change_reason="Built from the tracker"
    )


@transaction.atomic
def agenda_item_add(*, meeting: PlenaryMeeting, actor, title: str, note: str = "") -> AgendaItem:
    """A free item of the secretariat's, at the end of the agenda."""
    require_secretariat(actor, "add to an agenda")
    meeting = _locked_meeting(meeting)
    item = AgendaItem(
        meeting=meeting,
        kind=AgendaItem.Kind.OTHER,
        position=_next_position(meeting),
        title=text_checked(
            title,
            field="title",
            limit=TITLE_MAX_LENGTH,
            required=True,
            ask="Give the item a title.",
        ),
        note=text_checked(note, field="note", limit=NOTE_MAX_LENGTH, required=False),
        added_by=actor,
    )
    item._history_user = actor
    item._change_reason = "Added by the secretariat"
    item.save()
    return item


@transaction.atomic
def agenda_order(
    *, meeting: PlenaryMeeting, actor, item_ids: list[int], seen: list[int] | None = None
) -> list[AgendaItem]:
    """Put the agenda's items in this order: every current item exactly once. `seen`, the
    order the person was shown: when the agenda has changed since, nothing moves (a move made
    meanwhile by someone else would otherwise be undone without either of them knowing)."""
    require_secretariat(actor, "order an agenda")
    meeting = _locked_meeting(meeting)
    current = meeting.agenda_items.filter(removed=False).order_by("position", "id")
    items = {item.pk: item for item in current}
    if seen is not None and list(items) != list(seen):
        raise ApplicationError(
            "The agenda changed since you loaded the page (someone moved, added or removed an "
            "item): nothing was moved. Look at it again and make your move.",
            code="stale",
        )
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise ApplicationError(
            "Give every item of the agenda exactly once, in the new order; the agenda has "
            f"items {sorted(items)}, you sent {item_ids}. Reload the page: someone may have "
            "changed it.",
            code="invalid",
            extra={"fields": {"order": ["Every item exactly once."]}},
        )
    ordered = []
    for position, pk in enumerate(item_ids, start=1):
        item = items[pk]
        if item.position != position:
            item.position = position
            item._history_user = actor
            item._change_reason = f"Moved to position {position}"
            item.save(update_fields=["position"])
        ordered.append(item)
    return ordered


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor, reason: str) -> AgendaItem:
    """Take an item off the agenda; it stays in the history, and a rebuild does not add it
    again (its source is still known)."""
    require_secretariat(actor, "change an agenda")
    _locked_meeting(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.removed:
        raise ApplicationError("This item is already off the agenda.", code="illegal_move")
    reason = text_checked(
        reason, field="reason", limit=REASON_MAX_LENGTH, required=True, ask="Say why."
    )
    item.removed = True
    item._history_user = actor
    item._change_reason = f"Taken off the agenda: {reason}"
    item.save(update_fields=["removed"])
    return item
