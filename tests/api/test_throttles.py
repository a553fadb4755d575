"""Throttles counted in the shared "throttles" cache (apps/accounts/throttles.py): positions and
moves per person (API and web forms), counted atomically; with the counters unreachable the
token endpoint refuses for now ("try again shortly") while reads and writes go on."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts import throttles
from tests.reliability.servers import free_port


@pytest.fixture
def rates(settings):
    def set_rates(**changed: str) -> None:
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **changed},
        }

    return set_rates


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def move(client, deliverable, to: str):
    return client.post(
        f"/api/v1/deliverables/{deliverable.pk}/transitions/",
        {"to": to, "reason": "ready for the next step"},
        format="json",
    )


def test_moves_are_throttled_per_person(cast, rates):
    rates(moves="2/minute")
    deliverable = cast.deliverable("planned")
    cochair = api_as(cast.cochair_twg)
    assert move(cochair, deliverable, "drafting").status_code == 200
    assert move(cochair, deliverable, "wg_review").status_code == 200
    refused = move(cochair, deliverable, "submitted")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    deliverable.refresh_from_db()
    assert deliverable.state == "wg_review"  # nothing was done
    # Reading the moves is not counted, and another person keeps their own count.
    url = f"/api/v1/deliverables/{deliverable.pk}/transitions/"
    assert cochair.get(url).status_code == 200
    other = cast.deliverable("planned")
    assert move(api_as(cast.secretariat), other, "drafting").status_code == 200


def test_positions_are_throttled_per_person(cast, rates):
    rates(moves="1/minute")
    deliverable = cast.deliverable("submitted")
    opened = api_as(cast.secretariat).post(
        f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/",
        {"deadline": "2099-01-01", "channel": "written_procedure"},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    url = f"/api/v1/consensus-rounds/{opened.json()['id']}/positions/"
    delegate = api_as(cast.by_role("delegate"))
    assert delegate.post(url, {"position": "concur"}, format="json").status_code == 201
    again = delegate.post(url, {"position": "object", "rationale": "changed our mind"})
    assert again.status_code == 429
    positions = delegate.get(url).json()["results"]
    assert [row["position"] for row in positions] == ["concur"]


def test_the_web_move_form_is_held_to_the_same_rate(cast, rates):
    rates(moves="1/minute")
    deliverable = cast.deliverable("planned")
    browser = Client()
    browser.force_login(cast.cochair_twg)
    url = reverse("web:move", args=[deliverable.pk])
    assert browser.post(url, {"to": "drafting", "reason": "starting"}).status_code == 302
    page = browser.post(url, {"to": "wg_review", "reason": "ready"})
    assert page.status_code == 429
    assert "Too many positions and moves" in page.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.state == "drafting"


def test_two_requests_at_once_never_both_take_the_last_place(settings, rates):
    # A day's window: no window edge falls inside the test.
    rates(auth="10/day")
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda _: throttles.hit("auth", "10.0.0.1"), range(40)))
    assert sum(verdict.allowed for verdict in verdicts) == 10


# --- the counters' Redis unreachable -------------------------------------------------------------


@pytest.fixture
def counters_unreachable(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


def test_without_counters_the_token_endpoint_says_try_again_shortly(cast, counters_unreachable):
    answer = APIClient().post(
        "/api/v1/auth/token/", {"username": "reader", "password": "x"}, format="json"
    )
    assert answer.status_code == 503
    assert answer.json()["code"] == "try_again_shortly"
    assert "Try again shortly" in answer.json()["detail"]
    assert answer["Retry-After"] == "30"


def test_without_counters_reads_and_moves_go_on(cast, counters_unreachable):
    cochair = api_as(cast.cochair_twg)
    assert cochair.get("/api/v1/agencies/").status_code == 200
    deliverable = cast.deliverable("planned")
    assert move(cochair, deliverable, "drafting").status_code == 200


# --- THROTTLE_RATES ------------------------------------------------------------------------------


def test_throttle_rates_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from isecg_tracker.env import env_throttle_rates

    default = {"moves": "60/minute", "auth": "10/minute"}
    monkeypatch.setenv("THROTTLE_RATES", "moves=120/minute")
    assert env_throttle_rates("THROTTLE_RATES", default=default) == {
        "moves": "120/minute",
        "auth": "10/minute",
    }
    monkeypatch.setenv("THROTTLE_RATES", "movez=120/minute")
    with pytest.raises(ImproperlyConfigured, match="SCOPE one of moves, auth"):
        env_throttle_rates("THROTTLE_RATES", default=default)
    monkeypatch.setenv("THROTTLE_RATES", "moves=lots")
    with pytest.raises(ImproperlyConfigured, match=r"e\.g\. THROTTLE_RATES=moves=120/minute"):
        env_throttle_rates("THROTTLE_RATES", default=default)
