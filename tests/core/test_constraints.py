"""The constraint every appointment inherits from core.models.Appointment."""

import datetime

import pytest

from tests import factories
from tests.core.constraints import assert_refused

pytestmark = pytest.mark.django_db


def test_cochair_appointment_cannot_end_before_it_starts():
    appointment = factories.CoChairAppointmentFactory.build(
        person=factories.UserFactory(),
        agency=factories.AgencyFactory(),
        group=factories.WorkingGroupFactory(),
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
    )
    assert_refused(appointment, "cannot end on or before the day it starts")
