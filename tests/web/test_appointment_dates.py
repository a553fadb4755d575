"""The secretariat settles, from the page, what the sources disagree on about an appointment's
dates; anyone else, and any forged post, changes nothing."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.groups.models import AppointmentAccount, ChairAppointment
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date


@pytest.fixture
def handover(cast):
    """NASA's chair: the 2024 report says it began in 2024, the 2025 report in 2025."""
    chair = factories.ChairAppointmentFactory(
        agency=cast.agencies["NASA"], starts_on=DAY(2025, 12, 31), starts_precision="on_or_before"
    )
    accounts = [
        factories.AppointmentAccountFactory(
            chair=chair, date=DAY(year, 1, 1), words=words, source=f"ISECG {year} Annual Report"
        )
        for year, words in ((2024, "As the year concluded…"), (2025, "At the end of 2025…"))
    ]
    return chair, accounts


def _url(account: AppointmentAccount) -> str:
    return reverse("web:appointment-dates-settle", args=[account.pk])


def test_the_secretariat_settles_with_one_account_from_the_form(client, cast, handover):
    chair, (first, second) = handover
    client.force_login(cast.secretariat)
    page = html.unescape(client.get(_url(first)).content.decode())
    assert "When NASA's ISECG chair began" in page
    assert "2025, as the ISECG 2025 Annual Report says: “At the end of 2025…”" in page
    response = client.post(
        _url(first), {"choice": str(second.pk), "reason": "The 2025 report is the later one."}
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:groups")
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2025, 1, 1), "year")
    assert chair.history.latest().history_user == cast.secretariat
    states = dict(AppointmentAccount.objects.values_list("pk", "state"))
    assert states == {first.pk: "set_aside", second.pk: "chosen"}
    listing = html.unescape(client.get(reverse("web:groups")).content.decode())
    assert "Sources differ" not in listing and "began 2025" in listing


def test_another_date_is_typed_as_precisely_as_it_is_known(client, cast, handover):
    chair, (first, _) = handover
    client.force_login(cast.secretariat)
    response = client.post(
        _url(first), {"choice": "other", "date": "2025-01", "reason": "January plenary minutes."}
    )
    assert response.status_code == 302
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2025, 1, 1), "month")


def test_a_settling_without_reason_is_the_form_again_saying_why(client, cast, handover):
    chair, (first, _) = handover
    client.force_login(cast.secretariat)
    response = client.post(_url(first), {"choice": str(first.pk), "reason": ""})
    assert response.status_code == 400
    assert "Say why this date is the one the record keeps" in response.content.decode()
    chair.refresh_from_db()
    assert chair.starts_on == DAY(2025, 12, 31)


@pytest.mark.parametrize("role", ["reader", "cochair", "delegate", "sam"])
def test_anyone_else_is_refused_the_page_and_the_post(client, cast, handover, role):
    chair, (first, _) = handover
    client.force_login(cast.by_role(role))
    assert client.get(_url(first)).status_code == 403
    response = client.post(_url(first), {"choice": str(first.pk), "reason": "Because."})
    assert response.status_code == 403
    assert "Only the secretariat settles" in response.content.decode()
    chair.refresh_from_db()
    assert chair.starts_on == DAY(2025, 12, 31)
    assert set(AppointmentAccount.objects.values_list("state", flat=True)) == {"open"}


def test_a_forged_choice_from_another_conflict_changes_nothing(client, cast, handover):
    chair, (first, _) = handover
    other = factories.ChairAppointmentFactory(agency=cast.agencies["ESA"], starts_on=None)
    foreign = [
        factories.AppointmentAccountFactory(chair=other, date=DAY(year, 1, 1))
        for year in (2019, 2020)
    ]
    client.force_login(cast.secretariat)
    response = client.post(_url(first), {"choice": str(foreign[0].pk), "reason": "Forged."})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert ChairAppointment.objects.get(pk=other.pk).starts_on is None
    chair.refresh_from_db()
    assert chair.starts_on == DAY(2025, 12, 31)
    assert not AppointmentAccount.objects.exclude(state="open").exists()


def test_a_post_without_the_pages_csrf_token_is_refused(cast, handover):
    chair, (first, _) = handover
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(cast.secretariat)
    response = forger.post(_url(first), {"choice": str(first.pk), "reason": "From elsewhere."})
    assert response.status_code == 403
    chair.refresh_from_db()
    assert chair.starts_on == DAY(2025, 12, 31)


def test_a_settled_conflict_sends_the_page_back(client, cast, handover):
    _, (first, second) = handover
    client.force_login(cast.secretariat)
    client.post(_url(first), {"choice": str(first.pk), "reason": "The earlier report."})
    response = client.post(_url(first), {"choice": str(second.pk), "reason": "Again."})
    assert response.status_code == 302
    assert AppointmentAccount.objects.get(pk=second.pk).state == "set_aside"
