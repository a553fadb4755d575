"""A round and the text it decides on: the revision frozen when it opens, and what a revision
uploaded while it is open does to it (substantive: cancels it; editorial: it goes on)."""

from django.utils import timezone

from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import move_make, move_refusal
from apps.documents.models import Revision

from . import notifications
from .models import ConsensusRound
from .opening import round_move, save_round
from .services import _cancel


def open_round_of(deliverable: Deliverable) -> ConsensusRound | None:
    return ConsensusRound.objects.filter(
        deliverable=deliverable, state=ConsensusRound.State.OPEN
    ).first()


def round_meets_revision(
    *, round: ConsensusRound, revision: Revision, kind: str, actor, reason: str
) -> None:
    """Called with the deliverable locked, inside the upload's transaction."""
    now = timezone.now()
    if kind == Revision.Kind.SUBSTANTIVE:
        move = round_move(round.deliverable, DeliverableState.SUBMITTED)
        if move is None:
            raise move_refusal(round.deliverable, actor, DeliverableState.SUBMITTED)
        _cancel(
            round,
            actor=actor,
            reason=f"Substantive revision {revision.label}: {reason}",
            now=now,
        )
        move_make(
            deliverable=round.deliverable,
            move=move,
            actor=actor,
            inputs={"reason": f"Substantive revision {revision.label}: {reason}"},
        )
    else:
        round.revision = revision
        round.revision_sha256 = revision.sha256
        save_round(round, actor=actor, reason=f"Editorial revision {revision.label}: {reason}")
    notifications.round_text_changed(round=round, revision=revision, kind=kind, reason=reason)
