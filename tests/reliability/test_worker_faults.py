"""Workers killed mid-draft, and several workers drafting at once, through a real Redis: every
draft finishes exactly once, as one version, and no half-written file is ever served."""

import hashlib
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from apps.reports.models import ReportDraft

from .servers import manage, stop, wait_until, worker

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

VISIBILITY_TIMEOUT = 4  # seconds; production keeps Redis's hour (settings.py)


@pytest.fixture
def env(stack_env):
    return {**stack_env, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}


def _request(env, year: int) -> ReportDraft:
    command = manage(env, "draft_annual_report", str(year), "--no-wait")
    assert command.returncode == 0, command.stderr
    return ReportDraft.objects.get(pk=int(command.stdout.strip()))


def _parts(media: Path) -> list[Path]:
    return sorted(media.rglob("*.part"))


def _finished(draft: ReportDraft, seconds: float = 60) -> ReportDraft:
    def done():
        draft.refresh_from_db()
        return draft.state in ("done", "failed")

    wait_until(done, seconds=seconds, what=f"draft #{draft.pk} to finish")
    return draft


def _assert_drafted_once(draft: ReportDraft, media: Path, *, attempts: int) -> None:
    assert (draft.state, draft.attempts) == ("done", attempts), draft.error
    assert ReportDraft.objects.filter(year=draft.year).count() == 1  # one version for one request
    docx = media / draft.docx.name
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == draft.checksum
    with zipfile.ZipFile(docx) as package:  # a whole DOCX, not a torn one
        assert package.testzip() is None and "word/document.xml" in package.namelist()
    assert (media / draft.html.name).read_text().rstrip().endswith("</html>")
    assert _parts(media) == []  # the killed run's temporary files are gone too
    reasons = [h.history_change_reason for h in draft.history.order_by("history_id")]
    assert reasons.count("Drafting started") == 1
    assert reasons.count(
        f"Drafting restarted (attempt {attempts}): the previous run was interrupted"
    ) == (attempts > 1)
    assert len([r for r in reasons if r and r.startswith("Drafted: ")]) == 1


def _not_served(client, settings, draft: ReportDraft, media: Path) -> None:
    """While a draft is half-written, neither the API nor the admin hands out a file."""
    settings.MEDIA_ROOT = media
    client.force_login(get_user_model().objects.get(username="secretariat"))
    for url in (
        f"/api/v1/report-drafts/{draft.pk}/docx/",
        f"/api/v1/report-drafts/{draft.pk}/html/",
    ):
        answer = client.get(url, secure=True)
        assert answer.status_code == 409, answer.content
        assert "has no" in answer.json()["detail"]
    final_docx = media / f"reports/{draft.year}/isecg-annual-report-{draft.year}-v1.docx"
    assert not final_docx.exists()


def test_a_worker_killed_mid_write_is_redelivered_to_another_and_finishes_once(
    env, client, settings
):
    media = Path(env["ISECG_TEST_MEDIA_ROOT"])
    logs = media.parent
    first = worker(env, logs / "worker-a.log", "crashing", step_delay=0.25)
    second = None
    try:
        draft = _request(env, 2025)
        wait_until(lambda: _parts(media), seconds=60, what="the DOCX's temporary file")
        os.killpg(first.pid, signal.SIGKILL)  # the whole host gone: no clean-up, no ack
        first.wait()
        killed_at = time.monotonic()
        draft.refresh_from_db()
        assert (draft.state, draft.attempts) == ("running", 1)
        _not_served(client, settings, draft, media)

        second = worker(env, logs / "worker-b.log", "survivor")
        _finished(draft)
        redelivered_after = time.monotonic() - killed_at
        _assert_drafted_once(draft, media, attempts=2)
        assert "draft_annual_report" in (logs / "worker-b.log").read_text()
        print(
            f"FIGURE kill-worker: redelivered and finished {redelivered_after:.1f}s after SIGKILL"
        )
    finally:
        stop(first)
        if second is not None:
            stop(second)


