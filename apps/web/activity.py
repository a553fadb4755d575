"""The home page's "Recent activity": what people did to the products and rounds this person
follows (moves and edits, positions, revisions), newest first, with the rows that loaded the
ISECG record folded into one line.

A co-chair or delegate follows their groups' products and the rounds their agencies are in;
the secretariat, the SAMs and readers follow everything. Five queries, whatever the record.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from apps.deliverables import selectors as deliverable_selectors
from apps.deliverables.models import Deliverable
from apps.deliverables.workflow import MOVES_BY_NAME
from apps.documents.models import Revision
from apps.plenary import selectors as plenary_selectors
from apps.plenary.models import ConsensusRound

from .queues import Who

RECENT_LIMIT = 12


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    title: str
    url: str
    what: str
    who: str  # "" for the tracker itself
    kind: str  # change, position, revision, record


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _follows_everything(who: Who) -> bool:
    return who.secretariat or who.sam or not (who.cochair or who.delegate)


def _scope(who: Who):
    """(deliverable ids, round ids) this person follows, as subqueries; (None, None): all."""
    if _follows_everything(who):
        return None, None
    rounds = ConsensusRound.objects.filter(
        Q(eligible_agencies__in=who.agency_ids) | Q(deliverable__lead_group_id__in=who.group_ids)
    ).values("pk")
    deliverables = Deliverable.objects.filter(
        Q(lead_group_id__in=who.group_ids) | Q(consensus_rounds__in=rounds)
    ).values("pk")
    return deliverables, rounds


def _change_event(row) -> Event:
    # A move's reason starts with the move's label (deliverables.services): shown as it is.
    what = row.history_change_reason
    if not what and row.history_move:
        move = MOVES_BY_NAME.get(row.history_move)
        what = move.label if move else "Moved"
    what = what or {"+": "Added", "-": "Removed"}.get(row.history_type, "Changed")
    return Event(
        at=row.history_date,
        title=row.title,
        url=reverse("web:deliverable", args=[row.id]),
        what=what,
        who=_name(row.history_user),
        kind="change",
    )


def _position_event(group: dict) -> Event:
    kinds = ", ".join(f"{n} {label}" for label, n in group["kinds"])
    if group["n"] == 1:
        what = f"{group['acronym']}: {group['kinds'][0][0]}"
    elif group["agencies"] == 1:
        what = f"{group['acronym']}: {group['n']} positions ({kinds}), the last counts"
    else:
        what = f"{group['agencies']} agencies' positions ({kinds})"
    if group["on_behalf"]:
        what += " (recorded by the secretariat)"
    name = " ".join(filter(None, [group["recorder_first"], group["recorder_last"]]))
    round = group["round"]
    return Event(
        at=group["latest"],
        title=f"Consensus round on {round.subject}",
        url=round.get_absolute_url(),
        what=what,
        who=name or group["recorder_username"] or "",
        kind="position",
    )


def _revision_event(revision) -> Event:
    return Event(
        at=revision.uploaded_at,
        title=str(revision.deliverable),
        url=revision.deliverable.get_absolute_url() + "#text",
        what=f"Revision {revision.number:02d} uploaded: {revision.note}",
        who=_name(revision.uploaded_by),
        kind="revision",
    )


def recent_activity(who: Who, *, limit: int = RECENT_LIMIT) -> list[Event]:
    deliverable_ids, round_ids = _scope(who)
    changes = deliverable_selectors.recent_changes(limit=limit, deliverable_ids=deliverable_ids)
    positions = plenary_selectors.recent_position_groups(limit=limit, round_ids=round_ids)
    revisions = Revision.objects.select_related("deliverable", "uploaded_by")
    if deliverable_ids is not None:
        revisions = revisions.filter(deliverable_id__in=deliverable_ids)
    revisions = revisions.order_by("-uploaded_at", "-pk")[:limit]
    events = (
        [_change_event(row) for row in changes]
        + [_position_event(p) for p in positions]
        + [_revision_event(r) for r in revisions]
    )
    loaded = deliverable_selectors.record_loads_summary(deliverable_ids=deliverable_ids)
    if loaded["count"]:
        n = loaded["count"]
        events.append(
            Event(
                at=loaded["latest"],
                title="The ISECG record",
                url=reverse("web:deliverables"),
                what=f"{n} product{'s' if n != 1 else ''} loaded from the published record",
                who="",
                kind="record",
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:limit]
