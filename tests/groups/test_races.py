"""Outlook writes racing on PostgreSQL with real threads: adds wait their turn and are numbered
without gaps; of two edits from the same copy, one is saved and the other refused."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.groups.models import OutlookItem
from apps.groups.services import outlook_item_create, outlook_item_update
from tests import factories
from tests.plenary.test_races import _postgres_only, race  # noqa: F401 (an autouse fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


def _positions(**section) -> list[int]:
    items = OutlookItem.objects.filter(**section).order_by("position")
    return list(items.values_list("position", flat=True))


@pytest.mark.parametrize("section", ["group", "priorities"])
def test_eight_adds_at_once_are_all_saved_and_numbered_in_turn(cast, section):
    group = cast.twg if section == "group" else None
    factories.OutlookItemFactory(group=group, year=2026, position=1)  # another year's numbering
    results = race(
        *[
            (lambda n=n: outlook_item_create(
                group=group, year=2027, text=f"Plan {n}.", actor=cast.secretariat
            ))
            for n in range(RACERS)
        ]
    )  # fmt: skip
    assert [r for r in results if not isinstance(r, OutlookItem)] == []
    assert sorted(r.position for r in results) == list(range(1, RACERS + 1))
    assert _positions(group=group, year=2027) == list(range(1, RACERS + 1))
    assert _positions(group=group, year=2026) == [1]
    texts = set(OutlookItem.objects.filter(group=group, year=2027).values_list("text", flat=True))
    assert texts == {f"Plan {n}." for n in range(RACERS)}


def test_eight_adds_through_the_group_page_at_once(cast):
    second = factories.UserFactory(username="cochair-twg-2")
    factories.CoChairAppointmentFactory(
        person=second, group=cast.twg, agency=cast.agencies["NASA"],
        starts_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    clients = []
    for n in range(RACERS):
        client = Client()
        client.force_login((cast.cochair_twg, second)[n % 2])
        clients.append(client)
    url = reverse("web:outlook-add", args=[cast.twg.pk])
    responses = race(
        *[
            (lambda c=c, n=n: c.post(url, {"year": 2027, "text": f"Plan {n}."}))
            for n, c in enumerate(clients)
        ]
    )
    assert [getattr(r, "status_code", r) for r in responses] == [302] * RACERS
    assert _positions(group=cast.twg, year=2027) == list(range(1, RACERS + 1))
    for client in clients:  # each was told it was added, none that it was refused
        html = client.get(cast.twg.get_absolute_url()).content.decode()
        assert "Outlook paragraph added." in html
        assert "not added" not in html


def test_two_edits_from_the_same_copy_one_saved_one_refused(cast):
    item = outlook_item_create(group=cast.twg, year=2027, text="Draft.", actor=cast.cochair_twg)
    results = race(
        *[
            (lambda who=who, text=text: outlook_item_update(
                item=item, actor=who, text=text, expected_version=1
            ))
            for who, text in ((cast.cochair_twg, "Cochair's."), (cast.secretariat, "Ours."))
        ]
    )  # fmt: skip
    saved = [r for r in results if isinstance(r, OutlookItem)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].code == "stale"
    item.refresh_from_db()
    assert item.version == 2
    assert item.text == saved[0].text
    assert f"“{item.text}”" in refused[0].message
    assert item.history.count() == 2
