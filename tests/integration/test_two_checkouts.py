"""The production shape from two checkouts, as docker-compose.yml runs two containers: gunicorn
from one copy of the project, a Celery worker from another, sharing only what the compose file
gives both: the database, Redis and one media volume (MEDIA_ROOT). A person asks for a draft on
the web, the worker writes it, and the web's download link hands out the worker's DOCX.

The reported failure is reproduced too: with a media folder each (no shared volume), the draft
is done but its download is a 404.
"""

import hashlib
import io
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import psycopg
import pytest
import yaml

from tests.integration.test_real_servers import Client
from tests.reliability.servers import (
    RedisServer,
    free_port,
    missing,
    python_env,
    serving,
    stop,
    wait_until,
)
from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

PROJECT = Path(__file__).resolve().parents[2]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def checkout(into: Path) -> Path:
    """A copy of the project's files as git knows them (tracked and new, not ignored): no
    .venv, no media/, nothing the other copy could share by accident."""
    git = shutil.which("git")
    if git is None or not (PROJECT / ".git").exists():
        missing("git and the project's repository are needed to copy the project")
    listed = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT, check=True, capture_output=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT / name
        if source.is_file():  # a file deleted in the work tree is not copied
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def run_in(folder: Path, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=folder, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


@dataclass
class Stack:
    web: Path  # the web container's copy of the project
    worker: Path  # the worker container's copy
    media: Path  # the one volume both mount
    env: dict[str, str]
    base: str
    database: str


def _manage(folder: Path, env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=folder, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("two-checkouts")
    web, worker, media = root / "web", root / "worker", root / "media-volume"
    checkout(web), checkout(worker), media.mkdir()
    admin_url = require_postgres()
    database = f"isecg_two_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    redis = RedisServer(root)
    redis.start()
    env = python_env(
        DATABASE_URL=admin_url.rsplit("/", 1)[0] + f"/{database}",
        REDIS_URL=redis.url,
        CACHE_URL=redis.url.rsplit("/", 1)[0] + "/1",
        MEDIA_ROOT=str(media),
        # Each process imports its own copy only, and leaves its bytecode there as proof.
        PYTHONPATH=None,
        PYTHONDONTWRITEBYTECODE=None,
        ISECG_TEST_MEDIA_ROOT=None,
    )
    gunicorn = None
    try:
        # What the web container's command does before serving.
        _manage(web, env, "migrate", "--noinput", "-v0")
        _manage(web, env, "seed_demo")
        gunicorn, base = _gunicorn(web, env, root / "gunicorn.log")
        yield Stack(web, worker, media, env, base, database)
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        redis.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _gunicorn(web: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:

    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "isecg_tracker.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"]  # fmt: skip
    process = run_in(web, args, env, log)
    return serving(process, f"http://127.0.0.1:{port}", log, what="gunicorn from the web checkout")


def _celery_worker(folder: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "celery", "-A", "isecg_tracker", "worker", "--pool", "solo",
            "--hostname", f"two-checkouts-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    process = run_in(folder, args, env, log)

    def ready() -> bool:
        assert process.poll() is None, log.read_text()
        return " ready." in log.read_text()

    try:
        wait_until(ready, seconds=60, what="the Celery worker from the worker checkout")
    except BaseException:
        stop(process)
        raise
    return process


def _draft_on_the_web(stack: Stack, year: int) -> tuple[Client, int, str]:
    """Sign in, ask for the year's draft with the reports page's form, wait on the status the
    page polls; returns the browser, the draft's id and the status once done."""
    browser = Client(stack.base, []).sign_in("secretariat")
    answer = browser.submit("/reports/", "/reports/request/", {"year": str(year)})
    assert answer.status_code == 302, answer.text[:500]
    pk = int(re.fullmatch(r"/reports/(\d+)/", answer.headers["Location"]).group(1))

    def finished() -> str | None:
        status = browser.page(f"/reports/{pk}/status/")
        return status if ("Download the DOCX" in status or "errorlist" in status) else None

    status = wait_until(finished, seconds=180, what=f"draft #{pk} to finish", every=0.5)
    assert "Download the DOCX" in status, status
    return browser, pk, status


def _stored(stack: Stack, pk: int) -> tuple[str, str]:
    with psycopg.connect(stack.env["DATABASE_URL"]) as conn:
        row = conn.execute("SELECT docx, checksum FROM reports_reportdraft WHERE id = %s", [pk])
        return row.fetchone()


def test_the_web_hands_out_the_docx_the_worker_wrote_in_the_shared_volume(stack, tmp_path):
    log = tmp_path / "worker.log"
    worker = _celery_worker(stack.worker, stack.env, log)
    try:
        browser, pk, status = _draft_on_the_web(stack, 2025)
    finally:
        stop(worker)
    link = re.search(r'href="([^"]+)">Download the DOCX', status).group(1)
    download = browser.request("GET", link)
    assert download.status_code == 200, download.text[:500]
    assert download.headers["Content-Type"] == DOCX

    name, checksum = _stored(stack, pk)
    written = (stack.media / name).read_bytes()  # the worker's file, in the shared volume
    assert download.content == written
    assert hashlib.sha256(written).hexdigest() == checksum
    with zipfile.ZipFile(io.BytesIO(written)) as package:
        assert package.testzip() is None
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(written)).paragraphs)
    assert "2025" in text and "Executive Summary" in text

    # Drafted by the worker's copy, served by the web's: each imported its own code, and
    # neither wrote into its own folder.
    assert re.search(r"draft_annual_report\[[0-9a-f-]+\] succeeded", log.read_text())
    assert list((stack.worker / "apps/reports/__pycache__").glob("services.*.pyc"))
    assert list((stack.web / "apps/web/views/__pycache__").glob("reports.*.pyc"))
    assert not (stack.web / "media").exists() and not (stack.worker / "media").exists()


def test_a_media_folder_each_is_the_reported_bug_done_but_not_downloadable(stack, tmp_path):
    """The compose file before the shared volume: the worker writes into its own /app/media."""
    own_media = {**stack.env}
    del own_media["MEDIA_ROOT"]
    worker = _celery_worker(stack.worker, own_media, tmp_path / "worker.log")
    try:
        browser, pk, status = _draft_on_the_web(stack, 2024)
        name, _ = _stored(stack, pk)
        assert (stack.worker / "media" / name).is_file()  # written, where the web cannot see it
        link = re.search(r'href="([^"]+)">Download the DOCX', status).group(1)
        download = browser.request("GET", link)
        assert download.status_code == 404
        assert "is no longer on the server" in download.json()["detail"]
    finally:
        stop(worker)
        shutil.rmtree(stack.worker / "media", ignore_errors=True)


def test_the_compose_file_mounts_one_media_volume_in_web_and_worker_at_media_root():
    """What the tests above stand for: docker-compose.yml's web and worker share the volume."""
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    media_root = compose["x-app-environment"]["MEDIA_ROOT"]
    for service in ("web", "worker"):
        assert compose["services"][service]["environment"]["MEDIA_ROOT"] == media_root
        assert f"media:{media_root}" in compose["services"][service]["volumes"], service
    assert "media" in compose["volumes"]
    # The image has the folder, owned by its user, so a new volume starts writable by it.
    dockerfile = (PROJECT / "Dockerfile").read_text()
    assert f"MEDIA_ROOT={media_root}" in dockerfile
    assert dockerfile.index(f"mkdir -p {media_root}") < dockerfile.index("chown -R isecg /app")
