"""PostgreSQL stopped and started again under a running gunicorn: requests during the outage
get a clean 503 (a page, or JSON from the API), never a traceback; the app recovers by itself."""

import time

import psycopg
import pytest
import requests

from .client import api_token, web_session
from .servers import PostgresCluster, gunicorn, manage, python_env, stop, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


def test_requests_during_a_database_restart_fail_cleanly_and_the_app_recovers(cluster, tmp_path):
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE isecg")
    env = python_env(DATABASE_URL=cluster.url("isecg"), REDIS_URL=None)
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        run = manage(env, *args)
        assert run.returncode == 0, run.stderr
    web, base = gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    try:
        session = web_session(base, "cochair-twg")
        api = requests.Session()
        api.headers["Authorization"] = f"Token {api_token(base, 'cochair-twg')}"
        listing = api.get(f"{base}/api/v1/deliverables/?group=TWG", timeout=10)
        assert listing.status_code == 200
        deliverable = next(
            d for d in listing.json()["results"] if d["state"] not in ("published", "withdrawn")
        )
        detail_url = deliverable["url"]
        etag = api.get(detail_url, timeout=10).headers["ETag"]

        cluster.stop()
        answers = []
        until = time.monotonic() + 3
        while time.monotonic() < until:
            answers.append(("web", session.get(f"{base}/deliverables/", timeout=10)))
            answers.append(("web", session.get(f"{base}/", timeout=10)))
            answers.append(("api", api.get(f"{base}/api/v1/deliverables/", timeout=10)))
            write = api.patch(
                detail_url, json={"percent_complete": 55}, headers={"If-Match": etag}, timeout=10
            )
            answers.append(("api", write))
        for kind, answer in answers:
            assert answer.status_code == 503, (kind, answer.status_code, answer.text[:300])
            assert "Traceback" not in answer.text and "psycopg" not in answer.text
            assert answer.headers["Retry-After"] == "30"
            if kind == "api":
                assert answer.json() == {
                    "detail": answer.json()["detail"],
                    "code": "unavailable",
                }
                assert "Nothing you sent was saved" in answer.json()["detail"]
            else:
                assert "The tracker is briefly unavailable" in answer.text
        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 503

        cluster.start()
        restarted = time.monotonic()
        wait_until(
            lambda: session.get(f"{base}/deliverables/", timeout=10).status_code == 200,
            seconds=30, what="the app to serve again", every=0.2,
        )  # fmt: skip
        recovered_in = time.monotonic() - restarted
        # Every gunicorn worker reconnected: a run of requests, all answered.
        statuses = {session.get(f"{base}/", timeout=10).status_code for _ in range(10)}
        statuses |= {
            api.get(f"{base}/api/v1/deliverables/", timeout=10).status_code for _ in range(10)
        }
        assert statuses == {200}
        saved = api.patch(
            detail_url, json={"percent_complete": 55}, headers={"If-Match": etag}, timeout=10
        )
        assert saved.status_code == 200, saved.text  # the refused write left no trace
        assert saved.json()["percent_complete"] == 55
        print(
            f"FIGURE postgres-restart: {len(answers)} requests during the outage, all 503 "
            f"(page or JSON); serving again {recovered_in:.1f}s after PostgreSQL was back"
        )
    finally:
        stop(web)
