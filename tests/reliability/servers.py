"""Real servers the fault tests own: a Redis and a PostgreSQL on free ports, gunicorn, Celery
workers, each a subprocess the test may stop, kill and start again. The machine's own
PostgreSQL and Redis are never touched."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

PROJECT = Path(__file__).resolve().parents[2]
TEST_SECRET_KEY = "reliability-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
POSTGRES_BIN = Path(os.environ.get("ISECG_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def missing(what: str) -> None:
    """Skip with the reason on a laptop; fail on CI, which must run every fault test."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; CI must run the fault tests against real servers.")
    pytest.skip(f"{what}; install it to run this test.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=PROJECT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(check, *, seconds: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {seconds}s waiting for {what}")
        time.sleep(every)


class RedisServer:
    """redis-server on a free port, without persistence: a restart loses every message, the
    worst case for the sweeper."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server is not installed (Debian package redis-server)")
        self.port = free_port()
        self.log = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = start(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            dict(os.environ), self.log,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(lambda: _pings(client), seconds=10, what=f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class PostgresCluster:
    """A PostgreSQL 15 cluster of its own (initdb in a temp folder, run as the postgres user
    since the server refuses root), on a free port."""

    def __init__(self) -> None:
        for tool in ("initdb", "postgres", "pg_ctl"):
            if not (POSTGRES_BIN / tool).exists():
                missing(f"{POSTGRES_BIN / tool} is missing (Debian package postgresql-15)")
        self.as_postgres = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        if self.as_postgres and shutil.which("runuser") is None:
            missing("runuser is needed to run PostgreSQL as the postgres user")
        self.root = Path(tempfile.mkdtemp(prefix="isecg-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            [*self.as_postgres, str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U",
             "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.process: subprocess.Popen | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*self.as_postgres, str(POSTGRES_BIN / "postgres"), "-D", str(self.data),
             "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
             "-c", f"unix_socket_directories={self.root}", "-c", "fsync=off"],
            stdout=(self.root / "server.log").open("a"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_until(self._ready, seconds=30, what=f"PostgreSQL on {self.port}")

    def _ready(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url(), connect_timeout=2).close()
            return True
        except psycopg.Error:
            return False

    def stop(self) -> None:
        """A fast shutdown, as `systemctl stop postgresql` does: sessions are cut."""
        if self.process is not None:
            self._pg_ctl("fast")
            self.process.wait(timeout=30)
            self.process = None

    def _pg_ctl(self, mode: str) -> None:
        # Through pg_ctl: runuser does not pass signals on to the server it started.
        subprocess.run(
            [*self.as_postgres, str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode,
             "-w", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip

    def remove(self) -> None:
        if self.process is not None:
            self._pg_ctl("immediate")
            self.process.wait(timeout=30)
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


def python_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": TEST_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "isecg_tracker.settings",
        "PYTHONUNBUFFERED": "1",
        # Plain http on the loopback: the production HTTPS redirect and secure cookies off.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 1):
    """gunicorn on a free port; returns (process, base URL) once it answers."""
    port = free_port()
    process = start(
        [sys.executable, "-m", "gunicorn", "isecg_tracker.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--timeout", "60"],
        env, log,
    )  # fmt: skip
    return serving(process, f"http://127.0.0.1:{port}", log, what="gunicorn")


def serving(
    process: subprocess.Popen, base: str, log: Path, *, what: str, path: str = "/accounts/login/"
) -> tuple[subprocess.Popen, str]:
    """Wait until the server just started answers 200 on `path`; stop it if it never does (a
    failed start must not leave a server behind for the rest of the run)."""
    import requests

    def up() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return requests.get(f"{base}{path}", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(up, seconds=60, what=what, every=0.3)
    except BaseException:
        stop(process)
        raise
    return process, base


def worker(env: dict[str, str], log: Path, name: str, *, step_delay: float = 0, pool="solo"):
    """A Celery worker as its own process (as on its own host), optionally slowed per step."""
    return start(
        [sys.executable, str(Path(__file__).with_name("worker.py")), "--pool", pool,
         "--concurrency", "1", "--hostname", f"{name}@%h", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        {**env, "ISECG_TEST_STEP_DELAY": str(step_delay)}, log,
    )  # fmt: skip
