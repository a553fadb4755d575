"""Loading the ISECG record (fixtures/isecg.yaml) so that every record starts with a history row
that says which publication it comes from."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.test.utils import override_settings

from apps.agencies.models import Agency
from apps.core.checks import BUSINESS_APPS

RECORD_FIXTURE = "isecg"
# The first history row of a loaded record: this, then the publication its facts come from,
# e.g. "Loaded from the ISECG record: ISECG 2025 Annual Report (March 2026), Annex II".
RECORD_LOAD_REASON = "Loaded from the ISECG record"


@dataclass(frozen=True)
class RecordLoadResult:
    loaded: bool
    histories_written: int


def _source_of(obj: Model) -> str:
    """The publication a record's facts come from; a record that names none (a consensus
    round) is traced through the first record it belongs to that does."""
    if hasattr(obj, "source"):
        return (obj.source or "").strip()
    for field in obj._meta.concrete_fields:
        if field.many_to_one and hasattr(field.related_model, "source"):
            related = getattr(obj, field.name)
            if related is not None and related.source.strip():
                return related.source.strip()
    return ""


def load_reason(obj: Model) -> str:
    """The reason on the first history row of a record loaded from the ISECG record."""
    source = _source_of(obj)
    return f"{RECORD_LOAD_REASON}: {source}" if source else RECORD_LOAD_REASON


@cache
def _record_agencies() -> dict[int, str]:
    """{pk: acronym} of the agencies the record file holds (read once per process)."""
    path = next(
        Path(d) / f"{RECORD_FIXTURE}.yaml"
        for d in settings.FIXTURE_DIRS
        if (Path(d) / f"{RECORD_FIXTURE}.yaml").exists()
    )
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {r["pk"]: r["fields"]["acronym"] for r in rows if r["model"] == "agencies.agency"}


def record_is_loaded() -> bool:
    """Loaded here before: its first history rows say so, or (loaded with plain loaddata, which
    writes no history) the record's agencies are there under their own ids. Neither depends on
    how a source is worded."""
    if Agency.history.filter(history_change_reason__startswith=RECORD_LOAD_REASON).exists():
        return True
    known = _record_agencies()
    present = Agency.objects.filter(pk__in=known).values_list("pk", "acronym")
    return any(known[pk] == acronym for pk, acronym in present)


def record_load(*, actor: AbstractBaseUser | None = None) -> RecordLoadResult:
    """Load the ISECG record once; a second call changes nothing, so edits are never overwritten.

    For operators (management commands). loaddata saves raw rows, which writes no history,
    so each loaded row then gets its first history row, stamped with the actor and a reason
    naming the publication it comes from.
    """
    if record_is_loaded():
        return RecordLoadResult(loaded=False, histories_written=0)
    with transaction.atomic():
        # loaddata fills many-to-many links after its raw saves, which makes simple-history
        # write a "changed" row before any "created" one; the first rows are written below.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", RECORD_FIXTURE, verbosity=0)
        written = _write_missing_history(actor=actor)
    return RecordLoadResult(loaded=True, histories_written=written)


def _write_missing_history(*, actor: AbstractBaseUser | None) -> int:
    written = 0
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            manager = getattr(model, "history", None)
            if manager is None or model.__name__.startswith("Historical"):
                continue
            has_history = manager.values_list("id", flat=True).distinct()
            objs = list(model.objects.exclude(pk__in=has_history))
            for obj in objs:
                # bulk_history_create takes one default reason; an object's own wins over it.
                obj._change_reason = load_reason(obj)
            if objs:
                manager.bulk_history_create(
                    objs, default_user=actor, default_change_reason=RECORD_LOAD_REASON
                )
                written += len(objs)
    return written
