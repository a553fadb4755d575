"""Is each service this process depends on reachable?

Each part of the report is a function returning "ok", "not configured", or a short reason it is
not ("error: ConnectionError", "degraded: ..."). The database and the broker are core's own;
apps above register theirs at start-up (`health_check("mail")(mail_health)`), so core never
imports them. Only "ok" and "not configured" count as healthy for the 503 of /healthz; a part
may report "degraded: ..." to be shown without failing the probe.
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


@health_check("broker")
def broker_health() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def service_health() -> dict[str, str]:
    return {name: check() for name, check in HEALTH_CHECKS.items()}


def service_healthy(report: dict[str, str]) -> bool:
    """Every critical part ok (or not configured)."""
    return all(
        status in {"ok", "not configured"}
        for name, status in report.items()
        if name not in HEALTH_NONCRITICAL
    )
