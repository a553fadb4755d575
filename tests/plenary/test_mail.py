"""Who is told what, and only once the change is committed."""

import datetime

import pytest

from apps.deliverables.services import deliverable_transition
from apps.plenary.reminders import consensus_rounds_send_reminders
from apps.plenary.services import (
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def recipients(mail) -> set[str]:
    return set(mail.to)


def test_submission_tells_the_secretariat(cast, mailoutbox, django_capture_on_commit_callbacks):
    deliverable = cast.deliverable("wg_review")
    with django_capture_on_commit_callbacks(execute=True):
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="WG agreed"
        )
    [mail] = mailoutbox
    assert recipients(mail) == {cast.secretariat.email}
    assert "submitted to the plenary" in mail.subject
    assert "By: Cochair-Twg" in mail.body
    assert "Next: Open a consensus round" in mail.body


def test_nothing_is_sent_when_the_transaction_rolls_back(cast, mailoutbox):
    deliverable = cast.deliverable("wg_review")
    # Without running on-commit callbacks (the test's transaction never commits), no mail.
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="WG agreed"
    )
    assert mailoutbox == []


def test_a_return_tells_the_lead_groups_cochairs(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        deliverable_transition(
            deliverable=deliverable,
            actor=cast.secretariat,
            to="drafting",
            reason="Add the executive summary",
        )
    [mail] = mailoutbox
    assert recipients(mail) == {cast.cochair_twg.email}  # not SWG's co-chair
    assert "Reason: Add the executive summary" in mail.body


def test_round_life_mails(cast, mailoutbox, django_capture_on_commit_callbacks):
    deliverable = cast.deliverable("submitted")
    delegates = {user.email for user in cast.delegates.values()}
    with django_capture_on_commit_callbacks(execute=True):
        round = consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="teleconference",
            now=OPENED,
        )
    # One mail per agency, each to that agency's delegation only.
    opened = mailoutbox[:]
    assert sorted(mail.to for mail in opened) == sorted([e] for e in delegates)
    for mail in opened:
        assert "Deadline: 16 March 2026" in mail.body
        assert "Silence" in mail.body or "say nothing" in mail.body

    with django_capture_on_commit_callbacks(execute=True):
        assert consensus_rounds_send_reminders(now=OPENED + datetime.timedelta(days=10)) == 0
        assert consensus_rounds_send_reminders(now=OPENED + datetime.timedelta(days=11)) == 1
        assert consensus_rounds_send_reminders(now=OPENED + datetime.timedelta(days=11)) == 0
    reminders = mailoutbox[3:]
    assert sorted(mail.to for mail in reminders) == sorted([e] for e in delegates)
    for mail in reminders:
        assert "3 days left" in mail.subject
        assert "(3 of 3 eligible agencies have not)" in mail.body

    with django_capture_on_commit_callbacks(execute=True):
        position_record(
            round=round,
            actor=cast.delegates["ESA"],
            agency=cast.agencies["ESA"],
            position="object",
            rationale="Scope too wide",
            now=OPENED,
        )
        consensus_rounds_close_expired(now=OPENED + datetime.timedelta(days=15))
    [objected] = mailoutbox[6:]
    assert recipients(objected) == {cast.cochair_twg.email}
    assert "objected to" in objected.subject
    assert "ESA: Scope too wide" in objected.body
    assert "By: the consensus procedure" in objected.body


def test_approval_and_publication_tell_the_cochairs(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="plenary",
            now=OPENED,
        )
        consensus_rounds_close_expired(now=OPENED + datetime.timedelta(days=15))
        deliverable_transition(
            deliverable=deliverable,
            actor=cast.secretariat,
            to="published",
            reason="On the website",
            published_on=datetime.date(2026, 4, 1),
            link="https://www.globalspaceexploration.org/lss",
        )
    # After the opening mails (one per agency), only the co-chairs hear of the outcome.
    after = [m for m in mailoutbox if "Consensus round opened" not in m.subject]
    assert len(mailoutbox) - len(after) == len(cast.agencies)
    subjects = [mail.subject for mail in after]
    assert any("approved by the plenary" in s for s in subjects)
    assert any("was published" in s for s in subjects)
    assert all(recipients(m) == {cast.cochair_twg.email} for m in after)
