"""The sweeper: a draft the queue never took, or whose worker died, is queued again and drafted;
one that waited or was interrupted too long fails with the reason. Nothing stays queued or
running forever. (Tasks run in-process here; tests/reliability/ does it with real Redis.)"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.reports import tasks
from apps.reports.models import ReportDraft
from apps.reports.services import report_drafts_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refused(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.draft_annual_report, "delay", refused)
    return monkeypatch


def _draft(year: int = 2025, **fields) -> ReportDraft:
    fields.setdefault("version", ReportDraft.objects.filter(year=year).count() + 1)
    draft = ReportDraft.objects.create(year=year, **fields)
    if "created_at" in fields:  # auto_now_add ignores it on create
        ReportDraft.objects.filter(pk=draft.pk).update(created_at=fields["created_at"])
    return draft


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def test_a_draft_the_queue_never_took_is_drafted_once_it_is_back(isecg_record, broker_down):
    kept = _draft(waiting_reason="The task queue (Redis) cannot be reached right now...")
    result = report_drafts_sweep()
    assert (result.queued, result.still_waiting) == ([], [kept.pk])
    assert ReportDraft.objects.get(pk=kept.pk).state == "queued"  # still kept, not failed

    broker_down.undo()  # Redis is back: the task runs (in-process here)
    assert report_drafts_sweep().queued == [kept.pk]
    kept.refresh_from_db()
    assert (kept.state, kept.attempts, kept.requeues, kept.waiting_reason) == ("done", 1, 0, "")
    reasons = [h.history_change_reason for h in kept.history.order_by("history_id")]
    assert reasons[-3:] == [
        "Waiting: the task queue could not be reached",
        "Drafting started",
        f"Drafted: 8 sections, {kept.checklist_items} checklist items",
    ]
    # Among them, the two dates the sources disagree on (the chair passing to NASA).
    assert kept.checklist_items >= 2


def test_a_draft_whose_worker_died_is_queued_again_and_taken_over(isecg_record):
    lost = _draft(state="running", attempts=1, queued_at=_ago(hours=1), started_at=_ago(hours=1))
    fresh = _draft(
        state="running", attempts=1, queued_at=_ago(minutes=1), started_at=_ago(minutes=1)
    )
    waiting = _draft(queued_at=_ago(minutes=2))  # in the queue, workers busy: left alone
    assert report_drafts_sweep().queued == [lost.pk]
    lost.refresh_from_db()
    assert (lost.state, lost.attempts, lost.requeues) == ("done", 2, 1)
    reasons = [h.history_change_reason for h in lost.history.order_by("history_id")]
    assert "Queued again by the sweeper (1): its worker stopped mid-draft" in reasons
    assert "Drafting restarted (attempt 2): the previous run was interrupted" in reasons
    assert ReportDraft.objects.get(pk=fresh.pk).state == "running"
    assert ReportDraft.objects.get(pk=waiting.pk).state == "queued"


def test_hopeless_drafts_fail_with_the_reason(db, broker_down):
    old = _draft(created_at=_ago(hours=25))
    crashing = _draft(
        state="running", attempts=5, started_at=_ago(hours=1), queued_at=_ago(hours=1)
    )
    result = report_drafts_sweep()
    assert sorted(result.failed) == sorted([old.pk, crashing.pk])
    old.refresh_from_db()
    crashing.refresh_from_db()
    assert old.state == crashing.state == "failed"
    assert old.error.startswith("The request never reached the task queue within 24 hours")
    assert "Draft 2025 again once the cause is fixed." in old.error
    assert crashing.error.startswith("Drafting was interrupted 5 times")
    assert old.history.first().history_change_reason == f"Failed: {old.error}"


def test_the_command_says_what_it_did(db, broker_down, capsys):
    kept = _draft()
    call_command("sweep_report_drafts")
    assert capsys.readouterr().out.strip() == (
        f"Queued again: none. Failed: none. Still waiting for the task queue: #{kept.pk}."
    )


def test_the_sweeper_runs_on_a_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-stalled-report-drafts"]
    assert entry["task"] == tasks.sweep_report_drafts.name
    assert entry["schedule"] == 5 * 60 < settings.REPORT_DRAFT_STALE_SECONDS
