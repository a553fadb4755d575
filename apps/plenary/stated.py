"""Positions stated in a plenary meeting, recorded together by the secretariat: the one step
behind "Record the plenary outcome" (apps/meetings/services.py). The rules of a position are
the round services' own, used here as they are."""

import datetime

from django.utils import timezone

from apps.agencies.models import Agency
from apps.core.transactions import atomic_retrying

from .guards import require_may_speak, require_position_kind, require_secretariat
from .models import ConsensusRound, PlenaryMeeting, Position
from .services import _close_if_all_answered, _position_write, _taking_positions


@atomic_retrying
def positions_record_stated(
    *,
    round: ConsensusRound,
    actor,
    meeting: PlenaryMeeting,
    stated: dict[Agency, tuple[str, str]],
    now: datetime.datetime | None = None,
) -> list[Position]:
    """The positions agencies stated in `meeting`, recorded together by the secretariat: all
    or none, one history row each, and the round closed once if every agency has answered.
    `stated` maps each agency to (position, rationale)."""
    require_secretariat(actor, "record positions stated in a meeting")
    now = now or timezone.now()
    locked, eligible_ids = _taking_positions(round, now)
    recorded = []
    for agency, (position, rationale) in sorted(stated.items(), key=lambda i: i[0].acronym):
        require_position_kind(position)
        require_may_speak(actor, agency, eligible_ids, locked)
        recorded.append(
            _position_write(
                locked,
                actor=actor,
                agency=agency,
                position=position,
                rationale=rationale,
                now=now,
                meeting=meeting,
            )
        )
    _close_if_all_answered(locked, eligible_ids, now=now)
    return recorded
