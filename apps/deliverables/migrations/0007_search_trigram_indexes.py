"""Trigram indexes for the deliverables search (PostgreSQL only; SQLite scans, which is fine there).

The search matches `UPPER(column::text) LIKE UPPER('%term%')` on four columns (Django's icontains);
a GIN trigram index on the same expression lets PostgreSQL answer it without reading every row.
"""

from django.db import migrations

SEARCHED = ("title", "summary", "status_note", "next_milestone")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS deliverable_{column}_trgm ON deliverables_deliverable "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS deliverable_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0006_list_and_chart_indexes")]

    operations = [migrations.RunPython(create, drop)]
