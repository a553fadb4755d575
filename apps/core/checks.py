"""Start-up checks that the project's own rules are configured as they must be."""

from django.apps import apps
from django.core import checks

# Apps whose models are business records: each must keep a full history. No other app of this
# project holds a concrete model (core has only abstract bases, the mail outbox and the job
# heartbeats; api only its tokens; accounts, record and web none): core.E002 says so when one
# starts to, so the rule cannot silently miss it. Labels, not imports: core names the apps it
# checks but depends on none of them.
BUSINESS_APPS = (
    "agencies",
    "groups",
    "deliverables",
    "plenary",
    "documents",
    "meetings",
    "reports",
    "watching",
)
# Not business records but a queue: each row is its own log (attempts, last error, times).
QUEUE_MODELS = ("core.OutboxMail",)
# Credentials, not business records: never deleted, revoked with who, when and why on the row.
CREDENTIAL_MODELS = ("api.ApiToken", "watching.FeedAddress")
# A person's inbox: each row tells of a change whose own history says who, when and why; only
# its read mark changes, which is no one's record.
INBOX_MODELS = ("watching.Notification",)
# Operational rows, not business records: each job's last run, overwritten by the next.
OPERATIONAL_MODELS = ("core.JobHeartbeat",)
PROJECT_PACKAGE = "apps."


@checks.register(checks.Tags.models)
def business_models_keep_history(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            if (
                model._meta.label
                in QUEUE_MODELS + CREDENTIAL_MODELS + INBOX_MODELS + OPERATIONAL_MODELS
            ):
                continue  # not business records, each for the reason given above
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


@checks.register(checks.Tags.models)
def models_live_in_business_apps(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE) or config.label in BUSINESS_APPS:
            continue
        models = [
            model
            for model in config.get_models()
            if not model.__name__.startswith("Historical")
            and model._meta.label
            not in QUEUE_MODELS + CREDENTIAL_MODELS + INBOX_MODELS + OPERATIONAL_MODELS
        ]
        if models:
            names = ", ".join(model._meta.label for model in models)
            errors.append(
                checks.Error(
                    f"The app '{config.label}' holds models ({names}) but is not one of the "
                    "business apps, so nothing checks that they keep a history.",
                    hint=f"Add '{config.label}' to BUSINESS_APPS in apps/core/checks.py and "
                    "give its models `history = HistoricalRecords()`, or move the models into "
                    "a business app.",
                    obj=models[0],
                    id="core.E002",
                )
            )
    return errors
