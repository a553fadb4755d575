"""A group's mandate is its dated versions only: each mandate a group's history has held, and
its current one, is kept as a MandateVersion before WorkingGroup.mandate is removed (0008).

For a database that already holds groups. The first text a group's history knows is the first
known version (in force from a blank date); a text the record changed to later is in force no
later than the day the record took it (a bound: the history says when the record changed, not
when the mandate did). A text a structural change already brought in as a version is not kept
twice. Each version written here gets its first history row, as the loader's records do.
"""

from django.db import migrations, models
from django.utils import timezone

REASON = "Kept as a mandate version when the group's mandate field was removed"


def _texts_over_time(group, historical) -> list[tuple[str, object]]:
    """The group's successive mandates (text, when the record took it), oldest first."""
    texts: list[tuple[str, object]] = []
    rows = historical.objects.filter(id=group.pk).order_by("history_date", "history_id")
    for text, when in rows.values_list("mandate", "history_date"):
        if text and (not texts or texts[-1][0] != text):
            texts.append((text, when))
    if group.mandate and (not texts or texts[-1][0] != group.mandate):
        texts.append((group.mandate, timezone.now()))
    return texts


def mandates_into_versions(apps, schema_editor):
    WorkingGroup = apps.get_model("groups", "WorkingGroup")
    MandateVersion = apps.get_model("groups", "MandateVersion")
    HistoricalWorkingGroup = apps.get_model("groups", "HistoricalWorkingGroup")
    HistoricalMandateVersion = apps.get_model("groups", "HistoricalMandateVersion")
    now = timezone.now()
    for group in WorkingGroup.objects.order_by("pk"):
        versioned = set(MandateVersion.objects.filter(group=group).values_list("text", flat=True))
        first = True
        for text, when in _texts_over_time(group, HistoricalWorkingGroup):
            if text in versioned:
                first = False
                continue
            version = MandateVersion.objects.create(
                group=group,
                text=text,
                in_force_from=None if first else timezone.localdate(when),
                in_force_precision="day" if first else "on_or_before",
                source=group.source,
                notes="" if first else "In force no later than the day the record took it.",
            )
            first = False
            fields = {
                f.attname: getattr(version, f.attname)
                for f in MandateVersion._meta.concrete_fields
            }
            HistoricalMandateVersion.objects.create(
                **fields,
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
                history_user=None,
            )


def versions_into_mandates(apps, schema_editor):
    """Back: each group's mandate is its latest version's text."""
    WorkingGroup = apps.get_model("groups", "WorkingGroup")
    MandateVersion = apps.get_model("groups", "MandateVersion")
    for group in WorkingGroup.objects.all():
        latest = (
            MandateVersion.objects.filter(group=group)
            .order_by(models.F("in_force_from").asc(nulls_first=True), "pk")
            .last()
        )
        group.mandate = latest.text if latest else ""
        group.save(update_fields=["mandate"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_record_notes_apart_from_printed_text"),
    ]

    operations = [
        migrations.RunPython(mandates_into_versions, versions_into_mandates),
    ]
