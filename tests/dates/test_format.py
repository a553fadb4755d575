"""core.dates: one way to print a stored date, to read a typed one, and to say the period it
covers, in Python and in SQL alike."""

import datetime

import pytest
from django.template import Context, Template

from apps.core.dates import (
    LONG,
    StoredDate,
    date_as_stored,
    describe_date,
    period_end,
    period_end_sql,
    period_start,
    stored_date_checked,
    typed_date,
    typed_text,
)
from apps.core.errors import ApplicationError
from apps.core.models import DatePrecision
from apps.core.models import describe_date as describe_date_of_the_models
from apps.deliverables.models import Deliverable
from tests import factories

from .conftest import PRECISIONS

D = datetime.date


@pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)
def test_each_precision_prints_as_precisely_as_it_is_stored(precision, day, short, long, typed):
    assert date_as_stored(day, precision) == short
    assert date_as_stored(day, precision, style=LONG) == long
    assert describe_date(day, precision) == long
    assert typed_text(day, precision) == typed
    assert typed_date(typed) == StoredDate(day, precision)


def test_a_bound_prints_at_the_coarsest_period_it_ends():
    bound = DatePrecision.ON_OR_BEFORE
    assert date_as_stored(D(2020, 12, 31), bound) == "by 2020"
    assert date_as_stored(D(2024, 4, 30), bound) == "by Apr 2024"
    assert date_as_stored(D(2024, 2, 29), bound, style=LONG) == "by February 2024"
    assert date_as_stored(D(2024, 8, 12), bound) == "by 12 Aug 2024"
    assert date_as_stored(D(2024, 8, 12), bound, style=LONG) == "by 12 August 2024"
    assert typed_date("by 2024-04") == StoredDate(D(2024, 4, 30), bound)
    assert typed_date("by 12 Aug 2024") == StoredDate(D(2024, 8, 12), bound)


def test_no_date_prints_nothing_and_the_models_keep_describe_date():
    assert date_as_stored(None, "year") == ""
    assert describe_date(None, "day") == "date unknown"
    assert describe_date_of_the_models is describe_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", StoredDate(D(2026, 1, 1), "year")),
        ("  2026-3 ", StoredDate(D(2026, 3, 1), "month")),
        ("2026-12-20", StoredDate(D(2026, 12, 20), "day")),
        ("Dec 2026", StoredDate(D(2026, 12, 1), "month")),
        ("20 December 2026", StoredDate(D(2026, 12, 20), "day")),
        ("BY 2026", StoredDate(D(2026, 12, 31), "on_or_before")),
        ("", None),
        (None, None),
    ],
)
def test_what_is_typed_says_how_precise_it_is(text, expected):
    assert typed_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-02-30", "soon", "by", "12/20/2026", "20261"])
def test_anything_else_typed_is_refused_saying_what_to_type(text):
    with pytest.raises(ValueError, match=r"Type a year \(2026\), a month \(2026-12\) or a day"):
        typed_date(text)


@pytest.mark.parametrize(
    ("day", "precision", "start", "end"),
    [
        (D(2026, 1, 1), "year", D(2026, 1, 1), D(2026, 12, 31)),
        (D(2026, 12, 1), "month", D(2026, 12, 1), D(2026, 12, 31)),
        (D(2028, 2, 1), "month", D(2028, 2, 1), D(2028, 2, 29)),
        (D(2027, 2, 1), "month", D(2027, 2, 1), D(2027, 2, 28)),
        (D(2026, 4, 1), "month", D(2026, 4, 1), D(2026, 4, 30)),
        (D(2026, 8, 12), "day", D(2026, 8, 12), D(2026, 8, 12)),
        (D(2026, 12, 31), "on_or_before", D(2026, 12, 31), D(2026, 12, 31)),
    ],
)
def test_the_period_a_date_covers(day, precision, start, end):
    assert (period_start(day, precision), period_end(day, precision)) == (start, end)


def test_a_stored_date_is_the_first_day_of_its_period():
    assert stored_date_checked(D(2026, 1, 1), "year", field="f", what="target date")
    assert stored_date_checked(None, "year", field="f", what="target date") is None
    with pytest.raises(ApplicationError) as refused:
        stored_date_checked(D(2026, 5, 12), "year", field="target_date", what="target date")
    assert "stored as its first day (1 January 2026), not 12 May 2026" in refused.value.message
    assert "target_date" in refused.value.extra["fields"]
    with pytest.raises(ApplicationError, match=r"must be one of day \(exact day\), month "):
        stored_date_checked(D(2026, 1, 1), "decade", field="f", what="target date")
    with pytest.raises(ApplicationError, match="outside the dates the tracker holds"):
        stored_date_checked(D(1, 1, 1), "year", field="f", what="target date")


@pytest.mark.django_db
def test_the_database_ends_each_period_on_the_same_day_as_python():
    """period_end_sql (what due and overdue compare with) agrees with period_end, leap years,
    short months and year ends included."""
    group = factories.WorkingGroupFactory()
    dates = [D(year, month, 1) for year in (2026, 2027, 2028) for month in range(1, 13)]
    cases = [(day, precision) for day in dates for precision in ("month", "year")]
    cases += [(D(2028, 2, 29), "day"), (D(2026, 12, 31), "on_or_before")]
    for day, precision in cases:
        Deliverable.objects.create(
            title=f"{day} {precision}", kind="other", lead_group=group,
            target_date=day, target_precision=precision,
        )  # fmt: skip
    Deliverable.objects.create(title="no target", kind="other", lead_group=group)
    rows = Deliverable.objects.annotate(end=period_end_sql("target_date", "target_precision"))
    for row in rows:
        expected = period_end(row.target_date, row.target_precision) if row.target_date else None
        assert row.end == expected, row.title


@pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)
def test_the_template_filters_print_the_same(precision, day, short, long, typed):
    template = Template(
        "{% load dates %}[{{ d|as_stored:p }}][{{ d|as_stored_long:p }}][{{ none|as_stored:p }}]"
    )
    assert template.render(Context({"d": day, "p": precision})) == f"[{short}][{long}][]"
