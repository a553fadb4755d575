"""The watching pages and feeds cost a fixed number of queries, whatever a person has been told;
the header's unread count and the watch form share one query per request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.watching.feed_addresses import feed_address_issue
from apps.watching.models import Notification
from apps.watching.selectors import summary_of
from apps.watching.services import watch_start, watch_stop
from tests import factories

pytestmark = pytest.mark.django_db


def told_many(user, deliverable, start: int, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(
            user=user, event="deliverable.edited", deliverable=deliverable, title=f"Change {n}",
            url=deliverable.get_absolute_url(), source=f"test:{n}", delivery="none",
        )
        for n in range(start, start + count)
    )  # fmt: skip


def queries(client, path) -> int:
    client.get(path)  # warm the session and the summary
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_pages_and_feeds_do_not_grow_with_the_inbox(cast):
    deliverable = cast.deliverable("planned", target_date="2027-01-01")
    client = Client()
    client.force_login(cast.cochair_twg)
    atom = reverse(
        "web:feed-watched", args=[feed_address_issue(actor=cast.cochair_twg, kind="atom").secret]
    )
    ics = reverse(
        "web:feed-calendar",
        args=[feed_address_issue(actor=cast.cochair_twg, kind="calendar").secret],
    )
    paths = [reverse("web:notifications"), reverse("web:feed-addresses"), atom, ics]
    watch_start(actor=cast.cochair_twg, target=deliverable, level="all", digest=False)
    told_many(cast.cochair_twg, deliverable, 0, 3)
    small = [queries(client, path) for path in paths]
    for n in range(5):
        other = cast.deliverable("planned", target_date="2027-02-01")
        watch_start(actor=cast.cochair_twg, target=other, level="all", digest=False)
        factories.ConsensusRoundFactory(deliverable=cast.deliverable("in_consensus"))
        factories.PlenaryMeetingFactory(starts_on=f"2027-03-0{n + 1}")
    told_many(cast.cochair_twg, deliverable, 3, 80)
    large = [queries(client, path) for path in paths]
    assert small == large, dict(zip(paths, zip(small, large, strict=True), strict=True))
    # 9: a co-chair's pages also count their queues for the navigation (web/queues.py).
    assert max(large) <= 9, dict(zip(paths, large, strict=True))


def test_the_header_and_the_watch_form_cost_one_query_per_request(cast, django_assert_num_queries):
    deliverable = cast.deliverable("planned")
    watch_start(actor=cast.reader, target=None, level="all", digest=False)
    watch_start(actor=cast.reader, target=deliverable, level="significant", digest=True)
    watch_start(actor=cast.reader, target=cast.twg, level="all", digest=False)
    watch_stop(actor=cast.reader, target=cast.twg)
    told_many(cast.reader, deliverable, 0, 3)
    user = type(cast.reader).objects.get(pk=cast.reader.pk)  # as a request carries it
    with django_assert_num_queries(1):
        summary = summary_of(user)
        assert summary_of(user) is summary  # read once per request
    assert summary.unread == 3
    assert summary.watch_of("deliverable", deliverable.pk).digest is True
    assert summary.watch_of("everything", None).level == "all"
    assert summary.watch_of("group", cast.twg.pk) is None  # stopped


def test_someone_watching_nothing_has_an_empty_summary(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = summary_of(cast.reader)
    assert summary.unread == 0 and summary.watches == {}
