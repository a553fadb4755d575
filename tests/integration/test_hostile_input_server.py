"""Two of the recipes reported against production, through gunicorn with production settings
(DEBUG off) over real HTTP: a published summary holding Word's manual line break (U+000B) made
the Atom feed a 500 for every reader, and 100,000 nested `[` made the API's JSON parser a
RecursionError, the anonymous token endpoint included. Now the feed is valid XML and the bodies
are a 400 in the API's error shape, and the server logs no traceback."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree  # parsing what the app itself wrote

import psycopg
import pytest
import requests

from tests.reliability.servers import gunicorn, python_env, stop
from tests.services import require_postgres

from .test_real_servers import Client, Exchange, database_url, drop, run_manage

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
ATOM = "{http://www.w3.org/2005/Atom}"
PASTED = "Pasted from Word:\x0bits manual line break, and a stray bell\x07."
DEEP = "[" * 100_000 + "]" * 100_000

MARK_A_SUMMARY = f"""
from apps.deliverables.models import Deliverable
product = Deliverable.objects.filter(state="published").order_by("pk").first()
Deliverable.objects.filter(pk=product.pk).update(summary={PASTED!r})
print(product.pk, product.title)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """gunicorn over a database seeded as `make demo` seeds it, one published summary holding
    what Word pastes (written as a record from before the fix would hold it)."""
    name = f"isecg_hostile_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = python_env(DATABASE_URL=database_url(name), REDIS_URL=None, CACHE_URL=None)
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = None
    try:
        run_manage(env, "migrate", "--noinput", "-v0")
        run_manage(env, "seed_demo")
        run_manage(env, "shell", "-c", MARK_A_SUMMARY)
        process, base = gunicorn(env, log, workers=1)
        yield base, log
    finally:
        if process is not None:
            stop(process)
        drop(name)


def test_the_feed_and_deep_bodies_through_gunicorn(server: tuple[str, Path]):
    base, log = server
    exchanges: list[Exchange] = []
    reader = Client(base, exchanges).sign_in("reader")
    feed = reader.request("GET", "/feed/atom/")
    assert feed.status_code == 200, feed.text[:500]
    entries = ElementTree.fromstring(feed.content).iter(f"{ATOM}entry")  # noqa: S314 (our feed)
    summaries = [entry.findtext(f"{ATOM}summary") for entry in entries]
    assert "Pasted from Word:\nits manual line break, and a stray bell." in summaries

    anonymous = requests.post(
        f"{base}/api/v1/auth/token/", data=DEEP,
        headers={"Content-Type": "application/json"}, timeout=30,
    )  # fmt: skip
    assert anonymous.status_code == 400, anonymous.text[:500]
    assert anonymous.json()["code"] == "parse_error"
    assert "nested too deep" in anonymous.json()["detail"]

    cochair = Client(base, exchanges).sign_in("cochair-twg")
    [product] = cochair.json("/api/v1/deliverables/?group=TWG&state=drafting&page_size=1")[
        "results"
    ]
    write = cochair.request(
        "PATCH", f"/api/v1/deliverables/{product['id']}/", data=DEEP,
        headers={"Content-Type": "application/json", "If-Match": f'"{product["version"]}"',
                 "X-CSRFToken": cochair.http.cookies["csrftoken"], "Origin": base,
                 "Referer": base + "/"},
    )  # fmt: skip
    assert write.status_code == 400, write.text[:500]
    assert "nested too deep" in write.json()["detail"]
    assert cochair.json(f"/api/v1/deliverables/{product['id']}/")["version"] == product["version"]
    assert [e for e in exchanges if e.status >= 500] == []
    assert "Traceback" not in log.read_text(), log.read_text()
