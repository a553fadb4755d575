"""A consensus round's row lock, taken in the one order every write uses: the round's subject
(its deliverable, apps/deliverables/locks.py, or its structural change) first, then the round."""

from apps.deliverables.locks import deliverable_for_update, rows_for_update
from apps.groups.changes import change_for_update
from apps.groups.models import StructuralChange

from .models import ConsensusRound


def round_for_update(round: ConsensusRound) -> ConsensusRound:
    """The round and its subject, locked in the one order: the subject first."""
    deliverable_id, change_id = round.deliverable_id, round.structural_change_id
    if deliverable_id is None and change_id is None:
        deliverable_id, change_id = ConsensusRound.objects.values_list(
            "deliverable_id", "structural_change_id"
        ).get(pk=round.pk)
    if deliverable_id is not None:
        subject = deliverable_for_update(deliverable_id)
    else:
        subject = change_for_update(StructuralChange(pk=change_id))
    [locked] = rows_for_update(ConsensusRound.objects.filter(pk=round.pk))
    if deliverable_id is not None:
        locked.deliverable = subject
    else:
        locked.structural_change = subject
    return locked
