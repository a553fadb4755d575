"""Upgrading a database that holds rest_framework.authtoken's plaintext tokens: each becomes a
hashed token its script can keep using (for 90 days), and no plaintext key is left anywhere;
a database without that table migrates as well."""

import binascii
import datetime
import os

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.models import ApiToken, digest_of

pytestmark = pytest.mark.django_db(transaction=True)

LEGACY_TABLE = "authtoken_token"


def migrate(*args: str) -> None:
    call_command("migrate", *args, verbosity=0)


def tables() -> set[str]:
    return set(connection.introspection.table_names())


# What rest_framework.authtoken's migrations made (manage.py sqlmigrate authtoken 0004).
LEGACY_DDL = (
    'CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, '
    '"created" {timestamp} NOT NULL, "user_id" integer NOT NULL UNIQUE '
    'REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED)'
)
LEGACY_MIGRATIONS = (
    "0001_initial", "0002_auto_20160226_1747", "0003_tokenproxy", "0004_alter_tokenproxy_options",
)  # fmt: skip


def legacy_tokens(users) -> list[str]:
    """The old app's table as its migrations left it, with a token per user (keys made as it
    made them) and the admin's log line about one of them, which names a Token by its key."""
    timestamp = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    keys = [binascii.hexlify(os.urandom(20)).decode() for _ in users]
    with connection.cursor() as cursor:
        cursor.execute(LEGACY_DDL.format(timestamp=timestamp))
        for key, user in zip(keys, users, strict=True):
            cursor.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                [key, timezone.now() - datetime.timedelta(days=400), user.pk],
            )
    recorder = MigrationRecorder(connection)
    for name in LEGACY_MIGRATIONS:
        recorder.record_applied("authtoken", name)
    LogEntry.objects.create(
        user=users[0],
        content_type=ContentType.objects.get_or_create(app_label="authtoken", model="token")[0],
        object_id=keys[0],
        object_repr=keys[0],
        action_flag=ADDITION,
    )
    return keys


@pytest.fixture
def before_hashing():
    """The database as it stood before the tokens were hashed; put back whatever happens."""
    migrate("api", "0001_api_tokens")
    yield
    migrate("api")
    if LEGACY_TABLE in tables():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {LEGACY_TABLE}")


def test_plaintext_tokens_become_hashed_ones_that_keep_working(cast, before_hashing):
    keys = legacy_tokens([cast.reader, cast.secretariat])
    assert LEGACY_TABLE in tables()

    migrate("api")

    assert LEGACY_TABLE not in tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
    migrated = {token.user.username: token for token in ApiToken.objects.select_related("user")}
    assert set(migrated) == {"reader", "secretariat"}
    soon = timezone.now() + datetime.timedelta(days=90)
    for key, user in zip(keys, ["reader", "secretariat"], strict=True):
        token = migrated[user]
        assert (token.name, token.scope, token.digest) == (
            "earlier API token",
            "read_write",
            digest_of(key),
        )
        assert abs(token.expires_at - soon) < datetime.timedelta(minutes=5)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/agencies/").status_code == 200
    # No plaintext key left in any table: the admin's log forgot it too.
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.object_repr) == (None, "API token (its key removed)")
    assert not any(key in dumped() for key in keys)


def test_a_database_without_the_old_table_migrates_as_it_is(cast, before_hashing):
    assert LEGACY_TABLE not in tables()
    migrate("api")
    assert not ApiToken.objects.exists()


def dumped() -> str:
    """Every row of every table as text (what a database dump holds)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(str(row) for row in cursor.fetchall())
    return "\n".join(rows)
