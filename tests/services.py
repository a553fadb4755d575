"""Reaching the real PostgreSQL and Redis: skip with a reason on a laptop, fail on CI."""

import os

import psycopg
import pytest
import redis

POSTGRES_ADMIN_URL = os.environ.get(
    "ISECG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is unreachable ({exc.__class__.__name__}: {exc})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must run against the real service.")
    pytest.skip(f"{message}; start it or set the URL to run this test.")


def require_postgres() -> str:
    """The admin URL of a reachable PostgreSQL server."""
    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL} (ISECG_TEST_POSTGRES_URL)", exc)
    return POSTGRES_ADMIN_URL


def require_redis() -> str:
    """The URL of a reachable Redis server."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {REDIS_TEST_URL} (REDIS_URL)", exc)
    return REDIS_TEST_URL
