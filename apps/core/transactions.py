"""A write that meets a deadlock is tried once more; a second one is "try again", not an outage.

Row locks are taken in one order (deliverables/locks.py), so a deadlock should not happen; when
the database still reports one (or a serialization failure), PostgreSQL has already rolled the
loser back, and running the whole transaction again is safe.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

from .errors import ApplicationError

P = ParamSpec("P")
R = TypeVar("R")

TRY_AGAIN = (
    "Someone else was changing the same record at the same moment, and your change could not "
    "be saved: nothing was changed. Try again."
)


def _is_lock_conflict(exc: BaseException) -> bool:
    # psycopg's DeadlockDetected and SerializationFailure, wrapped by Django.
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in {"40P01", "40001"}


def atomic_retrying(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` in a transaction; on a deadlock, once more; then refuse with TRY_AGAIN.

    Inside an outer transaction there is nothing to retry alone: the error goes to the caller,
    and a savepoint takes back what `function` wrote before it refused, so a caller that goes
    on after the refusal (the admin, a test) keeps none of it.
    """

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            with transaction.atomic():
                return function(*args, **kwargs)
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as exc:
                if not _is_lock_conflict(exc):
                    raise
                if attempt == 2:
                    raise ApplicationError(TRY_AGAIN, code="busy") from exc
        raise AssertionError("unreachable")

    return run
