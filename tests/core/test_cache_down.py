"""The cache's Redis unreachable, in-process: refused (nothing listens on the port) or hung (it
accepts connections and never answers). Pages that read through the cache compute what it would
have held, within the settings' 1 s socket timeouts; /healthz names the part that is down and
still answers 200, since the web serves through it. The same over real gunicorn with a real
Redis stopped: tests/reliability/test_redis_down_reads.py."""

import logging
import signal
import socket
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django_redis.exceptions import ConnectionInterrupted

import isecg_tracker.settings as project_settings
from apps.core.health import service_healthy
from apps.deliverables.selectors import state_counts_by_group
from tests.reliability.servers import free_port

pytestmark = pytest.mark.django_db

# Each cache call waits at most the settings' socket timeout (1 s) on a hung Redis; a page reads
# and writes the group counts and the chart picture: four calls, and the rest of the page.
HUNG_PAGE_SECONDS = 4 * 1 + 2


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """A request that waits on Redis for ever fails the test instead of hanging the run."""

    def give_up(*_):
        raise TimeoutError("still waiting after 30 s: something waits on Redis without a timeout")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def refused_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/1"


@pytest.fixture
def hung_url() -> Iterator[str]:
    """A port whose kernel completes the handshake (a listen backlog) but nobody ever reads."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/1"


def point_caches_at(settings, monkeypatch, url: str) -> None:
    """The project's own cache settings (aliases, options, timeouts), built for `url`."""
    monkeypatch.setattr(project_settings, "CACHE_URL", url)
    settings.CACHES = {
        "default": project_settings._redis_cache("isecg", ignore_exceptions=True),
        "throttles": project_settings._redis_cache("isecg-throttle", ignore_exceptions=False),
    }
    settings.CACHE_URL = url


def redis_parts(report: dict) -> dict:
    """The parts this file is about (apps above may register more)."""
    return {name: report.get(name) for name in ("database", "broker", "cache")}


def chart_description(page: str) -> str:
    start = page.index('<desc id="status-desc">') + len('<desc id="status-desc">')
    return page[start : page.index("</desc>", start)]


def test_group_counts_are_counted_when_the_cache_is_refused(
    cast, settings, monkeypatch, refused_url, caplog
):
    cast.deliverable("planned")
    cast.deliverable("planned")
    cast.deliverable("drafting", lead_group=cast.swg)
    point_caches_at(settings, monkeypatch, refused_url)

    with caplog.at_level(logging.ERROR, logger="django_redis"):
        counts = state_counts_by_group()
        cast.deliverable("wg_review")
        counts_after_a_change = state_counts_by_group()

    assert counts == {"TWG": {"planned": 2}, "SWG": {"drafting": 1}}
    # Nothing kept in the process instead: a change shows at once.
    assert counts_after_a_change == {"TWG": {"planned": 2, "wg_review": 1}, "SWG": {"drafting": 1}}
    # The cache was tried and its failure logged (a miss, not a silent local cache).
    failures = [r for r in caplog.records if r.name.startswith("django_redis")]
    assert len(failures) == 4, [r.getMessage() for r in caplog.records]  # 2 x (get, set)
    assert all(r.exc_info and r.exc_info[0] is ConnectionInterrupted for r in failures)


@pytest.mark.parametrize("route", ["web:overview", "web:groups"])
def test_status_chart_pages_answer_with_current_counts_when_the_cache_is_refused(
    cast, client, settings, monkeypatch, refused_url, route
):
    cast.deliverable("planned")
    cast.deliverable("drafting")
    point_caches_at(settings, monkeypatch, refused_url)
    client.force_login(cast.reader)  # a session in the database: it survives the cache

    first = client.get(reverse(route))
    cast.deliverable("submitted", lead_group=cast.swg)
    second = client.get(reverse(route))

    assert first.status_code == second.status_code == 200
    assert chart_description(first.text) == "TWG: 1 planned, 1 drafting. "
    assert chart_description(second.text) == (
        "SWG: 1 submitted to the plenary. TWG: 1 planned, 1 drafting. "
    )


def test_a_hung_cache_costs_a_page_at_most_its_socket_timeouts(
    cast, client, settings, monkeypatch, hung_url
):
    cast.deliverable("planned")
    point_caches_at(settings, monkeypatch, hung_url)
    client.force_login(cast.reader)

    timings = {}
    for route in ("web:overview", "web:groups", "web:home", "api:deliverable-list"):
        started = time.monotonic()
        answer = client.get(reverse(route))
        timings[route] = time.monotonic() - started
        assert answer.status_code == 200, (route, answer.status_code)
    assert max(timings.values()) < HUNG_PAGE_SECONDS, timings
    # Pages that never read the cache do not wait for it.
    assert timings["web:home"] < 1 and timings["api:deliverable-list"] < 1, timings


def test_healthz_names_the_cache_and_broker_as_down_and_still_answers_200(
    client, settings, monkeypatch, refused_url
):
    point_caches_at(settings, monkeypatch, refused_url)
    settings.REDIS_URL = refused_url.replace("/1", "/0")

    answer = client.get(reverse("healthz"))

    assert answer.status_code == 200
    assert redis_parts(answer.json()) == {
        "database": "ok",
        "broker": "error: ConnectionError",
        "cache": "error: ConnectionError",
    }


def test_healthz_answers_within_seconds_when_redis_hangs(client, settings, monkeypatch, hung_url):
    point_caches_at(settings, monkeypatch, hung_url)
    settings.REDIS_URL = hung_url

    started = time.monotonic()
    answer = client.get(reverse("healthz"))
    seconds = time.monotonic() - started

    assert answer.status_code == 200
    assert answer.json()["broker"] == answer.json()["cache"] == "error: TimeoutError"
    assert seconds < 3, f"{seconds:.1f}s: longer than a docker-compose health check waits"


def test_healthz_without_redis_says_not_configured(client, settings):
    settings.REDIS_URL = settings.CACHE_URL = None

    answer = client.get(reverse("healthz"))

    assert answer.status_code == 200
    assert redis_parts(answer.json()) == {
        "database": "ok",
        "broker": "not configured",
        "cache": "not configured",
    }


def test_only_the_database_takes_the_web_out_of_service():
    assert service_healthy({"database": "ok", "broker": "error: X", "cache": "error: X"})
    assert not service_healthy({"database": "error: X", "broker": "ok", "cache": "ok"})
