"""The deliverable workflow, declared once as data.

Each row of MOVES says everything a move implies: from which states to which, who may make it,
what input it needs, whether it goes through a consensus round, which mail it sends and what
else it changes (its effects). `moves.move_make` is the one executor that applies a row;
checks.py refuses to start when a row names a mail or an effect nobody provides. Moves made by
SYSTEM happen only as the outcome of a consensus round, never on a user's request.
"""

from dataclasses import dataclass
from enum import StrEnum

from .models import DeliverableState as S


class Actor(StrEnum):
    COCHAIR = "co-chair of the lead group"
    SECRETARIAT = "secretariat"
    SAM = "senior agency manager"
    SYSTEM = "consensus round outcome"


class Input(StrEnum):
    """What a person gives with a move besides the acting user."""

    REASON = "reason"
    PUBLISHED_ON = "published_on"
    LINK = "link"  # the product's web address
    CHANNEL = "channel"
    DEADLINE = "deadline"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    needs: tuple[Input, ...] = (Input.REASON,)
    optional: tuple[Input, ...] = ()
    # True: made through a consensus round's own services (open, cancel), never directly.
    via_round: bool = False
    # A key of notifications.MOVE_MAILS, or "" for no mail.
    mail: str = ""
    # Keys of effects.EFFECTS, applied in order before the state changes.
    effects: tuple[str, ...] = ()
    # True: the product goes back to its co-chairs with something to fix (their "returned" list).
    returns_work: bool = False
    needs_sam_flag: bool | None = None  # True/False: only for deliverables flagged / not flagged
    # What the person who made the move is told once it is made, in words (no state codes).
    done: str = ""

    def applies_to(self, deliverable) -> bool:
        if deliverable.state not in self.sources:
            return False
        return (
            self.needs_sam_flag is None or self.needs_sam_flag == deliverable.needs_sam_endorsement
        )

    @property
    def by_people(self) -> bool:
        return bool(self.actors - {Actor.SYSTEM})


C, SEC, SAM, SYS = Actor.COCHAIR, Actor.SECRETARIAT, Actor.SAM, Actor.SYSTEM
BEFORE_APPROVAL = [S.PLANNED, S.DRAFTING, S.WG_REVIEW, S.SUBMITTED, S.IN_CONSENSUS, S.DEFERRED]


def _move(name, label, sources, target, *actors, **details) -> Move:
    return Move(name, label, frozenset(sources), target, frozenset(actors), **details)


MOVES: tuple[Move, ...] = (
    _move(
        "start_drafting",
        "Start drafting",
        [S.PLANNED],
        S.DRAFTING,
        C,
        SEC,
        done="Drafting has started.",
    ),
    _move(
        "send_to_wg_review",
        "Send to WG review",
        [S.DRAFTING],
        S.WG_REVIEW,
        C,
        done="Sent to WG review.",
    ),
    _move(
        "return_from_wg_review",
        "Return to drafting",
        [S.WG_REVIEW],
        S.DRAFTING,
        C,
        done="Returned to drafting.",
    ),
    _move(
        "submit",
        "Submit to the plenary",
        [S.WG_REVIEW],
        S.SUBMITTED,
        C,
        mail="submitted",
        done="Submitted to the plenary.",
    ),
    _move(
        "return_submitted",
        "Return to drafting with comments",
        [S.SUBMITTED],
        S.DRAFTING,
        SEC,
        mail="returned",
        returns_work=True,
        done="Returned to drafting with comments.",
    ),
    _move(
        "open_round",
        "Open a consensus round",
        [S.SUBMITTED],
        S.IN_CONSENSUS,
        SEC,
        needs=(Input.CHANNEL, Input.DEADLINE),
        via_round=True,
        done="Consensus round opened.",
    ),
    _move(
        "cancel_round",
        "Cancel the consensus round",
        [S.IN_CONSENSUS],
        S.SUBMITTED,
        SEC,
        via_round=True,
        done="Consensus round cancelled: back to submitted to the plenary.",
    ),
    _move(
        "approve",
        "Approve",
        [S.IN_CONSENSUS],
        S.APPROVED,
        SYS,
        mail="approved",
        needs_sam_flag=False,
        done="Approved.",
    ),
    _move(
        "await_sam",
        "Await SAM endorsement",
        [S.IN_CONSENSUS],
        S.SAM_ENDORSEMENT,
        SYS,
        mail="awaiting_sam",
        needs_sam_flag=True,
        done="Now awaiting SAM endorsement.",
    ),
    _move(
        "return_objected",
        "Return with objections",
        [S.IN_CONSENSUS],
        S.DRAFTING,
        SYS,
        mail="objected",
        returns_work=True,
        done="Returned to drafting with the objections.",
    ),
    _move(
        "endorse",
        "Endorse",
        [S.SAM_ENDORSEMENT],
        S.APPROVED,
        SAM,
        done="Endorsed by the senior agency managers: the deliverable is now approved.",
    ),
    _move(
        "decline_endorsement",
        "Decline endorsement",
        [S.SAM_ENDORSEMENT],
        S.DRAFTING,
        SAM,
        mail="not_endorsed",
        returns_work=True,
        done="Endorsement declined: returned to drafting.",
    ),
    _move(
        "publish",
        "Mark published",
        [S.APPROVED],
        S.PUBLISHED,
        SEC,
        needs=(Input.REASON, Input.PUBLISHED_ON),
        optional=(Input.LINK,),
        mail="published",
        effects=("publish_the_approved_text", "record_publication"),
        done="Marked published.",
    ),
    _move(
        "withdraw",
        "Withdraw",
        BEFORE_APPROVAL,
        S.WITHDRAWN,
        C,
        SEC,
        effects=("cancel_open_round",),
        done="Withdrawn.",
    ),
    _move(
        "defer",
        "Defer to next year",
        [S.PLANNED, S.DRAFTING],
        S.DEFERRED,
        C,
        SEC,
        effects=("target_a_year_later",),
        done="Deferred to next year.",
    ),
    _move("resume", "Resume planning", [S.DEFERRED], S.PLANNED, C, SEC, done="Planning resumed."),
)

MOVES_BY_NAME: dict[str, Move] = {move.name: move for move in MOVES}

# States no move leaves: a product there is final (its progress and text no longer change).
TERMINAL_STATES: frozenset[str] = frozenset(
    set(S.values) - {state for move in MOVES for state in move.sources}
)

# Moves that hand work back to the co-chairs: the history's move field is asked, never labels.
RETURN_MOVE_NAMES: frozenset[str] = frozenset(m.name for m in MOVES if m.returns_work)


def moves_from(deliverable) -> list[Move]:
    """Every move the table allows from the deliverable's current state, whoever makes it."""
    return [move for move in MOVES if move.applies_to(deliverable)]


def find_move(deliverable, target: str, actors: set[Actor]) -> Move | None:
    """The move to `target` that one of `actors` may make now, if any."""
    for move in moves_from(deliverable):
        if move.target == target and move.actors & actors:
            return move
    return None
