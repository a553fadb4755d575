"""The sources' accounts of appointments' dates through the API, and settling a conflict: the
same service as the page, refused for anyone but the secretariat, and for a forged body."""

import datetime

import pytest
from django.urls import reverse

from apps.groups.models import AppointmentAccount
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date


@pytest.fixture
def handover(cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"], starts_on=None)
    return chair, [
        factories.AppointmentAccountFactory(
            chair=chair, date=DAY(year, 1, 1), source=f"ISECG {year} Annual Report"
        )
        for year in (2024, 2025)
    ]


def _settle(account: AppointmentAccount) -> str:
    return reverse("api:appointment-account-settle", args=[account.pk])


def test_readers_list_the_accounts_with_their_appointment(as_role, handover):
    chair, (first, _) = handover
    body = as_role("reader").get(reverse("api:appointment-account-list"), {"state": "open"}).json()
    assert body["count"] == 2
    listed = body["results"][0]
    assert listed["appointment"] == {
        "kind": "chair",
        "id": chair.pk,
        "label": "ISECG chair: NASA",
        "agency": "NASA",
    }
    assert (listed["edge"], listed["date_display"], listed["state"]) == ("start", "2024", "open")
    assert listed["settle_url"].endswith(_settle(first))


def test_the_secretariat_settles_with_the_account_posted_on(as_role, handover):
    chair, (first, second) = handover
    response = as_role("secretariat").post(
        _settle(second), {"reason": "The later report."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert {a["id"]: a["state"] for a in response.json()["accounts"]} == {
        first.pk: "set_aside",
        second.pk: "chosen",
    }
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2025, 1, 1), "year")
    again = as_role("secretariat").post(_settle(first), {"reason": "Again."}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_move"


def test_the_secretariat_may_give_the_date_and_its_precision(as_role, handover):
    chair, (first, _) = handover
    response = as_role("secretariat").post(
        _settle(first),
        {"reason": "The minutes.", "date": "2025-01-01", "precision": "month"},
        format="json",
    )
    assert response.status_code == 200
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2025, 1, 1), "month")
    assert {a["settled_display"] for a in response.json()["accounts"]} == {"Jan 2025"}


@pytest.mark.parametrize("role", ["reader", "cochair", "delegate", "sam"])
def test_anyone_else_is_refused_with_403_and_nothing_changes(as_role, handover, role):
    chair, (first, _) = handover
    response = as_role(role).post(_settle(first), {"reason": "Mine."}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    chair.refresh_from_db()
    assert chair.starts_on is None
    assert set(AppointmentAccount.objects.values_list("state", flat=True)) == {"open"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "Forged.", "state": "chosen"}, "state"),
        ({"reason": "Forged.", "chair": 99}, "chair"),
        ({"reason": "Half.", "precision": "year"}, "precision"),
        ({"reason": "Claims a day.", "date": "2025-03-04", "precision": "year"}, "date"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_forged_or_wrong_body_is_a_400_naming_the_field(as_role, handover, body, field):
    chair, (first, _) = handover
    response = as_role("secretariat").post(_settle(first), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    chair.refresh_from_db()
    assert chair.starts_on is None
    assert set(AppointmentAccount.objects.values_list("state", flat=True)) == {"open"}


def test_the_working_group_still_reads_its_mandate(as_role, cast):
    body = as_role("reader").get(reverse("api:working-group-detail", args=[cast.twg.pk])).json()
    assert body["mandate"] == "Coordinates what its name says."
    assert body["mandates"][0]["in_force_precision"] == "day"
