"""Is each service this process depends on reachable?

Each part of the report is a function returning "ok", "not configured", or a short reason it is
not ("error: ConnectionError", "degraded: ..."). The database, the broker and the cache are
core's own; apps above register theirs at start-up (`health_check("mail")(mail_health)`), so
core never imports them. Only "ok" and "not configured" count as healthy for the 503 of
/healthz; a part may report "degraded: ..." to be shown without failing the probe.

Only the database is critical. Without the broker, report requests are kept queued until it is
back; without the cache, pages compute what it would have held. A 503 for either would take
every web process (all sharing that Redis) out of the load balancer for an outage they serve
through.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection

HealthCheck = Callable[[], str]
HEALTH_CHECKS: dict[str, HealthCheck] = {}
# Parts whose trouble is shown but does not take the web process out of the load balancer.
HEALTH_NONCRITICAL: set[str] = set()


def health_check(name: str, *, critical: bool = True) -> Callable[[HealthCheck], HealthCheck]:
    def register(function: HealthCheck) -> HealthCheck:
        HEALTH_CHECKS[name] = function
        if not critical:
            HEALTH_NONCRITICAL.add(name)
        return function

    return register


@health_check("database")
def database_health() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


# Each Redis check waits at most this long to connect and this long for the answer, so a
# Redis that accepts connections but never replies (hung, or its host gone) still lets /healthz
# answer within a docker-compose health check's 3 s.
REDIS_CHECK_TIMEOUT = 1


def redis_health(url: str | None) -> str:
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_CHECK_TIMEOUT, socket_timeout=REDIS_CHECK_TIMEOUT
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    finally:
        client.close()
    return "ok"


@health_check("broker", critical=False)
def broker_health() -> str:
    return redis_health(settings.REDIS_URL)


@health_check("cache", critical=False)
def cache_health() -> str:
    """The cache's own Redis database (CACHE_URL); without one the cache is per process."""
    return redis_health(settings.CACHE_URL)


def service_health() -> dict[str, str]:
    return {name: check() for name, check in HEALTH_CHECKS.items()}


def service_healthy(report: dict[str, str]) -> bool:
    """Every critical part ok (or not configured)."""
    return all(
        status in {"ok", "not configured"}
        for name, status in report.items()
        if name not in HEALTH_NONCRITICAL
    )
