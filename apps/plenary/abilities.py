"""What this user may do here now: the one answer for the pages, the API, the admin and the
templates.

It only tells; the services decide (and refuse with the reason). Both read the same rules:
the move table and permissions for a deliverable, the round's state and deadline for a round,
the proposal's state and who may propose it for a structural change.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from apps.accounts import permissions
from apps.deliverables.editing import editable_fields
from apps.deliverables.models import Deliverable
from apps.deliverables.services import allowed_moves
from apps.deliverables.workflow import Move
from apps.groups.changes import may_propose
from apps.groups.models import ChangeState, StructuralChange

from .guards import can_cancel, can_close, can_extend
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
    # For the secretariat, each of "close", "extend", "cancel" not allowed now: why not.
    why_not: dict[str, str] = field(default_factory=dict)

    def may(self, action: str) -> bool:
        return action in self.actions


def round_abilities(*, facts: RoundFacts, user) -> RoundAbilities:
    """From the round's facts (round_facts): positions until the deadline; the secretariat
    closes once it may close, and extends or cancels until the deadline has passed, as the
    services' own verdicts (guards.py) say."""
    round = facts.round
    eligible = {row.agency.pk: row.agency for row in facts.rows}
    speaks_for = permissions.agencies_user_may_speak_for(user, set(eligible))
    agencies = tuple(sorted((eligible[pk] for pk in speaks_for), key=lambda a: a.acronym))
    if round.state != ConsensusRound.State.OPEN:
        return RoundAbilities(speaks_for=agencies, actions=())
    actions, why_not = [], {}
    if agencies and not facts.deadline_passed:
        actions.append("record_position")
    if permissions.may_manage_record(user):
        today = facts.today or timezone.localdate()
        verdicts = {
            "close": can_close(facts),
            "extend": can_extend(round, today),
            "cancel": can_cancel(round, today),
        }
        for action, verdict in verdicts.items():
            if verdict:
                actions.append(action)
            else:
                why_not[action] = verdict.reason
    return RoundAbilities(speaks_for=agencies, actions=tuple(actions), why_not=why_not)


@dataclass(frozen=True)
class ChangeAbilities:
    actions: tuple[str, ...]  # of "amend", "withdraw", "open_round", "endorse"

    def may(self, action: str) -> bool:
        return action in self.actions


def change_abilities(*, change: StructuralChange, user) -> ChangeAbilities:
    """As groups.changes and opening.py decide: while proposed, those who may propose it
    amend or withdraw it and the secretariat puts it to a round; once agreed and awaiting the
    SAMs, the secretariat records their endorsement."""
    actions = []
    if change.state == ChangeState.PROPOSED:
        if may_propose(user, list(change.groups.all())):
            actions += ["amend", "withdraw"]
        if permissions.may_manage_record(user):
            actions.append("open_round")
    elif change.state == ChangeState.AWAITING_ENDORSEMENT and permissions.may_manage_record(user):
        actions.append("endorse")
    return ChangeAbilities(actions=tuple(actions))


def may_propose_some_change(user) -> bool:
    """Whether the propose form is for this user: the secretariat, or a co-chair (of a group a
    change would affect, which the service checks once the groups are named)."""
    return permissions.may_manage_record(user) or bool(permissions.cochaired_group_ids(user))
