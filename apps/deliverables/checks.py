from django.core import checks

from .models import DeliverableState
from .workflow import MOVES


@checks.register()
def every_state_is_in_the_workflow(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A state no move reaches or leaves is a state nobody can use: catch it at start-up."""
    reached = {move.target for move in MOVES} | {DeliverableState.PLANNED}
    left = {state for move in MOVES for state in move.sources}
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
        if state not in left and state not in terminal:
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
