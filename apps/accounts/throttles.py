"""Rate limits shared by every worker: counters in the "throttles" cache (Redis), which raises
when Redis cannot be reached, so each caller decides: whatever lets someone try a password or
mails someone fails safe (refused with "try again shortly"), everything else fails open.

A rate is "N/second|minute|hour|day" in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]. Each counter
is one Redis key per fixed window, raised atomically (INCR), so two workers answering at the same
moment never both take the last place. Across a window's edge up to twice N can pass."""

import datetime
import hashlib
import logging
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
UNAVAILABLE_RETRY_SECONDS = 30


class CountersUnavailable(Exception):
    """The shared counters cannot be reached (Redis down): nobody can say whether a limit is
    reached."""


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends

    @property
    def retry_at(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=self.retry_after)


def rate_of(scope: str) -> Rate | None:
    """The rate set for `scope`, read when used so the settings in force apply."""
    text = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)
    if not text:
        return None
    limit, period = text.split("/")
    return Rate(int(limit), PERIODS[period.strip()[0]])


def _key(scope: str, ident: str, window: int) -> str:
    # Hashed: whatever a person typed (an e-mail, a username) never becomes a key's text.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"{scope}:{digest}:{window}"


def hit(scope: str, ident: str) -> Verdict:
    """Count one request for `ident` under `scope`; raises CountersUnavailable."""
    rate = rate_of(scope)
    if rate is None:
        return Verdict(True, 0)
    now = time.time()
    window = int(now // rate.seconds)
    key = _key(scope, ident, window)
    counters = caches["throttles"]
    try:
        # The key names its window and outlives it, so it cannot expire between add and incr.
        counters.add(key, 0, timeout=2 * rate.seconds)
        count = counters.incr(key)
    except (ConnectionInterrupted, RedisError, OSError) as exc:
        log.warning("Throttle counters unreachable (%s): %s", scope, exc)
        raise CountersUnavailable(str(exc)) from exc
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    return Verdict(count <= rate.limit, retry_after)


def hit_all(*counted: tuple[str, str]) -> Verdict:
    """Count one request against every (scope, ident): allowed only if every one allows it;
    when refused, the longest wait."""
    verdicts = [hit(scope, ident) for scope, ident in counted]
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if refused:
        return Verdict(False, max(verdict.retry_after for verdict in refused))
    return Verdict(True, 0)


def normalised_email(email: str) -> str:
    """One counter however the address is typed: case, width and spaces ignored."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def password_reset_hit(*, address: str | None, email: str) -> Verdict:
    """A reset mail asked for: counted per client address and per e-mail address typed, the
    same whether an account has that e-mail or not, so the answer reveals neither."""
    return hit_all(
        ("password_reset", address or "unknown"),
        ("password_reset_email", normalised_email(email)),
    )


def move_hit(*, user) -> Verdict:
    """A position or a move by `user`: fails open, since a write someone may make is checked
    by its service anyway; only its rate is lost while Redis is down."""
    try:
        return hit("moves", str(user.pk))
    except CountersUnavailable:
        return Verdict(True, 0)


UNAVAILABLE_MESSAGE = (
    "This is paused for a moment: the attempt counters cannot be reached right now. Nothing "
    "was done. Try again shortly."
)


def slow_down_message(verdict: Verdict, what: str) -> str:
    return (
        f"Too many {what} in a short time: nothing was done. Try again after "
        f"{verdict.retry_at:%H:%M:%S} UTC (in {verdict.retry_after} seconds)."
    )
