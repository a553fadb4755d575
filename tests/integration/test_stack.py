"""The production shape without Docker: gunicorn, a Celery worker and beat as separate processes,
against the machine's real PostgreSQL and Redis, as docker-compose.yml runs them."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.services import require_postgres, require_redis

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def stack_env() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and Redis database, migrated and seeded as on first start."""
    admin_url = require_postgres()
    redis_url = require_redis().rsplit("/", 1)[0] + "/13"
    name = f"isecg_stack_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": admin_url.rsplit("/", 1)[0] + f"/{name}",
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": "stack-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    try:
        steps = (["migrate", "--noinput", "-v0"], ["seed_demo"], ["collectstatic", "--noinput"])
        for args in steps:
            run = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert run.returncode == 0, run.stderr
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, *, seconds: float = 30) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 -- loopback
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def web(stack_env, tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = start(
        [sys.executable, "-m", "gunicorn", "isecg_tracker.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        stack_env, log,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_gunicorn_serves_health_admin_and_static_files(web):
    status, body = wait_for(f"{web}/healthz")
    assert status == 200
    report = json.loads(body)
    # Every part ok; apps above core may register parts of their own (mail, ...).
    assert {"database", "broker", "cache"} <= report.keys()
    # A fresh stack's beat has not run the deadline job yet: said plainly, not as ok.
    deadline_job = report.pop("deadline job")
    assert deadline_job == "degraded: never run" or deadline_job.startswith("ok ("), deadline_job
    assert set(report.values()) == {"ok"}, report
    status, body = wait_for(f"{web}/admin/login/")
    assert status == 200
    assert b"ISECG deliverables tracker" in body
    status, _ = wait_for(f"{web}/static/admin/css/base.css")
    assert status == 200


def test_anonymous_users_are_sent_to_the_login_page(web):
    status, body = wait_for(f"{web}/admin/deliverables/deliverable/")
    assert status == 200  # urllib followed the redirect
    assert b"Sign in" in body


def test_worker_takes_a_task_from_redis_and_reads_postgresql(stack_env, tmp_path):
    worker = start(
        [sys.executable, "-m", "celery", "-A", "isecg_tracker", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--hostname", f"stack-{uuid.uuid4().hex[:6]}@%h"],
        stack_env, tmp_path / "worker.log",
    )  # fmt: skip
    try:
        client = subprocess.run(
            [sys.executable, "-c",
             "import django, json; django.setup(); "
             "from apps.record.tasks import worker_health; "
             "print(json.dumps(worker_health.delay().get(timeout=60)))"],
            cwd=PROJECT, env={**stack_env, "DJANGO_SETTINGS_MODULE": "isecg_tracker.settings"},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert client.returncode == 0, client.stderr + (tmp_path / "worker.log").read_text()
        assert json.loads(client.stdout.strip().splitlines()[-1]) == {
            "database": "postgresql",
            "members_today": 28,
        }
        assert "succeeded" in (tmp_path / "worker.log").read_text()
    finally:
        stop(worker)


def test_beat_starts_and_keeps_running(stack_env, tmp_path):
    beat = start(
        [sys.executable, "-m", "celery", "-A", "isecg_tracker", "beat", "--loglevel", "INFO",
         "--schedule", str(tmp_path / "schedule"), "--pidfile", str(tmp_path / "beat.pid")],
        stack_env, tmp_path / "beat.log",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while "beat: Starting" not in (tmp_path / "beat.log").read_text():
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "beat.log").read_text()
            time.sleep(0.3)
        time.sleep(1)
        assert beat.poll() is None
    finally:
        stop(beat)
