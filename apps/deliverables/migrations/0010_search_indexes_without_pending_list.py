"""The search's trigram indexes take new rows straight into the index (PostgreSQL only).

With GIN's default `fastupdate`, new rows wait in a pending list that every search reads in
full until a vacuum merges it. After a bulk load, or where autovacuum lags, a search for a rare
term then reads the whole table instead of answering from the index (31 ms instead of 0.4 ms at
20,000 deliverables; BENCHMARKS.md). The tracker writes seldom and searches often, so inserts
pay the small cost instead.
"""

from django.db import migrations

SEARCHED = ("title", "summary", "status_note", "next_milestone")


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        index = f"deliverable_{column}_trgm"
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"ALTER INDEX deliverable_{column}_trgm SET (fastupdate = on)")


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0009_group_target_index")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
