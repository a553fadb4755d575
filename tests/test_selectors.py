"""As-of questions answered from the real ISECG record."""

import datetime

import pytest

from apps.agencies.selectors import members_on
from apps.groups.models import WorkingGroup
from apps.groups.selectors import chair_on, cochairs_of, groups_active_on
from tests import factories

pytestmark = pytest.mark.django_db

END_2024 = datetime.date(2024, 12, 31)
END_2025 = datetime.date(2025, 12, 31)


def acronyms(queryset) -> set[str]:
    return {obj.acronym for obj in queryset}


def test_members_at_the_end_of_2024_and_2025(isecg_record):
    assert members_on(END_2024).count() == 27
    assert members_on(END_2025).count() == 28
    assert acronyms(members_on(END_2025)) - acronyms(members_on(END_2024)) == {"HSC"}


def test_founders_of_2007(isecg_record):
    founders = members_on(datetime.date(2007, 12, 31))
    assert founders.count() == 14
    assert {"NASA", "ESA", "CSA", "JAXA", "KASA"} <= acronyms(founders)
    assert "UAE Space Agency" not in acronyms(founders)


def test_members_are_listed_by_country_as_in_annex_ii(isecg_record):
    countries = [agency.country for agency in members_on(END_2025)]
    assert countries == sorted(countries)
    assert countries[0] == "Australia"


def test_kasa_was_kari(isecg_record):
    kasa = members_on(END_2024).get(acronym="KASA")
    assert "KARI" in {name.acronym for name in kasa.earlier_names.all()}


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


def test_membership_that_ended_is_not_counted():
    factories.AgencyFactory(
        acronym="OLD", joined_on=datetime.date(2008, 1, 1), left_on=datetime.date(2015, 1, 1)
    )
    assert acronyms(members_on(datetime.date(2014, 12, 31))) == {"OLD"}
    assert acronyms(members_on(datetime.date(2015, 1, 1))) == set()


def test_as_of_queries_cost_one_query(isecg_record, django_assert_num_queries):
    with django_assert_num_queries(1):
        [group.successor for group in groups_active_on(END_2024)]
    with django_assert_num_queries(1):
        list(members_on(END_2025))
