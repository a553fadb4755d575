"""Races on PostgreSQL with real threads: a digest written once, one watch row and one live
feed address per person and target, whoever clicks twice."""

import os

import pytest
from django.db import connection

from apps.core.models import OutboxMail
from apps.deliverables.services import deliverable_transition
from apps.watching.digest import digests_send
from apps.watching.feed_addresses import feed_address_issue
from apps.watching.models import FeedAddress, Notification, Watch
from apps.watching.services import watch_start
from tests.plenary.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        message = "row-lock races need PostgreSQL: run with DATABASE_URL=postgres://..."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_two_digest_runs_at_once_write_one_digest(cast, watcher):
    deliverable = cast.deliverable("planned")
    people = [watcher(deliverable, digest=True) for _ in range(3)]
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
    )
    results = race(digests_send, digests_send)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 3
    for person in people:
        digests = OutboxMail.objects.filter(key__startswith=f"watching-digest:{person.pk}:")
        assert digests.count() == 1
        assert not Notification.objects.filter(user=person, mailed_at__isnull=True).exists()


def test_watching_twice_at_once_keeps_one_row(cast):
    deliverable = cast.deliverable("planned")
    results = race(
        lambda: watch_start(actor=cast.reader, target=deliverable, level="all", digest=False),
        lambda: watch_start(actor=cast.reader, target=deliverable, level="all", digest=True),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Watch.objects.filter(user=cast.reader, deliverable=deliverable).count() == 1


def test_two_new_addresses_at_once_leave_one_live(cast):
    results = race(
        lambda: feed_address_issue(actor=cast.reader, kind="atom"),
        lambda: feed_address_issue(actor=cast.reader, kind="atom"),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    live = FeedAddress.objects.filter(user=cast.reader, kind="atom", revoked_at__isnull=True)
    assert live.count() == 1
