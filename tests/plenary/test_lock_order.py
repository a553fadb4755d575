"""One lock order (deliverable, then round) for every write: races that used to deadlock or
lose an acknowledged write, each run 50 times on PostgreSQL with real threads.

Each trial ends in one of the outcomes the rules allow, never in a deadlock (which would reach
the person as "database unreachable") and never with two acknowledged writes on one version.
"""

import datetime
import os
import threading

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.services import api_token_create
from apps.core.errors import ApplicationError
from apps.core.transactions import TRY_AGAIN, atomic_retrying
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition
from apps.plenary.models import ConsensusRound
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_open,
    position_record,
)

from .test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 50


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        message = "row-lock races need PostgreSQL: run with DATABASE_URL=postgres://..."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _no_database_errors(results) -> None:
    for result in results:
        assert not isinstance(result, OperationalError), result
        assert not isinstance(result, Exception) or isinstance(result, ApplicationError), result


def _round_with_two_answers(cast, *, now=None) -> ConsensusRound:
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        now=now,
    )
    for acronym in ("ESA", "JAXA"):
        position_record(
            round=round,
            actor=cast.delegates[acronym],
            agency=cast.agencies[acronym],
            position="concur",
            now=now,
        )
    return round


def _withdraw(cast, round):
    return lambda: deliverable_transition(
        deliverable=round.deliverable, actor=cast.secretariat, to="withdrawn", reason="Dropped"
    )


def _settled(round) -> tuple[str, str]:
    round.refresh_from_db()
    return round.state, Deliverable.objects.get(pk=round.deliverable_id).state


def test_withdraw_against_the_last_position(cast):
    outcomes = set()
    for _ in range(TRIALS):
        round = _round_with_two_answers(cast)
        results = race(
            _withdraw(cast, round),
            lambda round=round: position_record(
                round=round,
                actor=cast.delegates["NASA"],
                agency=cast.agencies["NASA"],
                position="concur",
            ),
        )
        _no_database_errors(results)
        outcome = _settled(round)
        assert outcome in {("cancelled", "withdrawn"), ("closed", "approved")}, results
        outcomes.add(outcome)
    print(f"\n{TRIALS} trials, outcomes seen: {sorted(outcomes)}")


def test_withdraw_against_cancel(cast):
    for _ in range(TRIALS):
        round = _round_with_two_answers(cast)
        results = race(
            _withdraw(cast, round),
            lambda round=round: consensus_round_cancel(
                round=round, actor=cast.secretariat, reason="Wrong file"
            ),
        )
        _no_database_errors(results)
        assert _settled(round) in {("cancelled", "withdrawn"), ("cancelled", "submitted")}
        assert round.history.filter(state="cancelled").count() == 1


def test_withdraw_against_close_after_the_deadline(cast):
    opened = timezone.now() - datetime.timedelta(days=20)
    after = timezone.now()
    for _ in range(TRIALS):
        round = _round_with_two_answers(cast, now=opened)
        results = race(
            _withdraw(cast, round),
            lambda round=round: consensus_round_close(
                round=round, actor=cast.secretariat, reason="Deadline passed", now=after
            ),
        )
        _no_database_errors(results)
        assert _settled(round) in {("cancelled", "withdrawn"), ("closed", "approved")}, results


def test_admin_save_against_api_patch_on_one_version(cast):
    cast.secretariat.is_staff = True
    cast.secretariat.save()
    admin = Client()
    admin.force_login(cast.secretariat)
    api = APIClient()
    issued = api_token_create(actor=cast.cochair_twg, name="race", scope="read_write")
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    acknowledged_both = 0
    for trial in range(TRIALS):
        deliverable = cast.deliverable("drafting", title=f"Race {trial}")
        url = reverse("admin:deliverables_deliverable_change", args=[deliverable.pk])
        form = {
            "title": deliverable.title,
            "kind": deliverable.kind,
            "lead_group": deliverable.lead_group_id,
            "target_precision": "day",
            "percent_complete": 30,
            "status_note": "from the admin",
            "seen_version": deliverable.version,
        }
        results = race(
            lambda url=url, form=form: admin.post(url, form),
            lambda d=deliverable: api.patch(
                f"/api/v1/deliverables/{d.pk}/",
                {"percent_complete": 70, "status_note": "from the API"},
                format="json",
                HTTP_IF_MATCH=f'"{d.version}"',
            ),
        )
        _no_database_errors(results)
        admin_saved = results[0].status_code == 302
        api_saved = results[1].status_code == 200
        acknowledged_both += admin_saved and api_saved
        assert admin_saved != api_saved, [r.status_code for r in results]
        deliverable.refresh_from_db()
        assert deliverable.status_note == ("from the admin" if admin_saved else "from the API")
        versions = list(deliverable.history.values_list("version", flat=True))
        assert sorted(versions) == [1, 2], versions  # one content per version
    assert acknowledged_both == 0


def test_a_real_deadlock_is_retried_once_and_both_writes_land(cast):
    first, second = cast.deliverable("drafting"), cast.deliverable("drafting")
    both_hold_one = threading.Barrier(2)
    attempts = []

    @atomic_retrying
    def lock_both(one: int, other: int) -> str:
        attempts.append(one)
        Deliverable.objects.select_for_update().get(pk=one)
        if len(attempts) <= 2:
            both_hold_one.wait(timeout=10)  # the opposite order, on purpose
        Deliverable.objects.select_for_update().get(pk=other)
        return "saved"

    results = race(lambda: lock_both(first.pk, second.pk), lambda: lock_both(second.pk, first.pk))
    assert results == ["saved", "saved"]
    # PostgreSQL broke the deadlock and the loser ran once more (its retry may meet the other
    # one's first attempt again, so each may have been retried, but never twice).
    assert len(attempts) >= 3
    assert attempts.count(first.pk) <= 2 and attempts.count(second.pk) <= 2


def test_a_second_lock_conflict_is_try_again_not_an_outage():
    import psycopg

    calls = []

    @atomic_retrying
    def always_deadlocked():
        calls.append(1)
        try:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        except psycopg.Error as exc:
            raise OperationalError("deadlock detected") from exc

    with pytest.raises(ApplicationError) as refused:
        always_deadlocked()
    assert (refused.value.code, refused.value.message, len(calls)) == ("busy", TRY_AGAIN, 2)


def test_other_operational_errors_are_not_retried():
    calls = []

    @atomic_retrying
    def server_gone():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        server_gone()
    assert len(calls) == 1