def test_a_worker_already_running_picks_up_the_dead_workers_task_once_it_is_visible(
    env, redis_server
):
    """The survivor is up before the dead worker's task becomes visible again, so its start-up
    look misses it: its periodic look must find it within seconds, not kombu's ~100 s."""
    import redis

    media = Path(env["ISECG_TEST_MEDIA_ROOT"])
    logs = media.parent
    first = worker(env, logs / "worker-a.log", "crashing", step_delay=0.25)
    second = None
    try:
        draft = _request(env, 2025)
        wait_until(lambda: _parts(media), seconds=60, what="the DOCX's temporary file")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        [(_, delivered_at)] = redis.Redis.from_url(redis_server.url).zrange(
            "unacked_index", 0, -1, withscores=True
        )
        # Visible again 5 s from now: after the survivor's start-up look, before its periodic one.
        visibility = int(time.time() - delivered_at) + 5
        second = worker(
            {**env, "CELERY_VISIBILITY_TIMEOUT": str(visibility)}, logs / "worker-b.log", "survivor"
        )
        visible_at = time.monotonic() + 5
        _finished(draft, seconds=45)
        picked_up_after = time.monotonic() - visible_at
        _assert_drafted_once(draft, media, attempts=2)
        print(f"FIGURE live-survivor: finished {picked_up_after:.1f}s after the task was visible")
    finally:
        stop(first)
        if second is not None:
            stop(second)


def test_a_pool_process_killed_mid_draft_is_rejected_back_to_the_queue(env, client, settings):
    media = Path(env["ISECG_TEST_MEDIA_ROOT"])
    process = worker(env, media.parent / "worker.log", "prefork", step_delay=0.25, pool="prefork")
    try:
        draft = _request(env, 2024)

        def running_child():
            draft.refresh_from_db()
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            return draft.state == "running" and draft.percent >= 30 and children

        child = int(wait_until(running_child, seconds=60, what="a pool process drafting")[0])
        os.kill(child, signal.SIGKILL)  # e.g. the kernel's out-of-memory killer
        _finished(draft)
        _assert_drafted_once(draft, media, attempts=2)
        assert "WorkerLostError" in (media.parent / "worker.log").read_text()
    finally:
        stop(process)


def test_several_workers_drafting_several_years_at_once_finish_each_once(env):
    media = Path(env["ISECG_TEST_MEDIA_ROOT"])
    logs = media.parent
    # Sharing, not redelivery, is under test: a visibility timeout longer than any draft (its
    # PDF step alone can outlast the module's 4 s on a busy machine, and Redis would hand the
    # unfinished message to a second worker, a takeover the redelivery tests cover).
    sharing = {**env, "CELERY_VISIBILITY_TIMEOUT": "300"}
    workers = [
        worker(sharing, logs / f"worker-{n}.log", f"host{n}", step_delay=0.1) for n in range(3)
    ]
    try:
        # One process asks for seven years and a second version of 2025, all at once.
        years = [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2025]
        script = (
            "import django; django.setup()\n"
            "from apps.reports.services import report_draft_request\n"
            f"for year in {years}: print(report_draft_request(year=year, actor=None).pk)\n"
        )
        import subprocess
        import sys

        from .servers import PROJECT

        asked = subprocess.run(
            [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        ids = [int(line) for line in asked.stdout.split()]
        for pk in ids:
            _finished(ReportDraft.objects.get(pk=pk), seconds=90)
        drafts = list(ReportDraft.objects.filter(pk__in=ids).order_by("pk"))
        assert [(d.year, d.version, d.state, d.attempts) for d in drafts] == [
            (year, 2 if index == 7 else 1, "done", 1) for index, year in enumerate(years)
        ]
        assert len({d.docx.name for d in drafts}) == len(years)
        for draft in drafts:
            reasons = [h.history_change_reason for h in draft.history.all()]
            assert reasons.count("Drafting started") == 1
            assert len([r for r in reasons if r and r.startswith("Drafted: ")]) == 1
        handled = [(logs / f"worker-{n}.log").read_text().count("succeeded in") for n in range(3)]
        assert sum(handled) == len(years)
        assert sum(1 for count in handled if count) >= 2  # really shared between workers
        print(f"FIGURE workers: {len(years)} drafts over 3 workers {handled}, each once")
    finally:
        for process in workers:
            stop(process)
