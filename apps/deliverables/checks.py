from django.core import checks

from .effects import EFFECTS
from .models import DeliverableState
from .notifications import MOVE_MAILS
from .workflow import MOVES, TERMINAL_STATES, Input


@checks.register()
def every_state_is_in_the_workflow(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A state no move reaches or leaves is a state nobody can use: catch it at start-up."""
    reached = {move.target for move in MOVES} | {DeliverableState.PLANNED}
    terminal = {DeliverableState.PUBLISHED, DeliverableState.WITHDRAWN}
    errors = []
    for state in DeliverableState.values:
        if state not in reached:
            errors.append(
                checks.Error(
                    f"No workflow move leads to the deliverable state '{state}'.",
                    hint="Add a move to deliverables/workflow.py MOVES or remove the state.",
                    id="deliverables.E001",
                )
            )
        if state in TERMINAL_STATES and state not in terminal:
            errors.append(
                checks.Error(
                    f"No workflow move leaves the deliverable state '{state}'.",
                    hint="Add a move from it to deliverables/workflow.py MOVES.",
                    id="deliverables.E002",
                )
            )
    for move in MOVES:
        unknown = (move.sources | {move.target}) - set(DeliverableState.values)
        if unknown:
            errors.append(
                checks.Error(
                    f"Workflow move '{move.name}' names unknown states {sorted(unknown)}.",
                    id="deliverables.E003",
                )
            )
    return errors


@checks.register()
def every_move_detail_exists(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A row of the move table that names a mail, an effect or an input nobody provides would
    fail only when someone makes that move: refuse to start instead. A mail or an effect that no
    row names is dead code that looks alive."""
    errors = []
    names = [move.name for move in MOVES]
    for name in {n for n in names if names.count(n) > 1}:
        errors.append(
            checks.Error(f"Two workflow moves are named '{name}'.", id="deliverables.E004")
        )
    for move in MOVES:
        if move.mail and move.mail not in MOVE_MAILS:
            errors.append(
                checks.Error(
                    f"Workflow move '{move.name}' sends the mail '{move.mail}', which "
                    "deliverables/notifications.py MOVE_MAILS does not have.",
                    id="deliverables.E005",
                )
            )
        for effect in move.effects:
            if effect not in EFFECTS:
                errors.append(
                    checks.Error(
                        f"Workflow move '{move.name}' has the effect '{effect}', which no "
                        "app registers (deliverables/effects.py EFFECTS).",
                        hint="Register it with @effect(...) in a module its app imports in "
                        "ready().",
                        id="deliverables.E006",
                    )
                )
        for needed in move.needs:
            if not isinstance(needed, Input):
                errors.append(
                    checks.Error(
                        f"Workflow move '{move.name}' needs '{needed}', not an Input.",
                        id="deliverables.E007",
                    )
                )
    used_mails = {move.mail for move in MOVES}
    used_effects = {effect for move in MOVES for effect in move.effects}
    for mail in set(MOVE_MAILS) - used_mails:
        errors.append(
            checks.Error(
                f"The move mail '{mail}' is sent by no workflow move.", id="deliverables.E008"
            )
        )
    for effect in set(EFFECTS) - used_effects:
        errors.append(
            checks.Error(
                f"The effect '{effect}' belongs to no workflow move.", id="deliverables.E009"
            )
        )
    return errors
