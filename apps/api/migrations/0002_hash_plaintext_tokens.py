"""Tokens of rest_framework.authtoken (stored in plain text) become hashed API tokens.

Each keeps working for the scripts that hold it, as a read-write token named "earlier API
token" that expires 90 days from this migration; then the old table is dropped, with its
migration records, and the admin's log forgets the keys it named them by (a Token's id and
name were its key), so no plaintext secret is left in the database. A database made after
rest_framework.authtoken left the project has no such table: nothing to do.
"""

import datetime

from django.db import migrations
from django.utils import timezone

from apps.api.models import DEFAULT_DAYS, digest_of, lookup_of

LEGACY_TABLE = "authtoken_token"
LEGACY_NAME = "earlier API token"


def hash_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    ApiToken = apps.get_model("api", "ApiToken")
    now = timezone.now()
    expires_at = now + datetime.timedelta(days=DEFAULT_DAYS)
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name=LEGACY_NAME,
            scope="read_write",  # what every token could do before
            lookup=lookup_of(key),
            digest=digest_of(key),
            created_at=_aware(created) or now,
            expires_at=expires_at,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {table}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    _forget_keys_in_admin_log(apps)


def _forget_keys_in_admin_log(apps):
    LogEntry = apps.get_model("admin", "LogEntry")
    LogEntry.objects.filter(content_type__app_label="authtoken").update(
        object_id=None, object_repr="API token (its key removed)"
    )


def _aware(moment):
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.datetime.fromisoformat(moment)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # The plaintext secrets are gone for good: going back leaves the hashed tokens as they are.
    operations = [migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop)]
