"""The report task through the real Redis broker to a real Celery worker, and the command
watching it there."""

import io
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

# Imported before any test app exists: celery's test fixtures forget shared tasks first
# imported while one of them is running.
from apps.reports import tasks  # noqa: F401
from apps.reports.models import ReportDraft
from apps.reports.services import draft_steps, report_draft_request
from tests.services import require_redis

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_config():
    url = require_redis()
    return {"broker_url": url, "result_backend": url, "task_always_eager": False}


@pytest.fixture
def celery_includes():
    return ["apps.reports.tasks"]


@pytest.fixture
def record(transactional_db):
    call_command("load_record", verbosity=0)


def _wait_until_finished(draft_id: int, timeout: float = 60) -> ReportDraft:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        draft = ReportDraft.objects.get(pk=draft_id)
        if draft.state in ("done", "failed"):
            return draft
        time.sleep(0.2)
    pytest.fail(f"Draft #{draft_id} did not finish within {timeout}s")


def test_a_requested_draft_is_made_by_a_worker(celery_app, celery_worker, record):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert not celery_app.conf.task_always_eager
    draft = report_draft_request(year=2025, actor=None)
    draft = _wait_until_finished(draft.pk)
    assert draft.state == "done", draft.error
    assert draft.attempts == 1
    assert Path(default_storage.path(draft.docx.name)).is_file()
    assert Path(default_storage.path(draft.html.name)).is_file()


def test_the_command_waits_for_the_worker_and_prints_progress(celery_app, celery_worker, record):
    out = io.StringIO()
    call_command("draft_annual_report", "2024", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Queued draft #")
    assert "[  0%] Reading the record" in lines
    assert f"[{dict(draft_steps(2024))['Executive Summary']:3d}%] Executive Summary" in lines
    draft = ReportDraft.objects.get()
    assert draft.state == "done"
    assert f"DOCX: {default_storage.path(draft.docx.name)}" in lines
