"""What must never be stored is refused by the database, with a message a person can act on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.agencies.models import Agency
from apps.groups.models import GroupStatus, OutlookItem, WorkingGroup
from tests import factories

pytestmark = pytest.mark.django_db


def assert_refused(instance, message_fragment: str) -> None:
    """Validation explains the problem, and a save that skips validation is stopped by the DB."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert message_fragment in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
    assert model.objects.count() == before


def test_membership_that_ends_before_it_starts_is_refused():
    agency = factories.AgencyFactory.build(
        joined_on=datetime.date(2020, 1, 1), left_on=datetime.date(2019, 12, 31)
    )
    assert_refused(agency, "cannot end on or before the day it starts")


def test_membership_ending_the_day_it_starts_is_refused():
    day = datetime.date(2020, 1, 1)
    assert_refused(factories.AgencyFactory.build(joined_on=day, left_on=day), "'left on'")


def test_membership_that_ends_later_is_stored():
    agency = factories.AgencyFactory(left_on=datetime.date(2030, 1, 1))
    assert Agency.objects.get(pk=agency.pk).left_on == datetime.date(2030, 1, 1)


def test_two_active_groups_cannot_share_an_acronym():
    factories.WorkingGroupFactory(acronym="TWG")
    assert_refused(
        factories.WorkingGroupFactory.build(acronym="TWG"), "Another active working group"
    )


def test_an_ended_group_frees_its_acronym_for_a_new_group():
    successor = factories.WorkingGroupFactory(acronym="SCWG")
    change = factories.StructuralChangeFactory(into_group=successor)
    factories.WorkingGroupFactory(
        acronym="ESAWG", status=GroupStatus.ABSORBED, status_change=change, successor=successor
    )
    factories.WorkingGroupFactory(acronym="ESAWG")
    assert WorkingGroup.objects.filter(acronym="ESAWG").count() == 2


def test_absorbed_group_needs_the_decision_and_the_group_it_went_into():
    assert_refused(
        factories.WorkingGroupFactory.build(status=GroupStatus.ABSORBED),
        "needs the structural change that ended it",
    )
    change = factories.StructuralChangeFactory()
    assert_refused(
        factories.WorkingGroupFactory.build(status=GroupStatus.ABSORBED, status_change=change),
        "needs the group it went into",
    )


@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_progress_outside_0_to_100_is_refused(percent):
    group = factories.WorkingGroupFactory()
    deliverable = factories.DeliverableFactory.build(lead_group=group, percent_complete=percent)
    if percent < 0:
        # A negative number cannot even reach the database: the column is unsigned.
        with pytest.raises(ValidationError, match="greater than or equal to 0"):
            deliverable.full_clean()
        return
    assert_refused(deliverable, "give a whole number from 0 to 100")


def test_published_deliverable_needs_its_publication_date():
    group = factories.WorkingGroupFactory()
    deliverable = factories.DeliverableFactory.build(lead_group=group, state="published")
    assert_refused(deliverable, "needs its publication date")


def test_cochair_appointment_cannot_end_before_it_starts():
    appointment = factories.CoChairAppointmentFactory.build(
        person=factories.UserFactory(),
        agency=factories.AgencyFactory(),
        group=factories.WorkingGroupFactory(),
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
    )
    assert_refused(appointment, "cannot end on or before the day it starts")


def test_outlook_year_before_isecg_existed_is_refused():
    item = factories.OutlookItemFactory.build(group=factories.WorkingGroupFactory(), year=1999)
    assert_refused(item, "between 2007")


def test_one_priorities_paragraph_per_position_per_year():
    OutlookItem.objects.create(year=2026, group=None, position=1, text="First priority.")
    assert_refused(OutlookItem(year=2026, group=None, position=1, text="Duplicate."), "")
