"""Did a job that must run by itself run? Each run of a beat job leaves its heartbeat.

A job that nobody waits for fails silently: with beat or the worker down, rounds past their
deadline simply stay open (Loomio's users' top complaint about its auto-close). So every run
writes when it started and finished, what it did and whether it failed, on one row per job
(JobHeartbeat), and /healthz says how long ago that was:

    with heartbeat("close-expired-consensus-rounds") as run:
        run.count = consensus_rounds_close_expired()

The heartbeat observes, it never gates: a run whose row cannot be written (the database down)
still runs, and a failed run is recorded, then its error goes on to the caller unchanged.
"""

import datetime
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import JobHeartbeat

logger = logging.getLogger(__name__)
P = ParamSpec("P")
ERROR_LENGTH = 500


@dataclass
class Run:
    """What the body tells its heartbeat: how much it did (e.g. rounds closed)."""

    count: int | None = None


@contextmanager
def heartbeat(job: str) -> Iterator[Run]:
    """Record a run of `job`: its start now, its end, count and failure when the body ends."""
    started = timezone.now()
    _write(job, {"started_at": started}, runs=True)
    run = Run()
    try:
        yield run
    except BaseException as exc:  # a worker's shutdown or time limit also ends a run
        _write(job, {"finished_at": timezone.now(), "failed": True, "count": None,
                     "error": _one_line(exc)}, started=started)  # fmt: skip
        raise
    now = timezone.now()
    _write(job, {"finished_at": now, "failed": False, "count": run.count, "error": "",
                 "last_succeeded_at": now}, started=started)  # fmt: skip


def beating(job: str) -> Callable[[Callable[P, int]], Callable[P, int]]:
    """heartbeat() as a decorator: the function's return value is the run's count."""

    def decorate(function: Callable[P, int]) -> Callable[P, int]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> int:
            with heartbeat(job) as beat:
                beat.count = function(*args, **kwargs)
            return beat.count

        return run

    return decorate


def _write(job: str, fields: dict, *, runs: bool = False, started=None) -> None:
    """Update the job's row (made on its first run). Never raises: a lost heartbeat is logged
    and shows on /healthz as a stale one; it must neither stop the job nor hide its error."""
    changes = {**fields, "runs": F("runs") + 1} if runs else fields
    try:
        rows = JobHeartbeat.objects.filter(job=job)
        if rows.update(**changes):
            return
        try:
            with transaction.atomic():  # two first runs at once: the second updates
                JobHeartbeat.objects.create(job=job, **{"started_at": started, **fields, "runs": 1})
        except IntegrityError:
            rows.update(**changes)
    except Exception:
        logger.exception("The heartbeat of job %r could not be written", job)


def _one_line(exc: BaseException) -> str:
    """The error as one printable line (PostgreSQL refuses NUL in text), of bounded length."""
    text = f"{exc.__class__.__name__}: {exc}".strip()
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:ERROR_LENGTH]


# -- Reading it -----------------------------------------------------------------------------


def heartbeat_last(job: str) -> JobHeartbeat | None:
    return JobHeartbeat.objects.filter(job=job).first()


def heartbeat_age(job: str, *, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long ago the job's last run finished (failed or not); None if none has."""
    beat = heartbeat_last(job)
    if beat is None or beat.finished_at is None:
        return None
    return max((now or timezone.now()) - beat.finished_at, datetime.timedelta(0))


def schedule_seconds(schedule) -> float:
    """A beat entry's fixed interval in seconds (a number, a timedelta or celery's schedule)."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    if isinstance(run_every, datetime.timedelta):
        return run_every.total_seconds()
    raise TypeError(
        f"{schedule!r} is no fixed interval; a heartbeat's freshness needs one "
        "(give the beat entry a number of seconds)."
    )


def _describe(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds % 60 == 0 else f"{seconds:g} s"


def _minutes(delta: datetime.timedelta) -> int:
    return max(int(delta.total_seconds() // 60), 0)


def beat_job_report(entry: str, *, now: datetime.datetime | None = None) -> str:
    """The /healthz part of the beat entry `entry` (settings.CELERY_BEAT_SCHEDULE), whose
    heartbeat is named like the entry: "ok (last run N minutes ago)" or "degraded: ...".

    Late by more than two intervals, not one: a run is late by up to one interval plus its own
    length, so one slow run or a beat restart never flips the part and back. "never run" is
    said plainly, also in the first interval after a fresh deploy (beat runs an entry first one
    interval after it starts): it is true, the part is not critical so the probe stays 200, and
    it changes once, to ok, at the first run. Hiding it for a while after each web restart
    would hide a beat that was never set up, the very silence this part exists to show.
    """
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    interval = schedule_seconds(schedule["schedule"])
    task = schedule["task"].rsplit(".", 1)[-1]
    now = now or timezone.now()
    try:
        beat = heartbeat_last(entry)
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"
    if beat is None:
        return "degraded: never run"
    if beat.finished_at is None:
        started = _minutes(now - beat.started_at)
        return f"degraded: first run started {started} minutes ago, not finished"
    age = now - beat.finished_at
    if age.total_seconds() > 2 * interval:
        return (
            f"degraded: last run of {task} {_minutes(age)} minutes ago "
            f"(more than two intervals of {_describe(interval)})"
        )
    if beat.failed:
        # Only the error's kind: /healthz is public, and a message may quote the record.
        kind = beat.error.split(":", 1)[0] or "error"
        return f"degraded: last run failed: {kind} (details in the worker's log)"
    return f"ok (last run {_minutes(age)} minutes ago)"
