"""Which groups, chair and co-chairs held on a date, answered from the real ISECG record."""

import datetime

import pytest

from apps.groups.models import WorkingGroup
from apps.groups.selectors import chair_on, cochairs_of, groups_active_on
from tests import factories

pytestmark = pytest.mark.django_db

END_2024 = datetime.date(2024, 12, 31)
END_2025 = datetime.date(2025, 12, 31)


def acronyms(queryset) -> set[str]:
    return {obj.acronym for obj in queryset}


def test_groups_before_and_after_the_2025_consolidation(isecg_record):
    before = acronyms(groups_active_on(END_2024))
    after = acronyms(groups_active_on(END_2025))
    assert before == {"CWG", "ERWG", "ESAWG", "IAWG", "SCWG", "SWG", "TWG"}
    assert after == before - {"ESAWG"}


def test_absorbed_group_names_its_successor(isecg_record):
    esawg = WorkingGroup.objects.get(acronym="ESAWG")
    assert esawg.status == "absorbed"
    assert esawg.successor.acronym == "SCWG"
    assert esawg.status_change.effective_on.year == 2025


def test_chair_handover_from_esa_to_nasa(isecg_record):
    assert chair_on(datetime.date(2024, 6, 30)).agency.acronym == "ESA"
    assert chair_on(END_2025).agency.acronym == "NASA"


def test_cochairs_of_a_group_on_a_date():
    group = factories.WorkingGroupFactory(acronym="TWG")
    past = factories.CoChairAppointmentFactory(
        group=group, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2024, 1, 1)
    )
    current = factories.CoChairAppointmentFactory(group=group, starts_on=datetime.date(2024, 1, 1))
    factories.CoChairAppointmentFactory(starts_on=datetime.date(2020, 1, 1))  # another group

    assert list(cochairs_of(group=group, day=datetime.date(2023, 12, 31))) == [past]
    # The end day is exclusive: on 1 January 2024 the seat has passed to the new co-chair.
    assert list(cochairs_of(group=group, day=datetime.date(2024, 1, 1))) == [current]
    assert list(cochairs_of(group=group, day=datetime.date(2019, 1, 1))) == []


def test_groups_active_on_a_date_cost_one_query(isecg_record, django_assert_num_queries):
    with django_assert_num_queries(1):
        [group.successor for group in groups_active_on(END_2024)]
