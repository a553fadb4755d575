from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 -- registers the system checks
            outbox,  # noqa: F401 -- registers the "mail" part of /healthz
        )
