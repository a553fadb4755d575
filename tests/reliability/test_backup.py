"""The documented backup (docs/backup.md) round trip: pg_dump the database, pg_restore it into
an empty one, and compare every row of every table, history tables included."""

import datetime
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command

from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_update_progress

from .conftest import database_url
from .servers import POSTGRES_BIN, missing

pytestmark = [pytest.mark.postgres]


def _tool(name: str) -> str:
    found = shutil.which(name) or (POSTGRES_BIN / name)
    if not shutil.which(str(found)):
        missing(f"{name} is not installed (Debian package postgresql-client-15)")
    return str(found)


def _contents(url: str) -> dict[str, tuple[int, str]]:
    """Per table: its row count and a digest of every row (all columns), in a stable order."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        contents = {}
        for table in tables:
            rows = "string_agg(t::text, E'\\n' ORDER BY t::text)"
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce({rows}, '')) FROM \"{table}\" t"  # noqa: S608 -- names from pg_tables
            ).fetchone()
            contents[table] = (count, digest)
        sequences = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
        contents["(sequences)"] = (len(sequences), str(sorted(sequences, key=str)))
    return contents


def test_a_dump_restores_every_row_and_every_history_entry(
    seeded, tmp_path, django_user_model, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A record with some life in it: load it, update progress, so history has several versions.
    cochair = django_user_model.objects.get(username="cochair-twg")
    for deliverable in Deliverable.objects.filter(lead_group__acronym="TWG", state="drafting"):
        deliverable_update_progress(
            deliverable=deliverable, actor=cochair, expected_version=deliverable.version,
            percent_complete=60, status_note=f"Checked on {datetime.date(2026, 3, 1)}",
        )  # fmt: skip
    call_command("draft_annual_report", "2025", stdout=(tmp_path / "draft.log").open("w"))

    source = database_url()
    dump = tmp_path / "isecg.dump"
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--file", str(dump), source],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    name = f"isecg_restore_{uuid.uuid4().hex[:8]}"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        restored = database_url(name)
        subprocess.run(
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        before, after = _contents(source), _contents(restored)
        assert after == before
        rows = sum(count for table, (count, _) in before.items() if table != "(sequences)")
        history = sum(count for table, (count, _) in before.items() if "historical" in table)
        assert history > 0 and rows > history
        print(
            f"FIGURE backup: {len(before) - 1} tables, {rows} rows ({history} history rows) "
            f"compared after restore, 0 lost; dump {dump.stat().st_size // 1024} KiB"
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
