"""Mixed load against gunicorn + PostgreSQL: N concurrent users for S seconds, reading pages and
the API while writing progress updates, workflow moves and consensus positions, on deliverables
of their own and on one they all share. Then every acknowledged write is looked up in the
database and its history, and every refusal must be a clear 409/412.

    python bench/load_mixed.py --users 50 --seconds 60

Makes a throw-away database on the PostgreSQL server at ISECG_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrates and seeds it, starts gunicorn on a free
port, runs the load, checks, prints a summary (--json FILE writes it too) and drops the
database. Exit status 1 when any request got a 5xx, a write was lost or a refusal was unclear.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

PROJECT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "ISECG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SETUP = """
import datetime, json
from django.contrib.auth import get_user_model
from apps.api.services import api_token_create
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition
from apps.groups.models import WorkingGroup
from apps.plenary.services import consensus_round_open
User = get_user_model()
twg = WorkingGroup.objects.get(acronym="TWG")
secretariat = User.objects.get(username="secretariat")
made = []
for n in range({deliverables}):
    d = Deliverable(title=f"Load test paper {{n}}", kind="white_paper", lead_group=twg,
                    state="drafting")
    d._history_user = secretariat
    d._change_reason = "Made for the load test"
    d.save()
    made.append(d.pk)
voted = Deliverable(title="Load test round", kind="white_paper", lead_group=twg, state="submitted")
voted.save()
rnd = consensus_round_open(unreachable_acknowledged=True, deliverable=voted, actor=secretariat,
                           channel="written_procedure",
                           deadline=datetime.date.today() + datetime.timedelta(days=30))
tokens = {{u: api_token_create(actor=User.objects.get(username=u), name="load test",
                                scope="read_write").secret
          for u in ("cochair-twg", "delegate-nasa", "delegate-esa", "reader")}}
