"""A consensus round's row lock, taken in the one order every write uses: the round's
deliverable first, then the round (apps/deliverables/locks.py)."""

from apps.deliverables.locks import deliverable_for_update, rows_for_update

from .models import ConsensusRound


def round_for_update(round: ConsensusRound) -> ConsensusRound:
    """The round and its deliverable, locked in the one order: the deliverable first."""
    deliverable_id = round.deliverable_id or (
        ConsensusRound.objects.values_list("deliverable_id", flat=True).get(pk=round.pk)
    )
    deliverable = deliverable_for_update(deliverable_id)
    [locked] = rows_for_update(ConsensusRound.objects.filter(pk=round.pk))
    locked.deliverable = deliverable
    return locked
