"""The inbox and the watch forms, through HTTP: the unread count in every page's header, opening
a notification marks it read, "mark all read", and watching from the deliverable, group and
notifications pages, each acting on the signed-in person's own watch only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.deliverables.services import deliverable_transition
from apps.watching.models import Notification, Watch
from apps.watching.services import watch_start
from tests import factories

from .conftest import told

pytestmark = pytest.mark.django_db

UNREAD = re.compile(r'aria-label="(\d+) unread"')


def signed_in(user, **extra) -> Client:
    client = Client(**extra)
    client.force_login(user)
    return client


def unread_shown(client, path="/") -> int:
    response = client.get(path)
    assert response.status_code == 200
    found = UNREAD.search(response.content.decode())
    return int(found.group(1)) if found else 0


def notify(cast, deliverable, to="drafting"):
    deliverable_transition(deliverable=deliverable, actor=cast.cochair_twg, to=to, reason="Go")


def test_the_header_counts_unread_notifications_and_opening_one_reads_it(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    client = signed_in(person)
    assert unread_shown(client) == 0
    notify(cast, deliverable)
    notify(cast, deliverable, to="wg_review")
    assert unread_shown(client) == 2
    assert unread_shown(client, reverse("web:groups")) == 2

    newest = told(person)[-1]
    response = client.get(reverse("web:notification-open", args=[newest.pk]))
    assert response.status_code == 302 and response["Location"] == newest.url
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert unread_shown(client) == 1

    response = client.post(reverse("web:notifications-read"))
    assert response.status_code == 302
    assert unread_shown(client) == 0
    assert not Notification.objects.filter(user=person, read_at__isnull=True).exists()


def test_someone_elses_notification_cannot_be_opened_or_marked(cast, watcher):
    deliverable = cast.deliverable("planned")
    owner, other = watcher(deliverable), watcher(deliverable)
    notify(cast, deliverable)
    [mine] = told(owner)
    response = signed_in(other).get(reverse("web:notification-open", args=[mine.pk]))
    assert response.status_code == 403
    signed_in(other).post(reverse("web:notifications-read"))
    mine.refresh_from_db()
    assert mine.read_at is None
    missing = signed_in(other).get(reverse("web:notification-open", args=[mine.pk + 1000]))
    assert missing.status_code == 404


def test_the_notifications_page_lists_newest_first_in_pages(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    for number in range(30):
        Notification.objects.create(
            user=person,
            event="deliverable.edited",
            deliverable=deliverable,
            title=f"Change number {number:02d}",
            url=deliverable.get_absolute_url(),
            source=f"test:{number}",
            delivery="none",
        )
    client = signed_in(person)
    first = client.get(reverse("web:notifications")).content.decode()
    assert first.index("Change number 29") < first.index("Change number 10")
    assert "Change number 04" not in first
    second = client.get(reverse("web:notifications") + "?page=2").content.decode()
    assert "Change number 04" in second and "Change number 29" not in second


def test_watching_from_the_deliverable_page_and_stopping(cast):
    deliverable = cast.deliverable("planned")
    client = signed_in(cast.reader)
    page = client.get(deliverable.get_absolute_url()).content.decode()
    assert "Watch this deliverable" in page
    response = client.post(
        reverse("web:watch"),
        {
            "scope": "deliverable",
            "target": deliverable.pk,
            "level": "significant",
            "digest": "1",
            "action": "watch",
            "next": deliverable.get_absolute_url(),
        },
    )
    assert response.status_code == 302 and response["Location"] == deliverable.get_absolute_url()
    watch = Watch.objects.get(user=cast.reader, deliverable=deliverable)
    assert (watch.level, watch.digest, watch.stopped_at) == ("significant", True, None)
    page = client.get(deliverable.get_absolute_url()).content.decode()
    assert "Watching this deliverable: significant changes only, daily digest" in page
    assert "Stop watching" in page

    client.post(
        reverse("web:watch"),
        {"scope": "deliverable", "target": deliverable.pk, "action": "stop"},
    )
    watch.refresh_from_db()
    assert watch.stopped_at is not None
    assert "Watch this deliverable" in client.get(deliverable.get_absolute_url()).content.decode()
    assert watch.history.count() == 2


def test_watching_a_group_and_everything_from_their_pages(cast):
    client = signed_in(cast.reader)
    group_page = client.get(cast.twg.get_absolute_url()).content.decode()
    assert "Watch TWG&#x27;s deliverables" in group_page or "Watch TWG's deliverables" in group_page
    client.post(
        reverse("web:watch"),
        {"scope": "group", "target": cast.twg.pk, "level": "all", "action": "watch"},
    )
    assert "Watch everything" in client.get(reverse("web:notifications")).content.decode()
    client.post(reverse("web:watch"), {"scope": "everything", "level": "all", "action": "watch"})
    scopes = set(
        Watch.objects.filter(user=cast.reader, stopped_at__isnull=True).values_list(
            "scope", flat=True
        )
    )
    assert scopes == {"group", "everything"}
    assert "Watching everything" in client.get(reverse("web:notifications")).content.decode()


def test_a_forged_post_cannot_touch_another_persons_watch(cast):
    deliverable = cast.deliverable("planned")
    watch_start(actor=cast.reader, target=deliverable, level="all", digest=False)
    intruder = factories.UserFactory(username="intruder")
    response = signed_in(intruder).post(
        reverse("web:watch"),
        {
            "scope": "deliverable",
            "target": deliverable.pk,
            "action": "stop",
            "user": cast.reader.pk,  # not a field: the form acts on the signed-in person only
            "watch": Watch.objects.get(user=cast.reader).pk,
        },
    )
    assert response.status_code == 302
    assert Watch.objects.get(user=cast.reader).stopped_at is None
    assert not Watch.objects.filter(user=intruder).exists()


def test_a_post_without_the_csrf_token_is_refused(cast):
    deliverable = cast.deliverable("planned")
    client = signed_in(cast.reader, enforce_csrf_checks=True)
    response = client.post(
        reverse("web:watch"),
        {"scope": "deliverable", "target": deliverable.pk, "level": "all", "action": "watch"},
    )
    assert response.status_code == 403
    assert not Watch.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "deliverable", "level": "all", "action": "watch"},  # which one?
        {"scope": "deliverable", "target": 1, "level": "loud", "action": "watch"},
        {"scope": "everything", "target": 1, "level": "all", "action": "watch"},
        {"scope": "nothing", "level": "all", "action": "watch"},
        {"scope": "group", "target": 10**9, "level": "all", "action": "watch"},
    ],
)
def test_a_bad_watch_form_changes_nothing(cast, body):
    cast.deliverable("planned")
    response = signed_in(cast.reader).post(reverse("web:watch"), body)
    assert response.status_code in (302, 404)
    assert not Watch.objects.exists()


def test_an_open_redirect_through_next_is_refused(cast):
    deliverable = cast.deliverable("planned")
    response = signed_in(cast.reader).post(
        reverse("web:watch"),
        {
            "scope": "deliverable",
            "target": deliverable.pk,
            "level": "all",
            "action": "watch",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == deliverable.get_absolute_url()


def test_anonymous_people_are_sent_to_sign_in(cast):
    for name in ("web:notifications", "web:feed-addresses"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post(reverse("web:watch"), {"scope": "everything", "action": "watch"})
    assert response.status_code == 302 and not Watch.objects.exists()
