"""The round services at the edges the other round tests leave open: what each step records on
the round, which rounds the beat jobs pick, and what a refused step says."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.models import OutboxMail
from apps.plenary.models import ConsensusRound
from apps.plenary.reminders import _remind, consensus_rounds_send_reminders
from apps.plenary.services import (
    _close_expired,
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)

from .test_round_rules import DAY_AFTER, DEADLINE, OPENED, open_round

pytestmark = pytest.mark.django_db

THREE_DAYS_BEFORE = datetime.datetime(2026, 3, 13, 8, 0, tzinfo=datetime.UTC)


def answer(cast, round, acronym, position="concur", rationale="", actor=None, now=OPENED):
    return position_record(
        round=round,
        actor=actor or cast.delegates[acronym],
        agency=cast.agencies[acronym],
        position=position,
        rationale=rationale,
        now=now,
    )


def test_opening_records_who_opened_it_when_and_by_which_channel(cast):
    round = open_round(cast)
    round.refresh_from_db()
    assert (round.opened_on, round.opened_at, round.opened_by) == (
        OPENED.date(),
        OPENED,
        cast.secretariat,
    )
    assert (round.channel, round.state, round.outcome) == ("written_procedure", "open", "")
    assert {row.history_user for row in round.history.all()} == {cast.secretariat}


def test_an_unknown_channel_is_refused_and_nothing_opens(cast):
    deliverable = cast.deliverable("submitted")
    with pytest.raises(ApplicationError, match="Unknown channel 'fax'") as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="fax",
            now=OPENED,
        )
    assert refused.value.code == "invalid"
    assert "channel" in refused.value.extra["fields"]
    deliverable.refresh_from_db()
    assert deliverable.state == "submitted"
    assert not ConsensusRound.objects.exists()


def test_a_refused_opening_names_the_state(cast):
    drafting = cast.deliverable("drafting")
    with pytest.raises(ApplicationError, match=r"'.*' is drafting") as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=drafting,
            actor=cast.secretariat,
            channel="plenary",
            now=OPENED,
        )
    assert refused.value.code == "illegal_move"
    assert refused.value.extra["state"] == "drafting"
    assert not ConsensusRound.objects.exists()


def test_an_unknown_position_is_refused(cast):
    round = open_round(cast)
    with pytest.raises(ApplicationError, match="Unknown position 'maybe'") as refused:
        answer(cast, round, "ESA", position="maybe")
    assert refused.value.code == "invalid"
    assert not round.positions.exists()


def test_a_position_records_who_when_and_on_whose_behalf(cast):
    round = open_round(cast)
    own = answer(cast, round, "ESA", now=OPENED + datetime.timedelta(hours=1))
    by_secretariat = answer(cast, round, "JAXA", actor=cast.secretariat)
    own.refresh_from_db()
    by_secretariat.refresh_from_db()
    assert (own.recorded_by, own.on_behalf) == (cast.delegates["ESA"], False)
    assert own.recorded_at == OPENED + datetime.timedelta(hours=1)
    assert (by_secretariat.recorded_by, by_secretariat.on_behalf) == (cast.secretariat, True)
    assert own.history.get().history_change_reason == "ESA: concur"
    # A concurrence needs no rationale; the round stays open while NASA has not answered.
    round.refresh_from_db()
    assert round.state == "open"


def test_a_refused_step_on_a_decided_round_says_how_it_ended(cast):
    closed = open_round(cast)
    for acronym in cast.agencies:
        answer(cast, closed, acronym)
    with pytest.raises(ApplicationError) as refused:
        answer(cast, closed, "ESA", position="object", rationale="Late thought")
    assert refused.value.message.startswith(
        "This round is already closed (consensus (no standing objection)): "
    )
    assert refused.value.message.endswith("can no longer take positions.")
    assert (refused.value.code, refused.value.extra) == ("illegal_move", {"state": "closed"})

    cancelled = open_round(cast)
    consensus_round_cancel(round=cancelled, actor=cast.secretariat, reason="Wrong file", now=OPENED)
    with pytest.raises(ApplicationError) as refused:
        consensus_round_close(round=cancelled, actor=cast.secretariat, reason="Done", now=DAY_AFTER)
    assert refused.value.message.startswith("This round is already cancelled: ")
    assert refused.value.message.endswith("can no longer be closed.")


def test_closing_records_the_closer_the_time_and_the_decision(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = open_round(cast)  # the notices go out: every agency is told
    answer(cast, round, "ESA", position="object", rationale="Chapter 2 misstates our plans")
    consensus_round_close(round=round, actor=cast.secretariat, reason="Deadline", now=DAY_AFTER)
    round.refresh_from_db()
    assert (round.state, round.outcome) == ("closed", "objected")
    assert (round.closed_by, round.closed_at, round.close_reason) == (
        cast.secretariat,
        DAY_AFTER,
        "Deadline",
    )
    why = round.history.latest().history_change_reason
    assert why == "Deadline Objections: ESA: Chapter 2 misstates our plans"
    assert round.deliverable.history.latest().history_change_reason.endswith(why)


def test_the_silence_procedure_says_how_many_were_silent(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round = open_round(cast)  # the notices go out: every agency is told
    answer(cast, round, "ESA")
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 1
    round.refresh_from_db()
    assert (round.closed_by, round.closed_at) == (None, DAY_AFTER)
    assert round.close_reason == "Deadline 16 March 2026 passed: silence counts as no objection."
    assert round.history.latest().history_change_reason == (
        "Deadline 16 March 2026 passed: silence counts as no objection. "
        "No standing objection (2 silent, counted as no objection)."
    )


def test_the_silence_procedure_leaves_cancelled_and_running_rounds_alone(cast):
    cancelled = open_round(cast)
    consensus_round_cancel(round=cancelled, actor=cast.secretariat, reason="Wrong file", now=OPENED)
    later = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        deadline=datetime.date(2026, 3, 20),
        now=OPENED,
    )
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 0
    cancelled.refresh_from_db()
    later.refresh_from_db()
    assert (cancelled.state, cancelled.outcome) == ("cancelled", "")
    assert (later.state, later.deliverable.state) == ("open", "in_consensus")


def test_an_extension_must_be_to_a_later_day_not_the_same_one(cast):
    round = open_round(cast)
    with pytest.raises(ApplicationError, match="after the current one") as refused:
        consensus_round_extend(
            round=round, actor=cast.secretariat, deadline=DEADLINE, reason="Same", now=OPENED
        )
    assert refused.value.code == "invalid"
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=DEADLINE + datetime.timedelta(days=1),
        reason="One more day",
        now=OPENED,
    )
    round.refresh_from_db()
    assert round.deadline == datetime.date(2026, 3, 17)
    latest = round.history.latest()
    assert latest.history_change_reason == "Deadline extended from 2026-03-16: One more day"
    assert latest.history_user == cast.secretariat


@pytest.mark.parametrize("step", ["extend", "cancel", "close"])
def test_a_round_step_needs_a_reason(cast, step):
    round = open_round(cast)
    with pytest.raises(ApplicationError, match="Say why") as refused:
        if step == "extend":
            consensus_round_extend(
                round=round,
                actor=cast.secretariat,
                deadline=datetime.date(2026, 4, 1),
                reason=" ",
                now=OPENED,
            )
        elif step == "cancel":
            consensus_round_cancel(round=round, actor=cast.secretariat, reason=" ", now=OPENED)
        else:
            consensus_round_close(round=round, actor=cast.secretariat, reason=" ", now=DAY_AFTER)
    assert refused.value.code == "invalid"
    round.refresh_from_db()
    assert (round.state, round.deadline) == ("open", DEADLINE)


def test_cancelling_records_who_when_and_why(cast):
    round = open_round(cast)
    consensus_round_cancel(round=round, actor=cast.secretariat, reason="Wrong file", now=OPENED)
    round.refresh_from_db()
    assert (round.state, round.outcome) == ("cancelled", "")
    assert (round.closed_by, round.closed_at, round.close_reason) == (
        cast.secretariat,
        OPENED,
        "Wrong file",
    )
    latest = round.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.secretariat,
        "Cancelled: Wrong file",
    )
    deliverable = round.deliverable
    deliverable.refresh_from_db()
    assert deliverable.state == "submitted"
    assert deliverable.history.latest().history_move == "cancel_round"
    assert deliverable.history.latest().history_user == cast.secretariat


def test_reminders_go_three_days_before_the_deadline_once(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    due = open_round(cast)
    answer(cast, due, "ESA")
    later = open_round(cast)
    consensus_round_extend(
        round=later,
        actor=cast.secretariat,
        deadline=datetime.date(2026, 3, 20),
        reason="More time",
        now=OPENED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert consensus_rounds_send_reminders(now=THREE_DAYS_BEFORE - datetime.timedelta(1)) == 0
        assert consensus_rounds_send_reminders(now=THREE_DAYS_BEFORE) == 1
        assert consensus_rounds_send_reminders(now=THREE_DAYS_BEFORE) == 0
    # To the two agencies that have not answered, one mail each; none to ESA, which has.
    silent = {cast.delegates["JAXA"].email, cast.delegates["NASA"].email}
    assert sorted(mail.to for mail in mailoutbox) == sorted([e] for e in silent)
    for mail in mailoutbox:
        assert "(2 of 3 eligible agencies have not)" in mail.body
    due.refresh_from_db()
    # Marked when the first mail went out, not when it was written.
    sent = OutboxMail.objects.filter(key__startswith="round-reminder:")
    assert {mail.key.rsplit(":", 1)[0] for mail in sent} == {f"round-reminder:{due.pk}:2026-03-16"}
    assert [mail.state for mail in sent] == ["sent", "sent"]
    assert due.reminder_sent_at == min(mail.sent_at for mail in sent)
    latest = due.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        None,
        "Deadline reminder sent to the delegates.",
    )
    later.refresh_from_db()
    assert later.reminder_sent_at is None


def test_no_reminder_for_a_round_no_longer_open(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    round = open_round(cast)
    consensus_round_cancel(round=round, actor=cast.secretariat, reason="Wrong file", now=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        assert consensus_rounds_send_reminders(now=THREE_DAYS_BEFORE) == 0
    assert not [m for m in mailoutbox if "days left" in m.subject]


def test_opening_on_a_product_already_in_consensus_is_refused(cast):
    running = open_round(cast)
    with pytest.raises(ApplicationError, match="is in_consensus") as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=running.deliverable,
            actor=cast.secretariat,
            channel="plenary",
            now=OPENED,
        )
    assert refused.value.code == "illegal_move"
    running.deliverable.refresh_from_db()
    assert running.deliverable.state == "in_consensus"
    assert ConsensusRound.objects.get().pk == running.pk


@pytest.mark.parametrize("state", ["submitted", "wg_review"])
def test_a_round_whose_product_left_consensus_by_hand_cannot_send_it_to_submitted(cast, state):
    """A record repaired outside the workflow (a database fix) leaves an open round on a product
    not in consensus: cancelling it must not invent a move for the product."""
    round = open_round(cast)
    type(round.deliverable).objects.filter(pk=round.deliverable_id).update(state=state)
    with pytest.raises(ApplicationError, match="to “submitted to the plenary”") as refused:
        consensus_round_cancel(round=round, actor=cast.secretariat, reason="Tidy up", now=OPENED)
    assert refused.value.extra["state"] == state
    round.refresh_from_db()
    assert round.state == "open"
    round.deliverable.refresh_from_db()
    assert (round.deliverable.state, round.deliverable.version) == (state, 2)


@pytest.mark.parametrize("step", ["close", "extend", "cancel"])
def test_only_the_secretariat_closes_extends_or_cancels(cast, step):
    round = open_round(cast)
    with pytest.raises(ApplicationError, match="Only the secretariat") as refused:
        if step == "close":
            consensus_round_close(round=round, actor=cast.cochair_twg, reason="x", now=DAY_AFTER)
        elif step == "extend":
            consensus_round_extend(
                round=round,
                actor=cast.cochair_twg,
                deadline=datetime.date(2026, 4, 1),
                reason="x",
                now=OPENED,
            )
        else:
            consensus_round_cancel(round=round, actor=cast.delegates["NASA"], reason="x")
    assert refused.value.code == "forbidden"
    round.refresh_from_db()
    assert (round.state, round.deadline) == ("open", DEADLINE)


def test_steps_without_a_given_time_use_the_clock(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    """The beat jobs and the web pass no time: each step stamps the real one."""
    # The fixed days above are long past on the real clock.
    expired = open_round(cast)
    assert consensus_rounds_close_expired() == 1
    expired.refresh_from_db()
    assert expired.state == "closed"
    assert expired.closed_at is not None
    closed = open_round(cast)
    consensus_round_close(round=closed, actor=cast.secretariat, reason="Deadline")
    closed.refresh_from_db()
    assert closed.closed_at is not None
    today = timezone.localdate()
    soon = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        deadline=today + datetime.timedelta(days=3),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the reminder is marked once sent
        assert consensus_rounds_send_reminders() == 1
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert consensus_rounds_send_reminders() == 0
    consensus_round_cancel(round=soon, actor=cast.secretariat, reason="Wrong file")
    soon.refresh_from_db()
    assert soon.closed_at is not None


def test_a_round_decided_meanwhile_is_neither_closed_again_nor_counted(cast):
    """The beat job lists the expired rounds, then locks each: one closed in between (by the
    last answer or the secretariat) is left as it was."""
    round = open_round(cast)
    for acronym in cast.agencies:
        answer(cast, round, acronym)
    rows = round.history.count()
    assert _close_expired(ConsensusRound(pk=round.pk), now=DAY_AFTER) == 0
    round.refresh_from_db()
    assert (round.state, round.outcome, round.close_reason) == (
        "closed",
        "consensus",
        "Every eligible agency has answered.",
    )
    assert round.history.count() == rows


def test_a_round_cancelled_or_reminded_meanwhile_gets_no_reminder(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cancelled, reminded = open_round(cast), open_round(cast)
    consensus_round_cancel(round=cancelled, actor=cast.secretariat, reason="Wrong file", now=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        assert consensus_rounds_send_reminders(now=THREE_DAYS_BEFORE) == 1
        assert _remind(ConsensusRound(pk=cancelled.pk), now=THREE_DAYS_BEFORE) == 0
        assert _remind(ConsensusRound(pk=reminded.pk), now=THREE_DAYS_BEFORE) == 0
    # One reminder per agency, all for the round still open and not yet reminded.
    reminders = OutboxMail.objects.filter(key__startswith="round-reminder:")
    assert {mail.key.rsplit(":", 1)[0] for mail in reminders} == {
        f"round-reminder:{reminded.pk}:2026-03-16"
    }
    assert len([m for m in mailoutbox if "3 days left" in m.subject]) == len(cast.agencies)
    cancelled.refresh_from_db()
    assert cancelled.reminder_sent_at is None
