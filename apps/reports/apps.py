from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = "Annual reports"

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the template check
