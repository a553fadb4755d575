"""The round's rules at their edges: the deadline day, after it, closed rounds, several rounds,
and who each history row names."""

import datetime

import pytest

from apps.core.errors import ApplicationError
from apps.deliverables.services import deliverable_transition
from apps.plenary.models import ConsensusRound
from apps.plenary.reminders import consensus_rounds_send_reminders
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DEADLINE = datetime.date(2026, 3, 16)
ON_DEADLINE_DAY = datetime.datetime(2026, 3, 16, 23, 0, tzinfo=datetime.UTC)
DAY_AFTER = datetime.datetime(2026, 3, 17, 0, 30, tzinfo=datetime.UTC)


def open_round(cast, **fields):
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted", **fields),
        actor=cast.secretariat,
        channel="written_procedure",
        now=OPENED,
    )


def concur(cast, round, acronym, now=OPENED):
    return position_record(
        round=round,
        actor=cast.delegates[acronym],
        agency=cast.agencies[acronym],
        position="concur",
        now=now,
    )


def test_a_position_counts_until_the_end_of_the_deadline_day(cast):
    round = open_round(cast)
    assert round.deadline == DEADLINE
    concur(cast, round, "ESA", now=ON_DEADLINE_DAY)
    with pytest.raises(ApplicationError, match="has passed"):
        concur(cast, round, "JAXA", now=DAY_AFTER)
    assert round.positions.count() == 1


def test_a_round_may_open_with_a_deadline_of_today_not_yesterday(cast):
    today = OPENED.date()
    same_day = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        deadline=today,
        now=OPENED,
    )
    assert same_day.deadline == today
    late = cast.deliverable("submitted")
    with pytest.raises(ApplicationError, match="already past") as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=late,
            actor=cast.secretariat,
            channel="plenary",
            deadline=today - datetime.timedelta(days=1),
            now=OPENED,
        )
    assert refused.value.code == "invalid"
    late.refresh_from_db()
    assert late.state == "submitted"


@pytest.mark.parametrize(
    "step",
    [
        lambda cast, round, now: consensus_round_extend(
            round=round,
            actor=cast.secretariat,
            deadline=datetime.date(2026, 4, 30),
            reason="More time",
            now=now,
        ),
        lambda cast, round, now: consensus_round_cancel(
            round=round, actor=cast.secretariat, reason="Wrong file", now=now
        ),
    ],
    ids=["extend", "cancel"],
)
def test_extend_and_cancel_are_refused_once_the_deadline_has_passed(cast, step):
    round = open_round(cast)
    concur(cast, round, "ESA")
    with pytest.raises(ApplicationError, match="closing under the silence procedure") as refused:
        step(cast, round, DAY_AFTER)
    assert refused.value.code == "illegal_move"
    round.refresh_from_db()
    assert (round.state, round.deadline) == ("open", DEADLINE)
    # A late objection is not taken either; the deadline job then closes it as it stood.
    with pytest.raises(ApplicationError, match="has passed"):
        position_record(
            round=round,
            actor=cast.delegates["JAXA"],
            agency=cast.agencies["JAXA"],
            position="object",
            rationale="Too late",
            now=DAY_AFTER,
        )
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 1
    round.refresh_from_db()
    assert (round.outcome, round.deliverable.state) == ("consensus", "approved")
    # On the deadline day itself both are still allowed.
    other = open_round(cast)
    step(cast, other, ON_DEADLINE_DAY)


def test_cancelling_a_closed_round_changes_nothing(cast):
    round = open_round(cast)
    for acronym in cast.agencies:
        concur(cast, round, acronym)
    round.refresh_from_db()
    assert (round.state, round.deliverable.state) == ("closed", "approved")
    with pytest.raises(ApplicationError, match="already closed"):
        consensus_round_cancel(round=round, actor=cast.secretariat, reason="Oops", now=OPENED)
    with pytest.raises(ApplicationError, match="already closed"):
        consensus_round_extend(
            round=round,
            actor=cast.secretariat,
            deadline=datetime.date(2026, 5, 1),
            reason="x",
            now=OPENED,
        )
    round.refresh_from_db()
    assert (round.state, round.outcome, round.deliverable.state) == (
        "closed",
        "consensus",
        "approved",
    )


