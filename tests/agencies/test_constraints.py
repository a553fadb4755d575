"""What must never be stored about a membership is refused, with a message a person can act on."""

import datetime

import pytest

from apps.agencies.models import Agency
from tests import factories
from tests.core.constraints import assert_refused

pytestmark = pytest.mark.django_db


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
