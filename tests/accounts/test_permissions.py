"""Roles come from dated appointments and groups, answered in one module."""

import datetime

import pytest

from apps.accounts import permissions
from tests import factories

pytestmark = pytest.mark.django_db


def test_cochair_roles_follow_the_appointment_dates(cast):
    appointment = cast.cochair_twg.cochair_appointments.get()
    appointment.starts_on = datetime.date(2025, 1, 1)
    appointment.ends_on = datetime.date(2026, 1, 1)
    appointment.save()
    assert permissions.cochaired_group_ids(cast.cochair_twg, datetime.date(2024, 12, 31)) == set()
    assert permissions.cochaired_group_ids(cast.cochair_twg, datetime.date(2025, 6, 1)) == {
        cast.twg.pk
    }
    assert permissions.cochaired_group_ids(cast.cochair_twg, datetime.date(2026, 1, 1)) == set()


def test_a_cochair_of_twg_edits_twg_and_nothing_of_swg(cast):
    twg_item = factories.OutlookItemFactory(group=cast.twg)
    swg_item = factories.OutlookItemFactory(group=cast.swg)
    priorities = factories.OutlookItemFactory(group=None)
    assert permissions.may_edit_outlook_item(cast.cochair_twg, twg_item)
    assert not permissions.may_edit_outlook_item(cast.cochair_twg, swg_item)
    assert not permissions.may_edit_outlook_item(cast.cochair_twg, priorities)
    assert permissions.may_edit_outlook_item(cast.secretariat, priorities)
    assert permissions.may_edit_deliverable(cast.cochair_twg, cast.deliverable())
    assert not permissions.may_edit_deliverable(
        cast.cochair_twg, cast.deliverable(lead_group=cast.swg)
    )


def test_a_delegate_speaks_for_their_agency_and_the_secretariat_for_any(cast):
    eligible = {agency.pk for agency in cast.agencies.values()}
    nasa = cast.agencies["NASA"].pk
    assert permissions.agencies_user_may_speak_for(cast.delegates["NASA"], eligible) == {nasa}
    assert permissions.agencies_user_may_speak_for(cast.secretariat, eligible) == eligible
    assert permissions.agencies_user_may_speak_for(cast.reader, eligible) == set()
    assert (
        permissions.agencies_user_may_speak_for(cast.delegates["NASA"], eligible - {nasa}) == set()
    )


def test_inactive_and_anonymous_users_hold_no_role(cast):
    from django.contrib.auth.models import AnonymousUser

    cast.secretariat.is_active = False
    cast.secretariat.save()
    assert not permissions.is_secretariat(cast.secretariat)
    anonymous = AnonymousUser()
    assert not permissions.is_reader(anonymous)
    assert permissions.cochaired_group_ids(anonymous) == set()
    assert not permissions.may_manage_record(anonymous)


def test_a_superuser_acts_as_secretariat():
    operator = factories.UserFactory(username="operator", is_superuser=True)
    assert permissions.is_secretariat(operator)