def test_withdrawing_one_product_cancels_its_round_only(cast):
    mine, other = open_round(cast), open_round(cast)
    deliverable_transition(
        deliverable=mine.deliverable, actor=cast.secretariat, to="withdrawn", reason="Dropped"
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.state == "cancelled"
    assert mine.history.latest().history_user == cast.secretariat
    assert "Deliverable withdrawn: Dropped" in mine.close_reason
    assert (other.state, other.deliverable.state) == ("open", "in_consensus")


def test_an_extension_rearms_the_reminder(cast, mailoutbox, django_capture_on_commit_callbacks):
    round = open_round(cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert consensus_rounds_send_reminders(
            now=datetime.datetime(2026, 3, 13, tzinfo=datetime.UTC)
        )
        consensus_round_extend(
            round=round,
            actor=cast.secretariat,
            deadline=datetime.date(2026, 3, 30),
            reason="Plenary moved",
            now=datetime.datetime(2026, 3, 14, tzinfo=datetime.UTC),
        )
        round.refresh_from_db()
        assert round.reminder_sent_at is None
        assert consensus_rounds_send_reminders(
            now=datetime.datetime(2026, 3, 27, tzinfo=datetime.UTC)
        )
    # One reminder per silent agency for each deadline: the extension earned a second round.
    reminders = [m for m in mailoutbox if "3 days left" in m.subject]
    assert len(reminders) == 2 * len(cast.agencies)
    assert sum("30 March 2026" in m.body for m in reminders) == len(cast.agencies)


def test_every_round_history_row_names_who_acted(cast):
    round = open_round(cast)
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=datetime.date(2026, 3, 20),
        reason="More time",
        now=OPENED,
    )
    position = concur(cast, round, "ESA")
    assert position.history.latest().history_user == cast.delegates["ESA"]
    consensus_round_close(
        round=round, actor=cast.secretariat, reason="Deadline", now=DAY_AFTER.replace(day=21)
    )
    users = list(round.history.order_by("history_id").values_list("history_user", flat=True))
    assert users == [cast.secretariat.pk] * len(users)
    deliverable_rows = round.deliverable.history.filter(history_move__in=["open_round", "approve"])
    assert {row.history_user_id for row in deliverable_rows} == {cast.secretariat.pk}


def test_the_last_answer_closes_with_nobody_named_as_closer(cast):
    round = open_round(cast)
    for acronym in cast.agencies:
        concur(cast, round, acronym)
    round.refresh_from_db()
    assert round.closed_by is None
    assert round.close_reason == "Every eligible agency has answered."


def test_an_objection_needs_its_rationale_and_blocks(cast):
    round = open_round(cast)
    with pytest.raises(ApplicationError, match="rationale"):
        position_record(
            round=round,
            actor=cast.delegates["ESA"],
            agency=cast.agencies["ESA"],
            position="object",
            rationale="  ",
            now=OPENED,
        )
    position_record(
        round=round,
        actor=cast.delegates["ESA"],
        agency=cast.agencies["ESA"],
        position="object",
        rationale="Chapter 2 misstates our plans",
        now=OPENED,
    )
    concur(cast, round, "JAXA")
    concur(cast, round, "NASA")
    round.refresh_from_db()
    assert (round.outcome, round.deliverable.state) == ("objected", "drafting")
    assert round.deliverable.history.latest().history_move == "return_objected"


def test_a_flagged_product_awaits_the_sams(cast):
    round = open_round(cast, needs_sam_endorsement=True)
    for acronym in cast.agencies:
        concur(cast, round, acronym)
    round.refresh_from_db()
    assert round.deliverable.state == "sam_endorsement"
    assert round.deliverable.history.latest().history_move == "await_sam"


def test_a_closed_round_counts_as_decided_in_the_history(cast):
    round = open_round(cast)
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 1
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 0
    assert ConsensusRound.objects.get(pk=round.pk).history.filter(state="closed").count() == 1
