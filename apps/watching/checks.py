"""The routing table against the classifier, at start-up: an event the classifier can emit
with no row would tell nobody, silently; a row nothing emits is a promise nobody keeps."""

from django.core import checks

from .events import emitted_events
from .routes import EVENTS, ROUTES, To


@checks.register()
def every_event_has_its_route(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    emitted = emitted_events()
    for name in sorted(emitted - set(EVENTS)):
        errors.append(
            checks.Error(
                f"The event '{name}' can be emitted (apps/watching/events.py) but has no row "
                "in apps/watching/routes.py ROUTES, so nobody would hear of it.",
                hint="Add a Route for it saying whether it is significant and who is told.",
                id="watching.E001",
            )
        )
    for name in sorted(set(EVENTS) - emitted):
        errors.append(
            checks.Error(
                f"The route '{name}' (apps/watching/routes.py) is emitted by no classifier.",
                hint="Remove the row, or name it in a classifier's emits.",
                id="watching.E002",
            )
        )
    names = [route.event for route in ROUTES]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(checks.Error(f"Two routes are named '{name}'.", id="watching.E003"))
    for route in ROUTES:
        if not route.to or not all(isinstance(to, To) for to in route.to):
            errors.append(
                checks.Error(
                    f"The route '{route.event}' must name its recipients as routes.To values.",
                    id="watching.E004",
                )
            )
    return errors
