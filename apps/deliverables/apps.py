from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "apps.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self) -> None:
        from . import checks, history  # noqa: F401 -- registers the workflow checks and the
        # history hook that names a move on its row
