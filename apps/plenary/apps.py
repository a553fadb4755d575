from django.apps import AppConfig


class PlenaryConfig(AppConfig):
    name = "apps.plenary"
    label = "plenary"
    verbose_name = "Plenary"

    def ready(self) -> None:
        from . import services  # noqa: F401 -- registers the withdraw move's round effect
