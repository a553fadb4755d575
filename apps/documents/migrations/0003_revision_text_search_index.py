"""A trigram index on the revisions' extracted text, for the deliverables search (PostgreSQL
only, as the deliverables' own search indexes; SQLite scans). No pending list, as those."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS revision_text_trgm ON documents_revision "
        "USING gin ((UPPER(text::text)) gin_trgm_ops) WITH (fastupdate = off)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS revision_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_comments")]

    operations = [migrations.RunPython(create, drop)]
