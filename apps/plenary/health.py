"""Plenary's part of /healthz: does the silence procedure run by itself?

Non-critical: a late deadline job is shown ("degraded: ...") without failing the probe, since
every web process would otherwise leave the load balancer for what only beat can fix.
"""

from apps.core.health import health_check
from apps.core.heartbeat import beat_job_report

from .tasks import CLOSE_EXPIRED_ROUNDS


@health_check("deadline job", critical=False)
def deadline_job_health() -> str:
    """When close_expired_rounds last ran, against its beat interval (settings)."""
    return beat_job_report(CLOSE_EXPIRED_ROUNDS)
