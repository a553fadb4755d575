"""What every benchmark shares: a database per scale, a real gunicorn server, signed-in clients.

Each benchmark runs its servers side by side in one run and reports ratios, so that a noisy,
shared machine moves both sides of a ratio alike. Medians are taken over repeated rounds.
"""

import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-not-secret"  # noqa: S105 -- local benchmark accounts only
ROLES = ("secretariat", "cochair-twg", "delegate-nasa", "reader")
SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF"  # noqa: S105


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def base_env(db_name: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db_name),
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEMO_PASSWORD": PASSWORD,
        # Production settings, served over plain http on loopback.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
    }
    env.pop("REDIS_URL", None)  # report drafts in benchmarks run in-process unless asked
    env.update(extra)
    return env


def manage(db_name: str, *args: str, **env: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=base_env(db_name, **env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def scale_db_name(scale: float) -> str:
    return f"isecg_bench_s{scale:g}".replace(".", "_")


def ensure_scale_database(scale: float, *, fresh: bool = False) -> str:
    """A database holding the record, the demo accounts and `scale` of synthetic data."""
    name = scale_db_name(scale)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    ready = False
    with (
        psycopg.connect(database_url(name)) as conn,
        contextlib.suppress(psycopg.errors.UndefinedTable),
    ):
        ready = bool(
            conn.execute(
                "SELECT 1 FROM deliverables_deliverable WHERE source LIKE 'synthetic%%' LIMIT 1"
            ).fetchone()
        )
    manage(name, "migrate", "--noinput", "-v0")
    manage(name, "seed_demo")
    if not ready:
        print(f"  generating --scale {scale:g} in {name} ...", flush=True)
        started = time.perf_counter()
        manage(name, "generate_scale_data", "--scale", f"{scale:g}", "-v0")
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    manage(name, "collectstatic", "--noinput", "-v0")
    # As autovacuum keeps a production database (off on some test machines): statistics,
    # visibility map, GIN pending lists merged.
    manage(
        name,
        "shell",
        "-c",
        "from django.db import connection;connection.cursor().execute('VACUUM ANALYZE')",
    )
    return name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(db_name: str, *, workers: int = 1, threads: int = 1) -> Iterator[str]:
    """A real gunicorn server over `db_name`; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "isecg_tracker.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=base_env(db_name),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.RequestException):
                if client().get(f"{url}/livez", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn over {db_name} did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def client() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # talk to the local server directly, never through a proxy
    return session


def signed_in(url: str, username: str) -> requests.Session:
    session = client()
    page = session.get(f"{url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{url}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=10,
    )
    if "logout" not in response.text.lower():
        raise SystemExit(f"could not sign in as {username} at {url}")
    return session


def timed_get(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=60)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_section(name: str, text: str) -> None:
    """Replace the section between the markers of `name` in BENCHMARKS.md (or append it)."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in content:
        before, rest = content.split(start, 1)
        content = before + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    path.write_text(content)


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
