"""The ISECG record: traced to the seeds, loaded with history, on SQLite and on PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps

from apps.core.checks import BUSINESS_APPS
from apps.deliverables.models import Activity, Deliverable
from apps.groups.models import OutlookItem
from apps.record.services import RECORD_LOAD_REASON, record_load
from tests.services import require_postgres

PROJECT = Path(__file__).resolve().parents[2]


def record_models():
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical") and model.objects.exists():
                yield model


@pytest.mark.django_db
def test_every_record_names_its_seed_and_has_a_first_history_row(isecg_record):
    models = list(record_models())
    assert len(models) >= 9
    for model in models:
        for obj in model.objects.all():
            assert obj.source.startswith("seed 00"), f"{model.__name__} {obj} has no seed source"
            first = obj.history.earliest()
            assert first.history_type == "+"
            assert first.history_change_reason == RECORD_LOAD_REASON


@pytest.mark.django_db
def test_loading_twice_changes_nothing(isecg_record):
    assert record_load().loaded is False


@pytest.mark.django_db
def test_the_record_holds_what_the_reports_name(isecg_record):
    published = Deliverable.objects.filter(state="published")
    titles = " | ".join(published.values_list("title", flat=True))
    for expected in ("Global Exploration Roadmap", "Benefits", "Annual Report"):
        assert expected in titles
    assert Deliverable.objects.filter(title__contains="Gap Report").exists()
    assert Activity.objects.filter(event__contains="GLEX 2025").exists()
    assert Activity.objects.filter(kind="webnews", occurred_on__year=2024).count() == 5
    priorities_2026 = OutlookItem.objects.filter(year=2026, group__isnull=True)
    assert priorities_2026.count() == 3
    assert OutlookItem.objects.filter(year=2025).exists()


def migrate_and_load(database_url: str) -> None:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    for args in (["migrate", "-v0"], ["load_record"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
    assert "Loaded the ISECG record" in result.stdout


def test_record_loads_on_sqlite(tmp_path):
    migrate_and_load(f"sqlite:///{tmp_path / 'record.sqlite3'}")


@pytest.mark.postgres
def test_record_loads_on_postgresql():
    admin_url = require_postgres()
    name = f"isecg_record_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        migrate_and_load(admin_url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
