"""Editing a target date sets its precision from what was typed (deliverables.services holds
the rule; the web form, the API and the admin only pass what they were given)."""

import datetime

import pytest
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_create, deliverable_update_progress
from tests import factories
from tests.deliverables.test_admin import as_the_page_sends_it, change_url, errors_of, staff

from .conftest import PRECISIONS

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_ONLY = {"target_date": D(2026, 1, 1), "target_precision": "year"}


def post_progress(client, user, deliverable, target: str):
    client.force_login(user)
    return client.post(
        reverse("web:progress", args=[deliverable.pk]),
        {"percent_complete": 10, "target_date": target, "seen_version": deliverable.version},
    )


class TestTheWebForm:
    @pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)
    def test_what_is_typed_sets_the_precision(
        self, client, cast, precision, day, short, long, typed
    ):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        response = post_progress(client, cast.cochair_twg, deliverable, typed)
        assert response.status_code == 302
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (day, precision)
        assert deliverable.history.latest().history_user == cast.cochair_twg
        html = client.get(deliverable.get_absolute_url()).content.decode()
        assert f"<dt>Target date</dt><dd>{short}</dd>" in html
        assert f'name="target_date" value="{typed}"' in html  # it reads back as it was typed

    def test_a_day_on_a_year_only_target_makes_it_that_day(self, client, cast):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        client.force_login(cast.cochair_twg)
        page = client.get(deliverable.get_absolute_url()).content.decode()
        assert 'name="target_date" value="2026"' in page
        assert post_progress(client, cast.cochair_twg, deliverable, "2026-05-12").status_code == 302
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (D(2026, 5, 12), "day")

    def test_an_unchanged_target_keeps_its_precision_and_an_empty_one_clears_it(self, client, cast):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        post_progress(client, cast.cochair_twg, deliverable, "2026")
        deliverable.refresh_from_db()
        assert (deliverable.target_precision, deliverable.percent_complete) == ("year", 10)
        post_progress(client, cast.cochair_twg, deliverable, "")
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (None, "day")

    def test_a_date_that_is_no_date_is_refused_next_to_the_field(self, client, cast):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        response = post_progress(client, cast.cochair_twg, deliverable, "2026-13")
        assert response.status_code == 400
        html = response.content.decode()
        field_at = html.index('name="target_date"')
        assert "is not a date. Type a year (2026), a month (2026-12)" in html[field_at:][:900]
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.version) == (D(2026, 1, 1), 1)


def url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/"


class TestTheApi:
    def patch(self, as_role, deliverable, body):
        return as_role("cochair").patch(url(deliverable), body, HTTP_IF_MATCH='"1"')

    def test_a_new_day_without_a_precision_is_a_day(self, cast, as_role):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        response = self.patch(as_role, deliverable, {"target_date": "2026-05-12"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["target_date"], body["target_precision"], body["target_display"]) == (
            "2026-05-12", "day", "12 May 2026",
        )  # fmt: skip

    @pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)
    def test_a_date_with_its_precision(self, cast, as_role, precision, day, short, long, typed):
        deliverable = cast.deliverable("drafting", target_date=D(2025, 3, 3))
        body = {"target_date": day.isoformat(), "target_precision": precision}
        response = self.patch(as_role, deliverable, body)
        assert response.status_code == 200, response.json()
        assert response.json()["target_display"] == short
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (day, precision)

    def test_the_stored_date_sent_back_keeps_its_precision(self, cast, as_role):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        response = self.patch(as_role, deliverable, {"target_date": "2026-01-01", "rag": "green"})
        assert response.json()["target_display"] == "2026"

    def test_a_day_inside_a_year_only_target_is_refused(self, cast, as_role):
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        body = {"target_date": "2026-05-12", "target_precision": "year"}
        response = self.patch(as_role, deliverable, body)
        assert response.status_code == 400
        assert (
            "stored as its first day (1 January 2026), not 12 May 2026" in response.json()["detail"]
        )
        assert Deliverable.objects.get(pk=deliverable.pk).version == 1


class TestTheService:
    def test_a_new_deliverable_gets_the_precision_given_or_a_day(self, cast):
        year = deliverable_create(actor=cast.secretariat, title="Year", kind="other",
                                  lead_group=cast.twg, **YEAR_ONLY)  # fmt: skip
        day = deliverable_create(actor=cast.secretariat, title="Day", kind="other",
                                 lead_group=cast.twg, target_date=D(2026, 5, 12))  # fmt: skip
        assert (year.target_precision, day.target_precision) == ("year", "day")

    def test_the_precision_alone_is_checked_against_the_stored_date(self, cast):
        deliverable = cast.deliverable("drafting", target_date=D(2026, 5, 12))
        with pytest.raises(ApplicationError, match="known only by its month"):
            deliverable_update_progress(
                deliverable=deliverable, actor=cast.cochair_twg, expected_version=1,
                target_precision="month",
            )  # fmt: skip
        deliverable_update_progress(
            deliverable=deliverable, actor=cast.cochair_twg, expected_version=1,
            target_date=D(2026, 5, 1), target_precision="month",
        )  # fmt: skip
        assert deliverable.target_display == "May 2026"


class TestTheAdmin:
    def test_the_precision_shown_beside_the_date_is_the_one_stored(self, client, cast):
        client.force_login(staff(cast.secretariat))
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        moved = as_the_page_sends_it(client, deliverable, target_date="2027-01-01")
        assert client.post(change_url(deliverable), moved).status_code == 302
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (D(2027, 1, 1), "year")

    def test_a_day_with_the_year_precision_is_refused_saying_what_to_choose(self, client, cast):
        client.force_login(staff(cast.secretariat))
        deliverable = cast.deliverable("drafting", **YEAR_ONLY)
        data = as_the_page_sends_it(client, deliverable, target_date="2026-05-12")
        response = client.post(change_url(deliverable), data)
        assert response.status_code == 200
        assert "give the day with the precision 'exact day'" in errors_of(response)
        data["target_precision"] = "day"
        assert client.post(change_url(deliverable), data).status_code == 302
        deliverable.refresh_from_db()
        assert (deliverable.target_date, deliverable.target_precision) == (D(2026, 5, 12), "day")


def test_every_record_the_admin_writes_keeps_its_dates_on_their_first_day(client, cast):
    """The records the admin writes directly (agencies, groups, meetings...) hold to the same
    rule as the services': a month or a year is stored as its first day."""
    client.force_login(staff(cast.secretariat))
    cast.secretariat.is_superuser = True
    cast.secretariat.save()
    name = factories.AgencyNameFactory(agency=cast.agencies["ESA"], used_until=D(2024, 1, 1),
                                       used_until_precision="year")  # fmt: skip
    url = reverse("admin:agencies_agencyname_change", args=[name.pk])
    form = client.get(url).context["adminform"].form
    data = {field: form[field].value() for field in form.fields if form[field].value() is not None}
    refused = client.post(url, {**data, "used_until": "2024-05-12"})
    assert refused.status_code == 200
    assert "known only by its year is stored as its first day (1 January 2024)" in errors_of(
        refused
    )
    saved = client.post(url, {**data, "used_until": "2024-05-01", "used_until_precision": "month"})
    assert saved.status_code == 302
    name.refresh_from_db()
    assert (name.used_until, name.used_until_precision) == (D(2024, 5, 1), "month")
    assert str(name) == "Former Space Institute (FSI), until May 2024"
