from django.apps import AppConfig


class PlenaryConfig(AppConfig):
    name = "apps.plenary"
    label = "plenary"
    verbose_name = "Plenary"

    def ready(self) -> None:
        # The withdraw move's round effect, and the reminder mail's sent hook, registered.
        from . import reminders, services  # noqa: F401
