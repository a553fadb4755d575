from django.apps import AppConfig


class PlenaryConfig(AppConfig):
    name = "apps.plenary"
    label = "plenary"
    verbose_name = "Plenary"

    def ready(self) -> None:
        # The withdraw move's round effect, the reminder mail's sent hook, and the "deadline
        # job" part of /healthz, registered.
        from . import health, reminders, services  # noqa: F401
