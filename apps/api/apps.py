from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Tokens end with their account's password or the account itself.
        from . import signals  # noqa: F401
        from .authentication import redact_request_logs

        redact_request_logs()
