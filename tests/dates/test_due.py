"""Due and overdue are measured from the end of the target's period (deliverables.selectors):
a "2026" or "Dec 2026" target is due until 31 December 2026 and overdue from 1 January 2027,
on the home page, the overview and a meeting's agenda alike."""

import datetime

import pytest

from apps.deliverables import selectors
from apps.deliverables.models import Deliverable
from apps.meetings.selectors import agenda_proposed
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date

# (precision, the date stored, the last day it is due)
TARGETS = [
    ("day", D(2026, 8, 12), D(2026, 8, 12)),
    ("month", D(2026, 12, 1), D(2026, 12, 31)),
    ("month", D(2028, 2, 1), D(2028, 2, 29)),
    ("year", D(2026, 1, 1), D(2026, 12, 31)),
    ("on_or_before", D(2026, 12, 31), D(2026, 12, 31)),
]
ONE_DAY = datetime.timedelta(days=1)


def overdue_ids(day: datetime.date) -> set[int]:
    return set(
        selectors.overdue_on(Deliverable.objects.all(), day=day).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(("precision", "day", "last"), TARGETS)
def test_overdue_from_the_day_after_the_period_ends(cast, precision, day, last):
    target = cast.deliverable("drafting", target_date=day, target_precision=precision)
    assert target.pk not in overdue_ids(last)
    assert target.pk in overdue_ids(last + ONE_DAY)


@pytest.mark.parametrize(("precision", "day", "last"), TARGETS)
def test_due_in_the_next_60_days_until_the_period_ends(cast, precision, day, last):
    target = cast.deliverable("drafting", target_date=day, target_precision=precision)

    def due(today):
        rows = selectors.deliverables_due(group_ids={cast.twg.pk}, today=today)
        return target.pk in set(rows.values_list("pk", flat=True))

    sixty = datetime.timedelta(days=60)
    assert not due(last - sixty - ONE_DAY)
    assert due(last - sixty)
    assert due(last)
    assert not due(last + ONE_DAY)


def test_due_lists_the_soonest_end_first(cast):
    year = cast.deliverable(
        "drafting", title="A", target_date=D(2026, 1, 1), target_precision="year"
    )
    day = cast.deliverable("drafting", title="B", target_date=D(2026, 12, 20))
    rows = selectors.deliverables_due(group_ids={cast.twg.pk}, today=D(2026, 12, 1))
    assert list(rows) == [day, year]
    assert rows[1].target_end == D(2026, 12, 31)


@pytest.mark.parametrize(("precision", "day", "last"), TARGETS)
def test_late_on_the_overview_only_after_the_period_ends(cast, precision, day, last):
    open_one = cast.deliverable("drafting", target_date=day, target_precision=precision)
    on_time = cast.deliverable(
        "published", target_date=day, target_precision=precision, published_on=last
    )
    after = cast.deliverable(
        "published", target_date=day, target_precision=precision, published_on=last + ONE_DAY
    )

    def late(today):
        rows = selectors.deliverables_of_year(year=day.year, today=today)
        return {row.pk: row.late for row in rows}

    assert late(last) == {open_one.pk: False, on_time.pk: False, after.pk: True}
    assert late(last + ONE_DAY)[open_one.pk] is True


@pytest.mark.parametrize("precision", ["year", "month"])
def test_the_agenda_reports_a_target_overdue_only_from_1_january(cast, precision):
    start = D(2026, 1, 1) if precision == "year" else D(2026, 12, 1)
    target = cast.deliverable("drafting", title="Lunar gap report", target_date=start,
                              target_precision=precision)  # fmt: skip
    key = f"overdue:{target.pk}"
    on_31_december = factories.PlenaryMeetingFactory(starts_on=D(2026, 12, 31))
    assert key not in {item.source_key for item in agenda_proposed(on_31_december)}
    on_1_january = factories.PlenaryMeetingFactory(starts_on=D(2027, 1, 1))
    [item] = [item for item in agenda_proposed(on_1_january) if item.source_key == key]
    when = "2026" if precision == "year" else "December 2026"
    assert item.title == f"Overdue: Lunar gap report (TWG), due {when}, drafting"
