"""Objections followed to their resolution. Every agency that objects in a round has one item:
open until the lead group's co-chairs or the secretariat answer it (resolved in a revision, or
not accepted, with the reason), or the agency withdraws it (by changing its position, or by
saying so). A new round after an objected one opens only when none of its items is open.

Called inside the round services' transactions (the deliverable and the round locked).

In a round on a structural change there is no revision to resolve an objection in: it is not
accepted (by those who may propose the change, or the secretariat), or withdrawn by its agency;
amending the proposal is how its text answers an objection before the next round.
"""

from django.db.models import Q
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import REASON_MAX_LENGTH, text_checked
from apps.core.transactions import atomic_retrying
from apps.deliverables.services import lock_deliverable
from apps.documents.models import Revision
from apps.groups.changes import change_for_update, may_propose

from .models import ConsensusRound, Objection, Position


def objection_follow(position: Position) -> None:
    """A position was recorded: an objection opens (or updates) its agency's item; any other
    position withdraws the agency's open item."""
    item = Objection.objects.filter(round=position.round, agency=position.agency).first()
    if position.position == Position.Kind.OBJECT:
        if item is None:
            item = Objection(round=position.round, agency=position.agency)
        item.position = position
        item.rationale = position.rationale
        item.status = Objection.Status.OPEN
        item.resolved_in, item.response, item.decided_by, item.decided_at = None, "", None, None
        _save(item, actor=position.recorded_by, reason=f"{position.agency.acronym} objects")
    elif item is not None and item.status == Objection.Status.OPEN:
        item.status = Objection.Status.WITHDRAWN
        item.response = f"{position.agency.acronym} now says: {position.get_position_display()}."
        item.decided_by, item.decided_at = position.recorded_by, position.recorded_at
        _save(item, actor=position.recorded_by, reason=item.response)


def _save(item: Objection, *, actor, reason: str) -> None:
    item._history_user = actor
    item._change_reason = reason
    item.save()


def previous_objected_round(round: ConsensusRound) -> ConsensusRound | None:
    """The round of the same deliverable decided before `round`, if it was objected: its items
    had to be answered before `round` opened (the resolution log both interfaces show)."""
    before = (
        ConsensusRound.objects.filter(_same_subject(round), state=ConsensusRound.State.CLOSED)
        .filter(Q(opened_at__lt=round.opened_at) | Q(opened_at=round.opened_at, pk__lt=round.pk))
        .order_by("-closed_at", "-pk")
        .only("pk", "outcome")
        .first()
    )
    if before is None or before.outcome != ConsensusRound.Outcome.OBJECTED:
        return None
    return before


def _same_subject(round: ConsensusRound) -> Q:
    """The rounds on what `round` decides: its deliverable, or its structural change."""
    if round.structural_change_id:
        return Q(structural_change=round.structural_change_id)
    return Q(deliverable=round.deliverable_id)


def open_objections_blocking(deliverable) -> list[Objection]:
    """The open items of the deliverable's last decided round, if it was objected."""
    last = (
        ConsensusRound.objects.filter(deliverable=deliverable, state=ConsensusRound.State.CLOSED)
        .order_by("-closed_at", "-id")
        .first()
    )
    if last is None or last.outcome != ConsensusRound.Outcome.OBJECTED:
        return []
    return list(
        last.objections.filter(status=Objection.Status.OPEN).select_related("agency", "round")
    )


def require_objections_answered(deliverable) -> None:
    blocking = open_objections_blocking(deliverable)
    if blocking:
        names = ", ".join(item.agency.acronym for item in blocking)
        raise ApplicationError(
            f"The previous round was objected and {len(blocking)} objection(s) are still open "
            f"({names}): mark each resolved in a revision, not accepted (with the reason), or "
            "withdrawn by its agency before a new round opens.",
            code="illegal_move",
            extra={"open_objections": [item.pk for item in blocking]},
        )


@atomic_retrying
def objection_answer(
    *, objection: Objection, actor, status: str, response: str, revision: Revision | None = None
) -> Objection:
    """Answer an objection: resolved in `revision` (a later one than the round's) or not
    accepted, by the lead group's co-chairs or the secretariat (for a structural change: not
    accepted, by those who may propose it); withdrawn, by the agency's delegate or the
    secretariat on its behalf."""
    round = objection.round
    change = round.structural_change if round.structural_change_id else None
    if change is not None:
        change = change_for_update(change)  # the subject first, as every round write
    else:
        lock_deliverable(round.deliverable)
    item = (
        Objection.objects.select_for_update().select_related("round", "agency").get(pk=objection.pk)
    )
    if status not in (
        Objection.Status.RESOLVED,
        Objection.Status.NOT_ACCEPTED,
        Objection.Status.WITHDRAWN,
    ):
        raise ApplicationError(
            f"Unknown status '{status}'; an objection is 'resolved', 'not_accepted' or "
            "'withdrawn'.",
            extra={"fields": {"status": ["Give resolved, not_accepted or withdrawn."]}},
        )
    if status == Objection.Status.WITHDRAWN:
        may = item.agency_id in permissions.agencies_user_may_speak_for(actor, {item.agency_id})
        who = f"{item.agency.acronym}'s delegate, or the secretariat on its behalf"
    elif change is not None:
        may = may_propose(actor, list(change.groups.all()))
        who = "the secretariat, or a co-chair of a group the change affects"
    else:
        deliverable = round.deliverable
        may = permissions.may_edit_deliverable(actor, deliverable)
        who = f"the co-chairs of {deliverable.lead_group.acronym} or the secretariat"
    if not may:
        raise ApplicationError(
            f"You may not mark this objection {status}: only {who} may.", code="forbidden"
        )
    if status == Objection.Status.RESOLVED and change is not None:
        message = (
            "A structural change has no revisions to resolve an objection in: mark it not "
            "accepted (with the reason), or its agency withdraws it; to meet it, amend the "
            "proposal and put it to a new round."
        )
        raise ApplicationError(message, extra={"fields": {"status": [message]}})
    if item.status != Objection.Status.OPEN:
        raise ApplicationError(
            f"{item.agency.acronym}'s objection is already {item.get_status_display()}.",
            code="illegal_move",
        )
    response = text_checked(
        response,
        field="response",
        limit=REASON_MAX_LENGTH,
        required=status != Objection.Status.WITHDRAWN,
        ask="Say how the objection was answered: the agencies read it before the next round.",
    )
    if status == Objection.Status.RESOLVED:
        _resolving_revision_checked(item, revision)
    item.status = status
    item.resolved_in = revision if status == Objection.Status.RESOLVED else None
    item.response = response
    item.decided_by, item.decided_at = actor, timezone.now()
    label = f" in revision {revision.label}" if item.resolved_in else ""
    _save(item, actor=actor, reason=f"{item.agency.acronym}'s objection {status}{label}")
    return item


def _resolving_revision_checked(item: Objection, revision: Revision | None) -> None:
    objected_on = item.round.revision
    if revision is None or revision.deliverable_id != item.round.deliverable_id:
        raise ApplicationError(
            "Name the revision of this deliverable that resolves the objection.",
            extra={"fields": {"revision": ["Name a revision of this deliverable."]}},
        )
    if objected_on is not None and revision.number <= objected_on.number:
        raise ApplicationError(
            f"The objection was raised on revision {objected_on.label}: it is resolved in a "
            f"later revision, not in {revision.label}. Upload the revision that answers it first.",
            extra={"fields": {"revision": [f"Name a revision after {objected_on.label}."]}},
        )
