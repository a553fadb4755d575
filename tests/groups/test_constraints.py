"""What must never be stored about a group or its outlook is refused, with a message a person
can act on."""

import pytest

from apps.groups.models import GroupStatus, OutlookItem, WorkingGroup
from tests import factories
from tests.core.constraints import assert_refused

pytestmark = pytest.mark.django_db


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


def test_outlook_year_before_isecg_existed_is_refused():
    item = factories.OutlookItemFactory.build(group=factories.WorkingGroupFactory(), year=1999)
    assert_refused(item, "between 2007")


def test_one_priorities_paragraph_per_position_per_year():
    OutlookItem.objects.create(year=2026, group=None, position=1, text="First priority.")
    assert_refused(OutlookItem(year=2026, group=None, position=1, text="Duplicate."), "")
