"""What this user may do here now: the one answer for the pages, the API, the admin and the
templates.

It only tells; the services decide (and refuse with the reason). Both read the same rules:
the move table and permissions for a deliverable, the round's state and deadline for a round.
"""

from dataclasses import dataclass

from apps.accounts import permissions
from apps.deliverables.editing import editable_fields
from apps.deliverables.models import Deliverable
from apps.deliverables.services import allowed_moves
from apps.deliverables.workflow import Move

from .models import ConsensusRound
from .selectors import RoundFacts


@dataclass(frozen=True)
class DeliverableAbilities:
    moves: tuple[Move, ...]  # every move this user may make now, round moves included
    editable_fields: frozenset[str]  # what they may change by editing

    @property
    def direct_moves(self) -> tuple[Move, ...]:
        """The moves made on the deliverable itself (not through a round's own services)."""
        return tuple(move for move in self.moves if not move.via_round)

    @property
    def may_open_round(self) -> bool:
        return any(move.via_round and move.name == "open_round" for move in self.moves)

    @property
    def may_edit_progress(self) -> bool:
        return "percent_complete" in self.editable_fields


def deliverable_abilities(*, deliverable: Deliverable, user) -> DeliverableAbilities:
    return DeliverableAbilities(
        moves=tuple(allowed_moves(deliverable=deliverable, user=user)),
        editable_fields=editable_fields(user, deliverable),
    )


@dataclass(frozen=True)
class RoundAbilities:
    speaks_for: tuple  # the eligible agencies this user may record a position for, by acronym
    actions: tuple[str, ...]  # of "record_position", "close", "extend", "cancel"

    def may(self, action: str) -> bool:
        return action in self.actions


def round_abilities(*, facts: RoundFacts, user) -> RoundAbilities:
    """From the round's facts (round_facts): positions until the deadline; the secretariat
    closes once it may close, and extends or cancels until the deadline has passed."""
    round = facts.round
    eligible = {row.agency.pk: row.agency for row in facts.rows}
    speaks_for = permissions.agencies_user_may_speak_for(user, set(eligible))
    agencies = tuple(sorted((eligible[pk] for pk in speaks_for), key=lambda a: a.acronym))
    if round.state != ConsensusRound.State.OPEN:
        return RoundAbilities(speaks_for=agencies, actions=())
    actions = []
    if agencies and not facts.deadline_passed:
        actions.append("record_position")
    if permissions.may_manage_record(user):
        if facts.may_close_now:
            actions.append("close")
        if not facts.deadline_passed:
            actions += ["extend", "cancel"]
    return RoundAbilities(speaks_for=agencies, actions=tuple(actions))
