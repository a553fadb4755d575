"""Loading the ISECG record (fixtures/isecg.yaml) so that every record starts with a history row."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from apps.agencies.models import Agency
from apps.core.checks import BUSINESS_APPS

RECORD_FIXTURE = "isecg"
RECORD_LOAD_REASON = "Loaded from the ISECG record (fixtures/isecg.yaml)"


@dataclass(frozen=True)
class RecordLoadResult:
    loaded: bool
    histories_written: int


def record_is_loaded() -> bool:
    return Agency.objects.filter(source__startswith="seed").exists()


def record_load(*, actor: AbstractBaseUser | None = None) -> RecordLoadResult:
    """Load the ISECG record once; a second call changes nothing, so edits are never overwritten.

    For operators (management commands). loaddata saves raw rows, which writes no history,
    so each loaded row then gets its first history row, stamped with the actor and the reason.
    """
    if record_is_loaded():
        return RecordLoadResult(loaded=False, histories_written=0)
    with transaction.atomic():
        # loaddata fills many-to-many links after its raw saves, which makes simple-history
        # write a "changed" row before any "created" one; the first rows are written below.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", RECORD_FIXTURE, verbosity=0)
        written = _write_missing_history(actor=actor, reason=RECORD_LOAD_REASON)
    return RecordLoadResult(loaded=True, histories_written=written)


def _write_missing_history(*, actor: AbstractBaseUser | None, reason: str) -> int:
    written = 0
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            manager = getattr(model, "history", None)
            if manager is None or model.__name__.startswith("Historical"):
                continue
            has_history = manager.values_list("id", flat=True).distinct()
            objs = list(model.objects.exclude(pk__in=has_history))
            if objs:
                manager.bulk_history_create(objs, default_user=actor, default_change_reason=reason)
                written += len(objs)
    return written
