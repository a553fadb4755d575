"""A watcher's mail: written with the change, sent only after it commits, never for a change
rolled back; the daily digest once; a title no mail header can hold still mails."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from apps.core.models import OutboxMail
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition
from apps.watching.digest import digests_send
from apps.watching.models import Notification
from apps.watching.tasks import send_daily_digests

from .conftest import told

pytestmark = pytest.mark.django_db


def mails_to(mailoutbox, user) -> list:
    return [mail for mail in mailoutbox if user.email in mail.to]


def start(cast, deliverable, reason="Started"):
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason=reason
    )


def test_a_watcher_is_mailed_after_the_commit(
    cast, watcher, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("planned", title="Lunar surface gap report")
    person = watcher(deliverable)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        start(cast, deliverable)
        # Written in the transaction, not sent: nothing has left before the commit.
        assert mails_to(mailoutbox, person) == []
        [notification] = told(person)
        assert notification.mail.state == OutboxMail.State.WAITING
    for callback in pending:
        callback()
    [mail] = mails_to(mailoutbox, person)
    assert mail.to == [person.email]  # one mail per watcher: nobody sees who else watches
    assert "Lunar surface gap report" in mail.subject
    assert "Why: Start drafting: Started" in mail.body
    assert f"/deliverables/{deliverable.pk}/" in mail.body
    assert "because you watch Lunar surface gap report (all changes)" in mail.body
    notification.refresh_from_db()
    assert notification.mail.state == OutboxMail.State.SENT


def test_nothing_is_told_or_mailed_when_the_change_rolls_back(
    cast, watcher, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    mails_before = OutboxMail.objects.count()

    class Abandoned(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Abandoned),
        transaction.atomic(),
    ):
        start(cast, deliverable)
        assert len(told(person)) == 1
        raise Abandoned
    assert told(person) == []
    assert OutboxMail.objects.count() == mails_before
    assert mails_to(mailoutbox, person) == []
    assert Deliverable.objects.get(pk=deliverable.pk).state == "planned"


def test_a_title_with_control_characters_still_mails_on_one_line(
    cast, watcher, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("planned", title="Gap\x0breport\x01 \r\nsecond line")
    person = watcher(deliverable)
    with django_capture_on_commit_callbacks(execute=True):
        start(cast, deliverable)
    assert Deliverable.objects.get(pk=deliverable.pk).state == "drafting"
    [mail] = mails_to(mailoutbox, person)
    assert "\n" not in mail.subject and "\x01" not in mail.subject
    assert "Gap report second line" in mail.subject


def test_a_watcher_without_an_address_is_told_in_the_tracker_only(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    person.email = ""
    person.save()
    start(cast, deliverable)
    [notification] = told(person)
    assert notification.delivery == Notification.Delivery.NONE and notification.mail is None


def test_the_daily_digest_mails_once_with_every_waiting_line(
    cast, watcher, mailoutbox, django_capture_on_commit_callbacks
):
    first = cast.deliverable("planned", title="First report")
    second = cast.deliverable("planned", title="Second report")
    person = watcher(cast.twg, digest=True)
    at_once = watcher(first)
    with django_capture_on_commit_callbacks(execute=True):
        start(cast, first)
        start(cast, second)
    assert mails_to(mailoutbox, person) == []  # the digest waits
    assert len(mails_to(mailoutbox, at_once)) == 1
    assert [n.delivery for n in told(person)] == ["digest", "digest"]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 1
    [digest] = mails_to(mailoutbox, person)
    assert "2 changes" in digest.subject
    assert "First report" in digest.body and "Second report" in digest.body
    assert all(n.mailed_at is not None and n.mail_id for n in told(person))

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 0  # the same day again: nothing waits, nothing is sent
    assert len(mails_to(mailoutbox, person)) == 1
    assert len(mails_to(mailoutbox, at_once)) == 1  # the instant watcher gets no digest


def test_a_digest_leaves_what_came_after_its_run_for_the_next(
    cast, watcher, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable, digest=True)
    start(cast, deliverable)
    later = timezone.now() + datetime.timedelta(hours=1)
    Notification.objects.filter(user=person).update(created_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=later - datetime.timedelta(minutes=1)) == 0
        assert digests_send(now=later + datetime.timedelta(minutes=1)) == 1
    assert len(mails_to(mailoutbox, person)) == 1
