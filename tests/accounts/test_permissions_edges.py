"""The edges of the permission rules, each found by mutation testing (tools/mutation.py): a
deactivated person holds no role even where code hands a `User` over directly (a management
command's `--as`, a task's `requested_by`) rather than `request.user`, which Django already makes
anonymous; every role answers for itself and for no other."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User

from apps.accounts import permissions
from apps.deliverables.workflow import Actor
from tests import factories

pytestmark = pytest.mark.django_db


def deactivate(user):
    user.is_active = False
    user.save()
    return user


def test_a_deactivated_cochair_keeps_no_role_while_the_appointment_runs(cast):
    deliverable = cast.deliverable("drafting")
    outlook = factories.OutlookItemFactory(group=cast.twg)
    assert permissions.cochaired_group_ids(cast.cochair_twg) == {cast.twg.pk}

    cochair = deactivate(cast.cochair_twg)
    assert cochair.cochair_appointments.get().ends_on is None  # still appointed
    assert permissions.cochaired_group_ids(cochair) == set()
    assert not permissions.is_cochair_of(cochair, cast.twg.pk)
    assert not permissions.may_edit_deliverable(cochair, deliverable)
    assert not permissions.may_edit_outlook_item(cochair, outlook)
    assert permissions.workflow_actors(cochair, deliverable) == set()


def test_a_deactivated_delegate_speaks_for_no_agency(cast):
    eligible = {agency.pk for agency in cast.agencies.values()}
    delegate = deactivate(cast.delegates["NASA"])
    assert delegate.delegate_appointments.get().ends_on is None
    assert permissions.delegate_agency_ids(delegate) == set()
    assert permissions.agencies_user_may_speak_for(delegate, eligible) == set()
    assert not permissions.is_reader(delegate)


def test_a_deactivated_superuser_or_sam_is_neither(cast):
    operator = deactivate(factories.UserFactory(username="operator", is_superuser=True))
    assert not permissions.is_secretariat(operator)
    assert not permissions.may_manage_record(operator)
    assert not permissions.may_draft_report(operator)
    assert not permissions.is_sam(deactivate(cast.sam))


def test_each_role_group_answers_for_itself_only(cast):
    assert permissions.is_sam(cast.sam)
    assert not permissions.is_secretariat(cast.sam)
    assert permissions.is_secretariat(cast.secretariat)
    assert not permissions.is_sam(cast.secretariat)
    for user in (cast.reader, cast.cochair_twg, cast.delegates["NASA"], AnonymousUser()):
        assert not permissions.is_sam(user)
        assert not permissions.is_secretariat(user)


def test_the_record_and_the_report_are_the_secretariats(cast):
    for user in (cast.secretariat, factories.UserFactory(username="operator", is_superuser=True)):
        assert permissions.may_manage_record(user)
        assert permissions.may_draft_report(user)
    for user in (cast.sam, cast.reader, cast.cochair_twg, cast.delegates["NASA"]):
        assert not permissions.may_manage_record(user)
        assert not permissions.may_draft_report(user)


def test_the_secretariat_edits_any_deliverable_and_outlook_a_reader_none(cast):
    theirs = cast.deliverable(lead_group=cast.swg)
    swg_item = factories.OutlookItemFactory(group=cast.swg)
    assert permissions.may_edit_deliverable(cast.secretariat, theirs)
    assert permissions.may_edit_outlook_item(cast.secretariat, swg_item)
    assert not permissions.may_edit_deliverable(cast.reader, theirs)
    assert not permissions.may_edit_outlook_item(cast.reader, swg_item)
    assert not permissions.may_edit_outlook_item(cast.sam, swg_item)


def test_workflow_roles_are_held_per_deliverable(cast):
    ours, theirs = cast.deliverable(), cast.deliverable(lead_group=cast.swg)
    assert permissions.workflow_actors(cast.secretariat, theirs) == {Actor.SECRETARIAT}
    assert permissions.workflow_actors(cast.sam, theirs) == {Actor.SAM}
    assert permissions.workflow_actors(cast.cochair_twg, ours) == {Actor.COCHAIR}
    assert permissions.workflow_actors(cast.cochair_twg, theirs) == set()
    assert permissions.workflow_actors(cast.reader, ours) == set()
    assert permissions.workflow_actors(AnonymousUser(), ours) == set()

    # Roles add up: a co-chair who is also in the SAM group holds both.
    cast.cochair_twg.groups.add(*cast.sam.groups.all())
    cochair = User.objects.get(pk=cast.cochair_twg.pk)  # roles are cached per user object
    assert permissions.workflow_actors(cochair, ours) == {Actor.COCHAIR, Actor.SAM}


def test_nobody_cochairs_no_group(cast):
    """The ISECG Priorities and other group-less things belong to no co-chair."""
    assert not permissions.is_cochair_of(cast.cochair_twg, None)
    assert permissions.is_cochair_of(cast.cochair_twg, cast.twg.pk)
    assert not permissions.is_cochair_of(cast.cochair_twg, cast.swg.pk)


def test_delegations_follow_the_appointment_dates(cast):
    appointment = cast.delegates["ESA"].delegate_appointments.get()
    appointment.ends_on = datetime.date(2025, 1, 1)
    appointment.save()
    esa = cast.agencies["ESA"].pk
    delegate = cast.delegates["ESA"]
    assert permissions.delegate_agency_ids(delegate, datetime.date(2019, 12, 31)) == set()
    assert permissions.delegate_agency_ids(delegate, datetime.date(2024, 12, 31)) == {esa}
    assert permissions.delegate_agency_ids(delegate, datetime.date(2025, 1, 1)) == set()
    assert permissions.delegate_agency_ids(delegate) == set()  # today: the term has ended


def test_role_groups_are_read_once_per_user_object(cast, django_assert_num_queries):
    """A page asks many permission questions about request.user; they cost one query."""
    with django_assert_num_queries(1):
        for _ in range(3):
            assert permissions.is_secretariat(cast.secretariat)
            assert not permissions.is_sam(cast.secretariat)