print(json.dumps({{"deliverables": made, "round": rnd.pk, "tokens": tokens}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    reads: int = 0
    acked: list = field(default_factory=list)  # (kind, marker, deliverable or round, version)
    refused: Counter = field(default_factory=Counter)
    unclear: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    latencies: list = field(default_factory=list)

    def note(self, answer: requests.Response, started: float) -> None:
        with self.lock:
            self.statuses[answer.status_code] += 1
            self.latencies.append(time.monotonic() - started)
            if answer.status_code >= 500:
                self.errors.append((answer.request.method, answer.url, answer.text[:200]))


class User:
    def __init__(self, index: int, base: str, setup: dict, tally: Tally, shared_every: int):
        self.index, self.base, self.tally = index, base, tally
        self.rng = random.Random(index)
        self.own = setup["deliverables"][index % len(setup["deliverables"])]
        self.shared = setup["deliverables"][0]
        self.round = setup["round"]
        self.shared_every = shared_every
        self.seq = 0
        self.sessions = {}
        for name, token in setup["tokens"].items():
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            self.sessions[name] = session

    def call(self, who: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        answer = self.sessions[who].request(method, self.base + path, timeout=60, **kwargs)
        self.tally.note(answer, started)
        return answer

    def marker(self, kind: str) -> str:
        self.seq += 1
        return f"load-{kind}-{self.index}-{self.seq}-{uuid.uuid4().hex[:6]}"

    def target(self) -> int:
        return self.shared if self.rng.randrange(self.shared_every) == 0 else self.own

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.5:
            self.read()
        elif roll < 0.72:
            self.progress()
        elif roll < 0.87:
            self.move()
        else:
            self.position()

    def read(self) -> None:
        path = self.rng.choice([
            "/api/v1/deliverables/?group=TWG",
            f"/api/v1/deliverables/{self.own}/",
            f"/api/v1/deliverables/{self.shared}/history/",
            f"/api/v1/consensus-rounds/{self.round}/",
            "/api/v1/agencies/?member_on=2025-06-01",
        ])  # fmt: skip
        self.call("reader", "GET", path)
        with self.tally.lock:
            self.tally.reads += 1

    def _etag(self, pk: int) -> str:
        return self.call("cochair-twg", "GET", f"/api/v1/deliverables/{pk}/").headers["ETag"]

    def _outcome(self, answer, kind, marker, ref) -> None:
        if answer.status_code in (200, 201):
            version = answer.headers.get("ETag", "").strip('"')
            with self.tally.lock:
                self.tally.acked.append((kind, marker, ref, int(version) if version else None))
        elif answer.status_code in (409, 412):
            body = answer.json()
            clear = body.get("code") in ("illegal_move", "stale") and body.get("detail")
            with self.tally.lock:
                self.tally.refused[(kind, answer.status_code)] += 1
                if not clear:
                    self.tally.unclear.append((kind, answer.status_code, answer.text[:200]))
        elif answer.status_code < 500:
            with self.tally.lock:
                self.tally.unclear.append((kind, answer.status_code, answer.text[:200]))

    def progress(self) -> None:
        pk, marker = self.target(), self.marker("progress")
        etag = self._etag(pk)
        answer = self.call(
            "cochair-twg", "PATCH", f"/api/v1/deliverables/{pk}/",
            json={"percent_complete": self.rng.randrange(101), "status_note": marker},
            headers={"If-Match": etag},
        )  # fmt: skip
        self._outcome(answer, "progress", marker, pk)

    def move(self) -> None:
        pk, marker = self.target(), self.marker("move")
        moves = self.call("cochair-twg", "GET", f"/api/v1/deliverables/{pk}/transitions/")
        to = "wg_review" if moves.json()["state"] == "drafting" else "drafting"
        answer = self.call(
            "cochair-twg", "POST", f"/api/v1/deliverables/{pk}/transitions/",
            json={"to": to, "reason": marker}, headers={"If-Match": moves.headers["ETag"]},
        )  # fmt: skip
        self._outcome(answer, "move", marker, pk)

    def position(self) -> None:
        who = self.rng.choice(["delegate-nasa", "delegate-esa"])
        marker = self.marker("position")
        choice = self.rng.choice(["concur", "no_objection", "abstain"])
        answer = self.call(
            who, "POST", f"/api/v1/consensus-rounds/{self.round}/positions/",
            json={"position": choice, "rationale": marker},
        )  # fmt: skip
        self._outcome(answer, "position", marker, self.round)


def verify(database_url: str, tally: Tally) -> dict:
    """Every acknowledged write in the database and its history; the last one per deliverable
    is what the row holds now."""
    lost = []
    with psycopg.connect(database_url) as conn:
        for kind, marker, ref, _ in tally.acked:
            if kind == "progress":
                query = (
                    "SELECT count(*) FROM deliverables_historicaldeliverable "
                    "WHERE id = %s AND status_note = %s"
                )
                # Later history rows carry the note on: at least the update's own row.
                found = min(conn.execute(query, (ref, marker)).fetchone()[0], 1)
            elif kind == "move":
                query = (
                    "SELECT count(*) FROM deliverables_historicaldeliverable "
                    "WHERE id = %s AND history_change_reason LIKE %s"
                )
                found = conn.execute(query, (ref, f"%: {marker}")).fetchone()[0]
            else:
                kept = conn.execute(
                    "SELECT count(*) FROM plenary_position WHERE round_id = %s AND rationale = %s",
                    (ref, marker),
                ).fetchone()[0]
                history = conn.execute(
                    "SELECT count(*) FROM plenary_historicalposition WHERE rationale = %s",
                    (marker,),
                ).fetchone()[0]
                found = 1 if kept == history == 1 else 0
            if found != 1:
                lost.append((kind, marker, found))
        latest: dict[int, tuple[int, str]] = {}
        for kind, marker, ref, version in tally.acked:
            if kind == "progress" and version and version > latest.get(ref, (0, ""))[0]:
                latest[ref] = (version, marker)
        for pk, (_, marker) in latest.items():
            note = conn.execute(
                "SELECT status_note FROM deliverables_deliverable WHERE id = %s", (pk,)
            ).fetchone()[0]
            if note != marker:
                lost.append(("last progress not kept", marker, note))
    return {"lost": lost}


def run(users: int, seconds: float, *, workers: int = 3, threads: int = 4) -> dict:
    name = f"isecg_load_{uuid.uuid4().hex[:8]}"
    database_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "isecg_tracker.settings",
        # The simulated users share a few accounts: the per-person rate would throttle them
        # as one person, which is not the load being measured.
        "THROTTLE_RATES": "moves=1000000/minute",
    }
    env.pop("REDIS_URL", None)  # no report drafting here: tasks, if any, run in-process
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    gunicorn = None
    try:
        for args in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True,
                capture_output=True, timeout=300,
            )  # fmt: skip
        made = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n"
             + SETUP.format(deliverables=max(users // 2, 2))],
            cwd=PROJECT, env=env, check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        port = free_port()
        # Kept after the run (delete=False) for a look at what the server logged.
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", prefix=f"{name}-", suffix="-gunicorn.log", delete=False
        )
        # Keep-alive longer than a user's pause between calls, as a proxy in front would: with
        # gunicorn's 2 s default a reused idle connection can be closed under the client.
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "isecg_tracker.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
             "--timeout", "60", "--keep-alive", "30"],
            cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.3)

        tally = Tally()
        people = [User(i, base, setup, tally, shared_every=4) for i in range(users)]
        stop_at = time.monotonic() + seconds

        def work(user: User) -> None:
            while time.monotonic() < stop_at:
                try:
                    user.step()
                except requests.RequestException as exc:
                    with tally.lock:
                        tally.errors.append(("connection", type(exc).__name__, str(exc)[:200]))

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=users) as pool:
            list(pool.map(work, people))
        elapsed = time.monotonic() - started
        checked = verify(database_url, tally)
        latencies = sorted(tally.latencies)
        kinds = Counter(kind for kind, *_ in tally.acked)
        return {
            "users": users,
            "seconds": round(elapsed, 1),
            "requests": sum(tally.statuses.values()),
            "requests_per_second": round(sum(tally.statuses.values()) / elapsed, 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000) if latencies else None,
            "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000) if latencies else None,
            "statuses": dict(sorted(tally.statuses.items())),
            "reads": tally.reads,
            "writes_acknowledged": dict(kinds),
            "refused": {f"{kind} {code}": n for (kind, code), n in sorted(tally.refused.items())},
            "server_errors": tally.errors,
            "unclear_refusals": tally.unclear,
            "lost_writes": checked["lost"],
        }
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def passed(summary: dict) -> bool:
    return not (summary["server_errors"] or summary["unclear_refusals"] or summary["lost_writes"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--json", help="also write the summary to this file")
    options = parser.parse_args()
    summary = run(options.users, options.seconds, workers=options.workers, threads=options.threads)
    text = json.dumps(summary, indent=2)
    print(text)
    if options.json:
        Path(options.json).write_text(text)
    return 0 if passed(summary) else 1


if __name__ == "__main__":
    sys.exit(main())
