"""`manage.py draft_annual_report YEAR`: progress per section, the files, --no-wait, failures."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.reports import tasks
from apps.reports.models import ReportDraft
from apps.reports.services import draft_steps

# The request commits before the task is queued, as in production: real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def _eager(value: bool):
    conf = tasks.draft_annual_report.app.conf
    before = conf.task_always_eager
    conf.task_always_eager = value
    yield
    conf.task_always_eager = before


@pytest.fixture
def in_process():
    """No broker: the task runs inside the command (whatever REDIS_URL says for other tests)."""
    yield from _eager(True)


@pytest.fixture
def broker_without_worker(monkeypatch):
    monkeypatch.setattr(tasks.draft_annual_report, "delay", lambda *args: None)
    yield from _eager(False)


@pytest.fixture
def record(transactional_db):
    call_command("load_record", verbosity=0)


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("draft_annual_report", *args, stdout=out)
    return out.getvalue().splitlines()


def test_drafts_printing_a_line_per_section_then_the_files(record, in_process):
    lines = _run("2025")
    steps = [f"[{percent:3d}%] {title}" for title, percent in draft_steps(2025)]
    assert lines[: len(steps)] == steps
    assert "Executive Summary" in lines[1] and "Annex IV: ISECG at a Glance" in lines[7]
    draft = ReportDraft.objects.get()
    assert lines[len(steps)].startswith(
        f"Draft #{draft.pk} of the 2025 Annual Report, version 1: done, "
    )
    docx = Path(next(line for line in lines if line.startswith("DOCX: "))[6:])
    html = Path(next(line for line in lines if line.startswith("HTML: "))[6:])
    assert docx.is_file() and docx.name == "isecg-annual-report-2025-v1.docx"
    assert html.is_file() and html.name == "isecg-annual-report-2025-v1.html"
    assert draft.origin == "command" and draft.requested_by is None
    assert _run("2025")[-5].startswith(
        f"Draft #{draft.pk + 1} of the 2025 Annual Report, version 2"
    )


def test_no_wait_prints_the_drafts_id_at_once(record, in_process):
    lines = _run("2024", "--no-wait")
    assert len(lines) == 1 and re.fullmatch(r"\d+", lines[0])
    draft = ReportDraft.objects.get(pk=int(lines[0]))
    assert (draft.year, draft.version) == (2024, 1)


def test_a_refused_request_is_a_command_error(record, in_process):
    with pytest.raises(CommandError, match="2031 has not begun"):
        _run("2031")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _run("2025", "--user", "nobody")
    from tests.factories import UserFactory

    UserFactory(username="reader")
    with pytest.raises(CommandError, match="Only the secretariat may draft"):
        _run("2025", "--user", "reader")
    assert not ReportDraft.objects.exists()


def test_a_failed_draft_says_why(record, in_process, settings, tmp_path):
    settings.REPORTS_DOCX_TEMPLATE = str(tmp_path / "missing.docx")
    with pytest.raises(CommandError) as failed:
        _run("2025")
    assert "version 1 failed: The Word template" in str(failed.value)
    assert "git checkout" in str(failed.value)


def test_without_a_worker_it_says_so_instead_of_waiting_forever(record, broker_without_worker):
    with pytest.raises(CommandError) as waiting:
        _run("2025", "--timeout", "0")
    assert "is still queued (0% done)" in str(waiting.value)
    assert "Is a Celery worker running (make worker)?" in str(waiting.value)
