"""Start-up checks that the project's own rules are configured as they must be."""

from django.apps import apps
from django.core import checks

# Apps whose models are business records: each must keep a full history.
BUSINESS_APPS = ("agencies", "groups", "deliverables", "plenary", "reports")


@checks.register(checks.Tags.models)
def business_models_keep_history(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            if not hasattr(model, "history"):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} keeps no history.",
                        hint="Add `history = HistoricalRecords()` to the model.",
                        obj=model,
                        id="core.E001",
                    )
                )
    return errors
