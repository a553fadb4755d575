"""A feed reader's token through real servers that log every request (gunicorn with its access
log on, as an operator may run it, and runserver): the feed answers, and the log line shows the
request with the token cut out."""

import sys

import pytest
import requests

from apps.api.services import api_token_create
from tests import factories
from tests.reliability.conftest import database_url
from tests.reliability.servers import free_port, python_env, serving, start, stop

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def serve(kind: str, env: dict[str, str], log, access_log):
    port = free_port()
    if kind == "gunicorn":
        args = [sys.executable, "-m", "gunicorn", "isecg_tracker.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile",
                str(access_log)]  # fmt: skip
    else:
        args = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = start(args, env, log)
    return serving(process, f"http://127.0.0.1:{port}", log, what=kind, path="/livez")


@pytest.mark.parametrize("kind", ["gunicorn", "runserver"])
@pytest.mark.django_db(transaction=True)
def test_the_feed_answers_a_token_and_the_request_log_holds_no_secret(kind, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the server shares this test's PostgreSQL database")
    reader = factories.UserFactory(username="feed-reader-owner")
    secret = api_token_create(actor=reader, name="feed reader", scope="read").secret
    log, access_log = tmp_path / f"{kind}.log", tmp_path / "access.log"
    debug = {"DEBUG": "1"} if kind == "runserver" else {}  # runserver is the DEBUG server
    env = python_env(DATABASE_URL=database_url(), REDIS_URL=None, CACHE_URL=None, **debug)
    process, base = serve(kind, env, log, access_log)
    try:
        feed = requests.get(f"{base}/feed/atom/", params={"token": secret}, timeout=10)
        assert feed.status_code == 200 and "<feed" in feed.text, feed.text[:500]
        wrong = requests.get(f"{base}/feed/atom/", params={"token": secret + "x"}, timeout=10)
        assert wrong.status_code == 401
    finally:
        stop(process)
    lines = (access_log if kind == "gunicorn" else log).read_text()
    assert "/feed/atom/?token=[redacted]" in lines, lines[-2000:]
    assert secret not in lines and secret not in log.read_text()
    assert "Traceback" not in log.read_text()
