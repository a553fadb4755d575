"""Races on PostgreSQL with real threads: row locks make each decision happen exactly once."""

import datetime
import os
import threading

import pytest
from django.db import connection, connections

from apps.core.errors import ApplicationError
from apps.deliverables.services import deliverable_transition
from apps.plenary.models import ConsensusRound
from apps.plenary.services import (
    consensus_round_close,
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
AFTER_DEADLINE = OPENED + datetime.timedelta(days=15)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        message = "row-lock races need PostgreSQL: run with DATABASE_URL=postgres://..."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def race(*calls) -> list:
    """Run the calls at the same moment in separate threads (separate connections)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the test inspects what each racer got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_cochairs_submitting_at_once(cast, django_user_model):
    from tests import factories

    second = factories.UserFactory(username="cochair-twg-2")
    factories.CoChairAppointmentFactory(
        person=second,
        group=cast.twg,
        agency=cast.agencies["NASA"],
        starts_on=datetime.date(2020, 1, 1),
    )
    deliverable = cast.deliverable("wg_review")
    results = race(
        *[
            (lambda who=who: deliverable_transition(
                deliverable=deliverable, actor=who, to="submitted", reason="Ready"
            ))
            for who in (cast.cochair_twg, second)
        ]
    )  # fmt: skip
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], ApplicationError)
    assert "it is “submitted to the plenary”" in errors[0].message
    deliverable.refresh_from_db()
    assert deliverable.state == "submitted"
    assert deliverable.history.filter(state="submitted").count() == 1


def test_deadline_job_secretariat_and_last_answer_race_to_close(cast):
    deliverable = cast.deliverable("submitted")
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="plenary",
        now=OPENED,
    )
    for acronym in ("ESA", "JAXA"):
        position_record(
            round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
            position="concur", now=OPENED,
        )  # fmt: skip
    results = race(
        lambda: consensus_rounds_close_expired(now=AFTER_DEADLINE),
        lambda: consensus_round_close(
            round=round, actor=cast.secretariat, reason="Deadline passed", now=AFTER_DEADLINE
        ),
        lambda: position_record(
            round=round, actor=cast.delegates["NASA"], agency=cast.agencies["NASA"],
            position="concur", now=OPENED + datetime.timedelta(days=1),
        ),
    )  # fmt: skip
    round.refresh_from_db()
    assert round.state == ConsensusRound.State.CLOSED
    assert round.history.filter(state="closed").count() == 1
    deliverable.refresh_from_db()
    assert deliverable.state == "approved"
    assert deliverable.history.filter(state="approved").count() == 1
    job, secretariat, last_answer = results
    assert job in (0, 1)
    assert isinstance(secretariat, ConsensusRound) or "already closed" in secretariat.message
    assert not isinstance(last_answer, Exception) or "is closed" in last_answer.message
    # Exactly one of the three closed it, and the round says which.
    closers = [
        job == 1,
        isinstance(secretariat, ConsensusRound),
        round.close_reason == "Every eligible agency has answered.",
    ]
    assert closers.count(True) == 1, (results, round.close_reason)


def test_many_concurrent_positions_all_kept_and_one_close(cast):
    deliverable = cast.deliverable("submitted")
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="plenary",
        now=OPENED,
    )
    results = race(
        *[
            (lambda acronym=acronym: position_record(
                round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
                position="no_objection", now=OPENED,
            ))
            for acronym in ("ESA", "JAXA", "NASA")
        ]
    )  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    round.refresh_from_db()
    assert round.positions.count() == 3
    assert round.state == "closed"
    assert round.history.filter(state="closed").count() == 1
