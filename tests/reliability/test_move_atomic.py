"""An error in the middle of a move leaves nothing half done: the last position closes a
consensus round (position, round decision, deliverable move, their history rows, the mail to
the co-chairs), and a failure at any step of it leaves all of them as they were."""

import pytest
from django.core import mail

from apps.deliverables import notifications
from apps.deliverables.models import Deliverable
from apps.plenary import services as plenary
from apps.plenary.models import ConsensusRound, Position

# Real commits on PostgreSQL: the mails are sent by on_commit, as in production.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _boom(*args, **kwargs):
    raise RuntimeError("injected failure")


def _fault_in_the_round_decision(monkeypatch):
    monkeypatch.setattr(plenary, "save_round", _boom)


def _fault_after_the_deliverable_row(monkeypatch):
    # Deliverable saved and its history row written, then the notification step fails.
    monkeypatch.setattr(notifications, "deliverable_moved", _boom)


def _fault_in_the_deliverables_history(monkeypatch):
    monkeypatch.setattr(Deliverable.history.model, "save", _boom)


def _snapshot(deliverable: Deliverable, round: ConsensusRound) -> dict:
    deliverable.refresh_from_db()
    round.refresh_from_db()
    return {
        "deliverable": (deliverable.state, deliverable.version),
        "deliverable history": deliverable.history.count(),
        "round": (round.state, round.outcome),
        "round history": round.history.count(),
        "positions": Position.objects.filter(round=round).count(),
        "position history": Position.history.filter(round_id=round.pk).count(),
        "mails": len(mail.outbox),
    }


@pytest.fixture
def last_answer(cast):
    """A round where ESA and JAXA have answered: NASA's position will close it."""
    deliverable = cast.deliverable(state="submitted")
    round = plenary.consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="teleconference",
    )
    for acronym in ("ESA", "JAXA"):
        plenary.position_record(
            round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
            position="concur",
        )  # fmt: skip
    mail.outbox.clear()
    return cast, deliverable, round


@pytest.mark.parametrize(
    "fault",
    [
        _fault_in_the_round_decision,
        _fault_after_the_deliverable_row,
        _fault_in_the_deliverables_history,
    ],
)
def test_a_failure_mid_move_leaves_everything_as_it_was(last_answer, monkeypatch, fault):
    cast, deliverable, round = last_answer
    before = _snapshot(deliverable, round)
    fault(monkeypatch)
    with pytest.raises(RuntimeError, match="injected failure"):
        plenary.position_record(
            round=round, actor=cast.delegates["NASA"], agency=cast.agencies["NASA"],
            position="concur",
        )  # fmt: skip
    assert _snapshot(deliverable, round) == before

    # The same answer once the fault is gone: all of it happens, once.
    monkeypatch.undo()
    plenary.position_record(
        round=round, actor=cast.delegates["NASA"], agency=cast.agencies["NASA"],
        position="concur",
    )  # fmt: skip
    after = _snapshot(deliverable, round)
    assert after["deliverable"] == ("approved", before["deliverable"][1] + 1)
    assert after["round"] == ("closed", "consensus")
    assert after["deliverable history"] == before["deliverable history"] + 1
    assert after["round history"] == before["round history"] + 1
    assert after["positions"] == before["positions"] + 1
    assert after["mails"] == 1 and "was approved by the plenary" in mail.outbox[0].subject
