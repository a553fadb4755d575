"""The deliverable workflow, declared once as data.

Every move a deliverable can make is a row of MOVES: from which states, to which state, who may
make it. services.deliverable_transition is the only code that changes `state`, and it refuses
anything not in this table. Moves made by SYSTEM happen only as the outcome of a consensus round
(plenary.services), never on a user's request.
"""

from dataclasses import dataclass
from enum import StrEnum

from .models import DeliverableState as S


class Actor(StrEnum):
    COCHAIR = "co-chair of the lead group"
    SECRETARIAT = "secretariat"
    SAM = "senior agency manager"
    SYSTEM = "consensus round outcome"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    needs_sam_flag: bool | None = None  # True/False: only for deliverables flagged / not flagged

    def applies_to(self, deliverable) -> bool:
        if deliverable.state not in self.sources:
            return False
        return (
            self.needs_sam_flag is None or self.needs_sam_flag == deliverable.needs_sam_endorsement
        )


def _move(name, label, sources, target, *actors, needs_sam_flag=None) -> Move:
    return Move(name, label, frozenset(sources), target, frozenset(actors), needs_sam_flag)


C, SEC, SAM, SYS = Actor.COCHAIR, Actor.SECRETARIAT, Actor.SAM, Actor.SYSTEM
BEFORE_APPROVAL = [S.PLANNED, S.DRAFTING, S.WG_REVIEW, S.SUBMITTED, S.IN_CONSENSUS, S.DEFERRED]

MOVES: tuple[Move, ...] = (
    _move("start_drafting", "Start drafting", [S.PLANNED], S.DRAFTING, C, SEC),
    _move("send_to_wg_review", "Send to WG review", [S.DRAFTING], S.WG_REVIEW, C),
    _move("return_from_wg_review", "Return to drafting", [S.WG_REVIEW], S.DRAFTING, C),
    _move("submit", "Submit to the plenary", [S.WG_REVIEW], S.SUBMITTED, C),
    _move("return_submitted", "Return to drafting with comments", [S.SUBMITTED], S.DRAFTING, SEC),
    _move("open_round", "Open a consensus round", [S.SUBMITTED], S.IN_CONSENSUS, SEC),
    _move("cancel_round", "Cancel the consensus round", [S.IN_CONSENSUS], S.SUBMITTED, SEC),
    _move("approve", "Approve", [S.IN_CONSENSUS], S.APPROVED, SYS, needs_sam_flag=False),
    _move(
        "await_sam",
        "Await SAM endorsement",
        [S.IN_CONSENSUS],
        S.SAM_ENDORSEMENT,
        SYS,
        needs_sam_flag=True,
    ),
    _move("return_objected", "Return with objections", [S.IN_CONSENSUS], S.DRAFTING, SYS),
    _move("endorse", "Endorse", [S.SAM_ENDORSEMENT], S.APPROVED, SAM),
    _move("decline_endorsement", "Decline endorsement", [S.SAM_ENDORSEMENT], S.DRAFTING, SAM),
    _move("publish", "Mark published", [S.APPROVED], S.PUBLISHED, SEC),
    _move("withdraw", "Withdraw", BEFORE_APPROVAL, S.WITHDRAWN, C, SEC),
    _move("defer", "Defer to next year", [S.PLANNED, S.DRAFTING], S.DEFERRED, C, SEC),
    _move("resume", "Resume planning", [S.DEFERRED], S.PLANNED, C, SEC),
)

# Moves that belong to a consensus round: a user makes them through the round's own services.
ROUND_MOVES = frozenset({"open_round", "cancel_round"})


def moves_from(deliverable) -> list[Move]:
    """Every move the table allows from the deliverable's current state, whoever makes it."""
    return [move for move in MOVES if move.applies_to(deliverable)]


def find_move(deliverable, target: str, actors: set[Actor]) -> Move | None:
    """The move to `target` that one of `actors` may make now, if any."""
    for move in moves_from(deliverable):
        if move.target == target and move.actors & actors:
            return move
    return None
