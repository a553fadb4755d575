"""The ISECG record: traced to its publications, loaded with history, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps

from apps.agencies.models import Agency
from apps.core.checks import BUSINESS_APPS
from apps.deliverables.models import Activity, Deliverable
from apps.groups.models import OutlookItem
from apps.record.services import RECORD_LOAD_REASON, record_is_loaded, record_load
from tests.services import require_postgres

from .printed_text import names_a_publication

PROJECT = Path(__file__).resolve().parents[2]


def record_models():
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical") and model.objects.exists():
                yield model


@pytest.mark.django_db
def test_every_record_starts_with_a_history_row_naming_its_publication(isecg_record):
    models = list(record_models())
    assert len(models) >= 9
    for model in models:
        for obj in model.objects.all():
            first = obj.history.earliest()
            assert first.history_type == "+"
            if hasattr(obj, "source"):
                assert names_a_publication(obj.source), f"{model.__name__} {obj}: {obj.source}"
                assert first.history_change_reason == f"{RECORD_LOAD_REASON}: {obj.source}"
            else:
                # A record without a source of its own (a consensus round) is traced through
                # the record it belongs to.
                assert first.history_change_reason.startswith(f"{RECORD_LOAD_REASON}: ISECG ")
            assert "fixture" not in first.history_change_reason
            assert ".yaml" not in first.history_change_reason


@pytest.mark.django_db
def test_the_first_row_says_which_publication_e_g_annex_ii(isecg_record):
    asa = Agency.objects.get(acronym="ASA")
    assert asa.history.earliest().history_change_reason.startswith(
        "Loaded from the ISECG record: ISECG 2025 Annual Report (March 2026), Annex II"
    )


@pytest.mark.django_db
def test_loaded_is_told_by_the_history_not_by_how_sources_are_worded(isecg_record):
    Agency.objects.update(source="Entered again by the secretariat")
    assert record_is_loaded()
    assert record_load().loaded is False


@pytest.mark.django_db
def test_a_record_loaded_without_history_is_not_loaded_over(isecg_record):
    """Plain loaddata writes no history: the record's agencies under their ids still tell it is
    there, so record_load never overwrites them."""
    for model in record_models():
        model.history.all().delete()
    assert record_is_loaded()
    assert record_load().loaded is False


@pytest.mark.django_db
def test_an_empty_database_has_no_record():
    assert not record_is_loaded()


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
