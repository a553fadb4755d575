"""Who was a member on a date, answered from the real ISECG record."""

import datetime

import pytest

from apps.agencies.selectors import members_on
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


def test_membership_that_ended_is_not_counted():
    factories.AgencyFactory(
        acronym="OLD", joined_on=datetime.date(2008, 1, 1), left_on=datetime.date(2015, 1, 1)
    )
    assert acronyms(members_on(datetime.date(2014, 12, 31))) == {"OLD"}
    assert acronyms(members_on(datetime.date(2015, 1, 1))) == set()


def test_members_on_a_date_cost_one_query(isecg_record, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(members_on(END_2025))
