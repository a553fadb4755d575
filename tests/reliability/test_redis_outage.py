"""Redis down when a report is requested through the web, the API and the command: the person
is told, the request is kept, and it is drafted once Redis is back; nothing stays queued."""

import time

import pytest
import requests

from apps.reports.models import ReportDraft

from .client import api_token, post_form, web_session
from .servers import gunicorn, manage, stop, wait_until, worker

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]


def test_requests_made_while_redis_is_down_are_kept_and_drafted_when_it_is_back(
    stack_env, redis_server, tmp_path
):
    web, base = gunicorn(stack_env, tmp_path / "gunicorn.log")
    drafter = None
    try:
        session = web_session(base, "secretariat")
        token = api_token(base, "secretariat")
        redis_server.stop()

        # The web: a warning that says what happens next, on the draft's own page.
        started = time.monotonic()
        page = post_form(session, f"{base}/reports/request/", {"year": "2025"})
        web_seconds = time.monotonic() - started
        assert page.status_code == 200 and "/reports/" in page.url, page.text[:500]
        assert "cannot be reached right now" in page.text
        assert "The request is kept" in page.text
        assert "Traceback" not in page.text

        # The API: 202 Accepted, the draft queued, the reason in the body.
        answer = requests.post(
            f"{base}/api/v1/report-drafts/",
            json={"year": 2024},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["state"] == "queued"
        assert "queued automatically as soon as the queue is back" in body["waiting_reason"]

        # The command: exit 75 (try later), saying the draft is kept.
        command = manage(stack_env, "draft_annual_report", "2023")
        assert command.returncode == 75, command.stdout + command.stderr
        assert "is kept queued" in command.stderr
        assert "cannot be reached right now" in command.stderr

        drafts = list(ReportDraft.objects.order_by("pk"))
        assert [(d.year, d.state, d.queued_at) for d in drafts] == [
            (2025, "queued", None),
            (2024, "queued", None),
            (2023, "queued", None),
        ]
        assert all(d.waiting_reason for d in drafts)

        # Redis is back (empty: it kept nothing), a worker starts, the sweeper runs.
        redis_server.start()
        drafter = worker(stack_env, tmp_path / "worker.log", "outage")
        sweep = manage(stack_env, "sweep_report_drafts")
        assert sweep.returncode == 0, sweep.stderr
        ids = ", ".join(f"#{d.pk}" for d in drafts)
        assert sweep.stdout.strip().startswith(f"Queued again: {ids}. Failed: none.")

        def all_finished():
            states = set(ReportDraft.objects.values_list("state", flat=True))
            return states <= {"done", "failed"} and states

        wait_until(all_finished, seconds=60, what="the kept drafts to be drafted")
        for draft in ReportDraft.objects.order_by("pk"):
            assert (draft.state, draft.version, draft.attempts) == ("done", 1, 1), draft.error
            assert draft.waiting_reason == ""
        status = session.get(f"{base}/reports/{drafts[0].pk}/status/", timeout=10)
        assert "Download the DOCX" in status.text
        print(
            f"FIGURE redis-outage: 3 requests kept (web answered in {web_seconds:.1f}s), 3 drafted"
        )
    finally:
        if drafter is not None:
            stop(drafter)
        stop(web)
