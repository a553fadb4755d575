from django.apps import AppConfig


class WatchingConfig(AppConfig):
    name = "apps.watching"
    label = "watching"
    verbose_name = "Watching and feeds"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 -- the routing table's check, and the one
        # receiver that turns history rows into events
