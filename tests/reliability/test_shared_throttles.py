"""Throttles through real gunicorn workers (production settings): two worker processes share
one count in Redis, and with Redis unreachable the sign-in throttles refuse for now ("try
again shortly") while reads, and signing in through the page (counted in the database), go on.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .client import DEMO_PASSWORD, api_token, post_form, web_session
from .servers import gunicorn, stop

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

# Each access-log line names the worker process that answered.
ACCESS_LOG = "--access-logfile - --access-logformat 'served-by %(p)s %(m)s %(U)s %(s)s'"
TOKEN_LIMIT = 10  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"]: 10/minute per address


def wait_for_a_fresh_minute_window(needed_seconds: float) -> None:
    """The per-minute counter restarts on the minute: start where the whole run fits."""
    into_minute = time.time() % 60
    if into_minute > 60 - needed_seconds:
        time.sleep(60 - into_minute + 0.5)


def test_two_gunicorn_workers_share_one_count(stack_env, redis_server, tmp_path):
    log = tmp_path / "gunicorn.log"
    env = {**stack_env, "CACHE_URL": redis_server.url, "GUNICORN_CMD_ARGS": ACCESS_LOG}
    process, base = gunicorn(env, log, workers=2)
    try:
        wait_for_a_fresh_minute_window(needed_seconds=30)

        def attempt(n: int) -> int:
            answer = requests.post(
                f"{base}/api/v1/auth/token/",
                json={"username": f"nobody-{n}", "password": "a wrong password"},
                timeout=30,
            )
            return answer.status_code

        # Four at a time, so both workers (one request each at a time) must answer some.
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(attempt, range(30)))
        seconds = time.monotonic() - started

        def token_lines() -> list[tuple[str, str]]:
            pattern = r"served-by <(\d+)> POST /api/v1/auth/token/ (\d+)"
            return re.findall(pattern, log.read_text())

        deadline = time.monotonic() + 10
        while len(token_lines()) < 30 and time.monotonic() < deadline:
            time.sleep(0.2)
        lines = token_lines()
        assert len(lines) == 30, log.read_text()[-3000:]
        by_worker = {pid: [int(s) for p, s in lines if p == pid] for pid, _ in lines}
        assert len(by_worker) == 2, by_worker  # both workers answered
        assert sorted(statuses) == [401] * TOKEN_LIMIT + [429] * (30 - TOKEN_LIMIT)
        print(
            f"\nshared count: 30 token attempts over 2 workers in {seconds:.1f}s: "
            f"{statuses.count(401)} tried, {statuses.count(429)} throttled; per worker "
            + ", ".join(
                f"pid {pid}: {s.count(401)} tried / {s.count(429)} throttled"
                for pid, s in by_worker.items()
            )
        )
    finally:
        stop(process)


def test_with_redis_unreachable_sign_in_throttles_refuse_and_reads_answer(
    stack_env, redis_server, tmp_path
):
    # The throttle counters in the Redis this test stops (not the caller's CACHE_URL).
    env = {**stack_env, "CACHE_URL": redis_server.url}
    process, base = gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    try:
        token = api_token(base, "secretariat")
        redis_server.stop()

        # The token endpoint, where a password is tried: refused for now, and told why.
        started = time.monotonic()
        answer = requests.post(
            f"{base}/api/v1/auth/token/",
            json={"username": "cochair-twg", "password": DEMO_PASSWORD},
            timeout=30,
        )
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "try_again_shortly"
        assert "Try again shortly" in answer.json()["detail"]
        assert answer.headers["Retry-After"] == "30"
        token_seconds = time.monotonic() - started

        # A password reset mails someone: refused for now, nothing sent.
        browser = requests.Session()
        browser.get(f"{base}/accounts/password_reset/", timeout=10)
        reset = post_form(browser, f"{base}/accounts/password_reset/", {"email": "a@example.org"})
        assert reset.status_code == 503
        assert "Try again shortly" in reset.text and "Traceback" not in reset.text

        # Reads answer, by token and through the pages; signing in through the login page still
        # works, since its counts are in the database.
        read = requests.get(
            f"{base}/api/v1/agencies/", headers={"Authorization": f"Token {token}"}, timeout=30
        )
        assert read.status_code == 200 and read.json()["count"] > 0
        person = web_session(base, "cochair-twg")
        assert person.get(f"{base}/deliverables/", timeout=30).status_code == 200
        print(
            f"\nRedis down: token endpoint 503 in {token_seconds:.2f}s, password reset 503, "
            "API read 200, sign-in page 302, deliverables page 200"
        )
    finally:
        stop(process)
