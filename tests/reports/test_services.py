"""Requesting drafts (versions, permissions), drafting them (idempotent, resumable, atomic files,
failures a person can act on), the secretariat's narrative and the January schedule."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.db.models import F

from apps.core.errors import ApplicationError
from apps.reports import files, services, tasks
from apps.reports.models import ReportDraft, ReportNarrative
from apps.reports.narratives import report_narrative_write
from apps.reports.services import (
    annual_report_draft,
    annual_report_draft_scheduled,
    report_draft_request,
)
from apps.reports.signals import draft_progressed

from .docx_reading import read_docx, under

pytestmark = pytest.mark.django_db


def _files(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


# --- requesting ---------------------------------------------------------------------------


def test_each_request_is_the_years_next_version(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        first = report_draft_request(year=2025, actor=cast.secretariat)
        second = report_draft_request(year=2025, actor=cast.secretariat)
        other_year = report_draft_request(year=2024, actor=None)
    assert (first.version, second.version, other_year.version) == (1, 2, 1)
    assert first.state == "queued" and first.requested_by == cast.secretariat
    assert first.origin == "app" and other_year.origin == "beat"
    assert len(queued) == 3  # one task per request, queued once the request is committed
    history = first.history.get()
    assert history.history_change_reason == "Requested by secretariat"
    assert history.history_user == cast.secretariat


def test_a_version_taken_meanwhile_is_retried_with_the_next(cast, monkeypatch):
    report_draft_request(year=2025, actor=cast.secretariat)
    stale = iter([0, 1])  # the first read misses the version another request just took
    monkeypatch.setattr(services, "_latest_version", lambda year: next(stale))
    draft = report_draft_request(year=2025, actor=cast.secretariat)
    assert draft.version == 2
    assert list(ReportDraft.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.parametrize("role", ["reader", "cochair", "delegate", "sam"])
def test_only_the_secretariat_may_request(cast, role):
    with pytest.raises(ApplicationError) as refused:
        report_draft_request(year=2025, actor=cast.by_role(role))
    assert refused.value.code == "forbidden"
    assert "Only the secretariat" in refused.value.message
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize(
    ("year", "says"),
    [(2006, "ISECG began in 2007"), (2027, "2027 has not begun"), (1900, "no annual report")],
)
def test_a_year_without_a_report_is_refused_with_the_years_that_have_one(cast, year, says):
    with pytest.raises(ApplicationError) as refused:
        report_draft_request(year=year, actor=cast.secretariat)
    assert says in refused.value.message
    assert "Give a year from 2007 to 2026" in refused.value.message
    assert not ReportDraft.objects.exists()


# --- drafting -----------------------------------------------------------------------------


def test_a_draft_is_done_with_both_files_their_checksum_and_its_history(
    isecg_record, draft_year, media_root
):
    draft = draft_year(2025)
    assert draft.state == "done" and draft.percent == 100 and draft.error == ""
    assert draft.docx.name == "reports/2025/isecg-annual-report-2025-v1.docx"
    assert draft.html.name == "reports/2025/isecg-annual-report-2025-v1.html"
    docx = Path(default_storage.path(draft.docx.name))
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == draft.checksum
    assert draft.started_at <= draft.finished_at
    assert draft.checklist_items > 0
    assert draft.pdf.name == "reports/2025/isecg-annual-report-2025-v1.pdf"
    # no temporary left
    assert _files(media_root) == [draft.docx.name, draft.html.name, draft.pdf.name]
    reasons = list(
        draft.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == "Requested by the draft_annual_report command"
    assert reasons[1] == "Drafting started"
    assert reasons[-1].startswith("Drafted: 8 sections")


def test_progress_is_recorded_section_by_section(isecg_record, secretariat):
    draft = report_draft_request(year=2025, actor=secretariat)
    seen = []

    def watch(sender, *, draft_id, section, percent, **kwargs):
        row = ReportDraft.objects.get(pk=draft_id)
        seen.append((row.current_section, row.percent, row.state))
        assert (section, percent) == (row.current_section, row.percent)

    draft_progressed.connect(watch)
    try:
        annual_report_draft(draft_id=draft.pk)
    finally:
        draft_progressed.disconnect(watch)
    assert [s for s, _, _ in seen] == [title for title, _ in services.draft_steps(2025)]
    percents = [p for _, p, _ in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] < 100
    assert {state for _, _, state in seen} == {"running"}


def test_a_retried_or_redelivered_done_draft_is_never_redone(isecg_record, draft_year, media_root):
    draft = draft_year(2025)
    docx = Path(default_storage.path(draft.docx.name))
    before = (docx.stat().st_mtime_ns, draft.history.count())
    again = annual_report_draft(draft_id=draft.pk)
    result = tasks.draft_annual_report.apply(args=[draft.pk]).get()
    assert result == "done"
    assert again.pk == draft.pk and again.checksum == draft.checksum and again.attempts == 1
    assert (docx.stat().st_mtime_ns, draft.history.count()) == before
    assert ReportDraft.objects.count() == 1
    assert len(_files(media_root)) == 3


def test_a_draft_left_running_by_a_lost_worker_is_taken_over(isecg_record, secretariat):
    draft = report_draft_request(year=2025, actor=secretariat)
    # A worker claimed it and died: acks late, so the broker redelivers the task.
    ReportDraft.objects.filter(pk=draft.pk).update(
        state="running", attempts=1, current_section="Annex II: ISECG Members", percent=45
    )
    done = annual_report_draft(draft_id=draft.pk)
    assert done.state == "done" and done.attempts == 2 and done.version == 1
    assert ReportDraft.objects.count() == 1
    assert done.history.filter(history_change_reason__startswith="Drafting restarted").exists()


def test_a_superseded_run_stops_and_writes_nothing(isecg_record, secretariat, media_root):
    draft = report_draft_request(year=2025, actor=secretariat)

    def redelivered(sender, *, draft_id, section, **kwargs):
        if section == "Annex II: ISECG Members":
            # Meanwhile the task was redelivered and another worker claimed the draft.
            ReportDraft.objects.filter(pk=draft_id).update(attempts=F("attempts") + 1)

    draft_progressed.connect(redelivered)
    try:
        stopped = annual_report_draft(draft_id=draft.pk)
    finally:
        draft_progressed.disconnect(redelivered)
    assert stopped.state == "running" and stopped.attempts == 2
    assert _files(media_root) == []
    finished = annual_report_draft(draft_id=draft.pk)  # the newer delivery, run again here
    assert finished.state == "done" and finished.attempts == 3
    assert len(_files(media_root)) == 3


def test_a_write_that_fails_leaves_no_half_written_file(
    isecg_record, secretariat, media_root, monkeypatch
):
    draft = report_draft_request(year=2025, actor=secretariat)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    failed = annual_report_draft(draft_id=draft.pk)
    assert failed.state == "failed" and failed.finished_at is not None
    assert "could not be written" in failed.error and "No space left on device" in failed.error
    assert "may write to it, then draft 2025 again" in failed.error
    assert _files(media_root) == []  # neither the final files nor a temporary one
    assert failed.docx.name == "" and failed.checksum == ""


def test_a_missing_template_fails_with_how_to_restore_it(
    isecg_record, secretariat, settings, tmp_path
):
    settings.REPORTS_DOCX_TEMPLATE = str(tmp_path / "gone.docx")
    draft = report_draft_request(year=2025, actor=secretariat)
    failed = annual_report_draft(draft_id=draft.pk)
    assert failed.state == "failed"
    assert failed.current_section == "Writing the DOCX"
    assert "gone.docx is missing" in failed.error
    assert "git checkout -- apps/reports/templates/reports/annual_report.docx" in failed.error
    assert failed.history.filter(history_change_reason__startswith="Failed:").exists()
    # A failed draft stays failed: a retry does not redo it; a new request makes version 2.
    assert annual_report_draft(draft_id=draft.pk).state == "failed"
    del settings.REPORTS_DOCX_TEMPLATE
    assert report_draft_request(year=2025, actor=secretariat).version == 2


def test_a_template_broken_while_restyling_fails_with_what_to_check(
    isecg_record, secretariat, settings, tmp_path
):
    import docx

    from apps.reports.render import DOCX_TEMPLATE

    restyled = docx.Document(str(DOCX_TEMPLATE))
    last_tag = [p for p in restyled.paragraphs if p.text == "{%p endfor %}"][-1]
    last_tag._element.getparent().remove(last_tag._element)  # a tag deleted by mistake
    restyled.save(str(tmp_path / "restyled.docx"))
    settings.REPORTS_DOCX_TEMPLATE = str(tmp_path / "restyled.docx")
    draft = report_draft_request(year=2025, actor=secretariat)
    failed = annual_report_draft(draft_id=draft.pk)
    assert failed.state == "failed"
    assert "restyled.docx could not be filled" in failed.error
    assert "compare it with the committed template" in failed.error


def test_an_unexpected_error_names_the_section_and_the_draft(
    isecg_record, secretariat, monkeypatch
):
    from apps.reports.content import ReportBuilder

    def broken(self):
        raise ValueError("agency without a country")

    monkeypatch.setattr(ReportBuilder, "_members", broken)
    draft = report_draft_request(year=2025, actor=secretariat)
    failed = annual_report_draft(draft_id=draft.pk)
    assert failed.state == "failed"
    assert failed.error.startswith(
        "Drafting stopped at 'Annex II: ISECG Members': ValueError: agency without a country."
    )
    assert f"quoting draft #{draft.pk} (2025, version 1)" in failed.error


def test_a_database_outage_is_left_to_the_task_to_retry(
    isecg_record, secretariat, monkeypatch, media_root
):
    draft = report_draft_request(year=2025, actor=secretariat)
    real = services.report_facts
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_facts", flaky)
    with pytest.raises(OperationalError):
        annual_report_draft(draft_id=draft.pk)
    assert ReportDraft.objects.get(pk=draft.pk).state == "running"  # not failed: retryable
    # The task retries (in-process here) and the retry takes the draft over.
    calls.clear()
    result = tasks.draft_annual_report.apply(args=[draft.pk], throw=False)
    assert result.get() == "done"
    assert ReportDraft.objects.get(pk=draft.pk).attempts == 3
    assert len(_files(media_root)) == 3


def test_an_unreachable_broker_keeps_the_request_queued_and_says_so(cast, monkeypatch):
    from kombu.exceptions import OperationalError as BrokerError

    def no_broker(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.draft_annual_report, "delay", no_broker)
    draft = report_draft_request(year=2025, actor=cast.secretariat)
    assert services._queue(draft.pk, draft) is False
    assert "The request is kept" in draft.waiting_reason  # the caller's copy, for the page
    draft.refresh_from_db()
    assert (draft.state, draft.queued_at, draft.error) == ("queued", None, "")
    assert "cannot be reached right now" in draft.waiting_reason
    assert draft.history.first().history_change_reason == (
        "Waiting: the task queue could not be reached"
    )


def test_an_unknown_draft_is_refused(db):
    with pytest.raises(ApplicationError) as refused:
        annual_report_draft(draft_id=999)
    assert refused.value.code == "not_found"


# --- the narrative and the schedule -------------------------------------------------------


def test_the_secretariats_narrative_replaces_the_drafted_summary(
    isecg_record, secretariat, draft_year
):
    text = "In 2025, ISECG welcomed Greece.\n\nNASA chaired the group."
    narrative = report_narrative_write(year=2025, executive_summary=text, actor=secretariat)
    assert narrative.written_by == secretariat
    assert narrative.history.get().history_change_reason == "Written"
    draft = draft_year(2025)
    summary = under(read_docx(default_storage.path(draft.docx.name)), "Executive Summary", 1)
    assert [(p.style, p.text) for p in summary] == [
        ("Normal", "In 2025, ISECG welcomed Greece."),
        ("Normal", "NASA chaired the group."),
    ]
    rewritten = report_narrative_write(year=2025, executive_summary="Shorter.", actor=secretariat)
    assert rewritten.pk == narrative.pk and ReportNarrative.objects.count() == 1
    assert rewritten.history.first().history_change_reason == "Rewritten"


def test_only_the_secretariat_writes_the_narrative(cast):
    with pytest.raises(ApplicationError) as refused:
        report_narrative_write(year=2025, executive_summary="Mine.", actor=cast.cochair_twg)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError, match="Write the Executive Summary"):
        report_narrative_write(year=2025, executive_summary="  ", actor=cast.secretariat)


def test_the_january_schedule_drafts_last_year_once(db, django_capture_on_commit_callbacks):
    entry = django_settings.CELERY_BEAT_SCHEDULE["draft-previous-year-annual-report"]
    assert entry["task"] == tasks.draft_previous_year_report.name
    assert entry["schedule"].month_of_year == {1} and entry["schedule"].day_of_month == {15}
    january = datetime.date(2026, 1, 15)
    with django_capture_on_commit_callbacks() as queued:
        first = annual_report_draft_scheduled(today=january)
        again = annual_report_draft_scheduled(today=january)
    assert first.pk == again.pk
    assert (first.year, first.origin, first.requested_by) == (2025, "beat", None)
    assert len(queued) == 1
