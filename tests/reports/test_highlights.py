"""reports.highlights: the year's highlights are written by the secretariat, one version per
write, with its reason in the history; a write over a version the writer has not read is
refused and changes nothing; nothing is deleted (a highlight is left out, and put back)."""

import datetime
import os

import pytest
from django.db import connection

from apps.core.errors import ApplicationError
from apps.core.limits import SUMMARY_MAX_LENGTH
from apps.reports.highlights import (
    report_highlight_move,
    report_highlight_show,
    report_highlight_write,
)
from apps.reports.models import ReportHighlight
from tests import factories
from tests.plenary.test_races import race

pytestmark = pytest.mark.django_db


def write(cast, heading="The 2025 Global Exploration Roadmap", text="ISECG published it.", **kw):
    kw.setdefault("actor", cast.secretariat)
    kw.setdefault("year", 2025)
    return report_highlight_write(heading=heading, text=text, **kw)


def order(year=2025):
    return list(
        ReportHighlight.objects.filter(year=year)
        .order_by("position")
        .values_list("heading", flat=True)
    )


def reasons(highlight):
    return [
        r.history_change_reason for r in highlight.history.order_by("-history_date", "-history_id")
    ]


@pytest.mark.parametrize("role", ["reader", "sam", "delegate", "cochair"])
def test_only_the_secretariat_writes_them(cast, role):
    first = write(cast)
    who = cast.by_role(role)
    calls = [
        lambda: write(cast, actor=who),
        lambda: write(cast, "Mine", actor=who, highlight_id=first.pk, expected_version=1),
        lambda: report_highlight_show(
            highlight_id=first.pk, shown=False, actor=who, expected_version=1, reason=""
        ),
        lambda: report_highlight_move(
            highlight_id=first.pk, direction="down", actor=who, expected_version=1
        ),
    ]
    for call in calls:
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "forbidden"
        assert "Only the secretariat" in refused.value.message
    first.refresh_from_db()
    assert (first.version, first.heading, first.shown) == (
        1,
        "The 2025 Global Exploration Roadmap",
        True,
    )
    assert ReportHighlight.objects.count() == 1 and ReportHighlight.history.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"heading": "  "}, "heading", "Give the highlight's heading"),
        ({"heading": "x" * 301}, "heading", "keep it to 300"),
        ({"heading": "Two\nlines"}, "heading", "single line"),
        ({"heading": "Bell\x07"}, "heading", "control characters"),
        ({"text": " \r\n\r\n "}, "text", "Write the highlight's text"),
        ({"text": "x" * (SUMMARY_MAX_LENGTH + 1)}, "text", "keep it to"),
        ({"reason": "Bell\x07"}, "reason", "control characters"),
        ({"about": "deliverable:1"}, "about", "choose one from the list"),
        ({"position": 0}, "position", "from 1 to"),
        ({"position": "2"}, "position", "whole number"),
        ({"expected_version": "1"}, "expected_version", "as a number"),
    ],
)
def test_each_bad_input_is_refused_naming_the_field_and_nothing_changes(cast, change, field, says):
    first = write(cast)
    for target in (None, first.pk):  # a new highlight, and a rewrite of the first
        kwargs = {"highlight_id": target, **({"expected_version": 1} if target else {})}
        with pytest.raises(ApplicationError) as refused:
            write(cast, **{**kwargs, **change})
        assert refused.value.code == "invalid" and says in refused.value.message, refused.value
        assert field in refused.value.extra["fields"]
    first.refresh_from_db()
    assert (first.version, first.text) == (1, "ISECG published it.")
    assert ReportHighlight.objects.count() == 1 and ReportHighlight.history.count() == 1


@pytest.mark.parametrize(
    ("year", "says"),
    [(2006, "nor highlights to write"), (2999, "2999 has not begun: its highlights")],
)
def test_a_year_outside_isecg_or_not_begun_is_refused(cast, year, says):
    with pytest.raises(ApplicationError, match=says):
        write(cast, year=year)
    assert not ReportHighlight.objects.exists()


def test_a_highlight_of_another_year_is_not_rewritten_as_this_years(cast):
    first = write(cast, year=2024)
    with pytest.raises(ApplicationError, match="one of the 2024 report's"):
        write(cast, "Moved", highlight_id=first.pk, expected_version=1, year=2025)
    first.refresh_from_db()
    assert (first.year, first.version, first.heading) == (
        2024, 1, "The 2025 Global Exploration Roadmap"
    )  # fmt: skip


def test_new_ones_are_appended_and_each_write_is_the_next_version(cast):
    group, product = cast.twg, cast.deliverable("published", published_on=datetime.date(2025, 5, 1))
    change = factories.StructuralChangeFactory()
    first = write(cast, "First", about=product, reason="From the plenary notes")
    second = write(cast, "Second", about=group)
    third = write(cast, "Third", about=change)
    fourth = write(cast, "Fourth")
    assert [h.position for h in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert (first.deliverable, second.group, third.change) == (product, group, change)
    assert fourth.deliverable is fourth.group is fourth.change is None
    assert first.written_by == cast.secretariat and first.version == 1
    rewritten = write(
        cast, "First, rewritten", "One.\r\n\r\nTwo.\r\n", highlight_id=first.pk,
        expected_version=1,
    )  # fmt: skip
    assert (rewritten.version, rewritten.paragraphs) == (2, ["One.", "Two."])
    assert rewritten.deliverable == product  # a rewrite keeps what it is about
    again = write(cast, "First again", highlight_id=first.pk, about=group, reason="About TWG")
    assert (again.version, again.group, again.deliverable) == (3, group, None)
    assert reasons(again) == ["About TWG", "Rewritten", "From the plenary notes"]
    assert {r.history_user for r in again.history.all()} == {cast.secretariat}


def test_a_given_position_is_used_and_a_taken_one_refused(cast):
    write(cast, "First")
    placed = write(cast, "Fifth", position=5)
    assert placed.position == 5
    assert write(cast, "After").position == 6
    with pytest.raises(ApplicationError) as refused:
        write(cast, "Clash", position=5)
    assert "Position 5" in refused.value.message and "position" in refused.value.extra["fields"]
    assert order() == ["First", "Fifth", "After"]


@pytest.mark.parametrize("seen", [1, 3])
def test_a_rewrite_over_a_version_not_read_is_stale_and_changes_nothing(cast, seen):
    first = write(cast)
    write(cast, "Their rewrite", highlight_id=first.pk, expected_version=1)
    with pytest.raises(ApplicationError) as refused:
        write(cast, "Mine", highlight_id=first.pk, expected_version=seen)
    error = refused.value
    assert error.code == "stale" and error.extra == {"version": 2}
    assert "version 2" in error.message and "Nothing was saved" in error.message
    first.refresh_from_db()
    assert (first.version, first.heading) == (2, "Their rewrite")
    assert first.history.count() == 2


def test_left_out_and_put_back_kept_with_history(cast):
    first = write(cast)
    out = report_highlight_show(
        highlight_id=first.pk, shown=False, actor=cast.secretariat, expected_version=1, reason=""
    )
    assert (out.shown, out.version) == (False, 2)
    with pytest.raises(ApplicationError) as refused:  # from the page as it was before
        report_highlight_show(
            highlight_id=first.pk, shown=True, actor=cast.secretariat, expected_version=1,
            reason="",
        )  # fmt: skip
    assert refused.value.code == "stale"
    back = report_highlight_show(
        highlight_id=first.pk, shown=True, actor=cast.secretariat, expected_version=2,
        reason="The chair asked for it",
    )  # fmt: skip
    assert (back.shown, back.version) == (True, 3)
    assert reasons(back) == ["The chair asked for it", "Left out of the report", "Written"]
    assert ReportHighlight.objects.count() == 1


def test_moving_swaps_with_the_neighbour(cast):
    a, b, c = (write(cast, name) for name in "ABC")
    moved = report_highlight_move(
        highlight_id=c.pk, direction="up", actor=cast.secretariat, expected_version=1
    )
    assert moved.version == 2 and order() == ["A", "C", "B"]
    b.refresh_from_db()
    assert (b.position, b.version) == (3, 2)
    assert reasons(moved) == ["Moved up", "Written"] and reasons(b) == ["Moved down", "Written"]
    report_highlight_move(highlight_id=a.pk, direction="down", actor=cast.secretariat)
    assert order() == ["C", "A", "B"]
    for highlight, direction, where in ((c, "up", "first"), (b, "down", "last")):
        with pytest.raises(ApplicationError, match=f"already the {where}"):
            report_highlight_move(
                highlight_id=highlight.pk, direction=direction, actor=cast.secretariat
            )
    with pytest.raises(ApplicationError, match="up or down"):
        report_highlight_move(highlight_id=a.pk, direction="left", actor=cast.secretariat)
    with pytest.raises(ApplicationError) as refused:
        report_highlight_move(
            highlight_id=a.pk, direction="down", actor=cast.secretariat, expected_version=1
        )
    assert refused.value.code == "stale"
    assert order() == ["C", "A", "B"]


def test_moving_keeps_to_its_year(cast):
    write(cast, "2024's", year=2024)
    first, second = write(cast, "A"), write(cast, "B")
    report_highlight_move(highlight_id=first.pk, direction="down", actor=cast.secretariat)
    assert order() == ["B", "A"] and order(2024) == ["2024's"]
    with pytest.raises(ApplicationError, match="already the first"):
        report_highlight_move(highlight_id=second.pk, direction="up", actor=cast.secretariat)


def test_an_unknown_highlight_is_not_found(cast):
    with pytest.raises(ApplicationError) as refused:
        report_highlight_show(
            highlight_id=999999, shown=False, actor=cast.secretariat, expected_version=1,
            reason="",
        )  # fmt: skip
    assert refused.value.code == "not_found"


def test_the_draft_prints_shown_ones_in_order(cast):
    from apps.reports.selectors import report_facts

    write(cast, "A")
    b = write(cast, "B")
    write(cast, "C")
    report_highlight_show(highlight_id=b.pk, shown=False, actor=cast.secretariat)
    facts = report_facts(year=2025, today=datetime.date(2026, 3, 1))
    assert [h.heading for h in facts.highlights] == ["A", "C"]


# --- two writers at the same moment, on PostgreSQL ---------------------------------------------


@pytest.fixture
def postgres():
    """Only the races need PostgreSQL (row locks): the rest of this file runs anywhere."""
    if connection.vendor != "postgresql":
        message = "row-lock races need PostgreSQL: run with DATABASE_URL=postgres://..."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_highlights_at_once_are_both_kept_one_after_the_other(postgres, cast):
    results = race(
        lambda: write(cast, "Alice's", reason="Alice"),
        lambda: write(cast, "Bob's", reason="Bob"),
    )
    assert all(isinstance(r, ReportHighlight) for r in results), results
    assert sorted(r.position for r in results) == [1, 2]
    assert sorted(order()) == ["Alice's", "Bob's"]
    assert ReportHighlight.history.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_one_wins_the_other_is_stale(postgres, cast):
    b = [write(cast, name) for name in "ABC"][1]
    results = race(
        lambda: report_highlight_move(
            highlight_id=b.pk, direction="up", actor=cast.secretariat, expected_version=1
        ),
        lambda: report_highlight_move(
            highlight_id=b.pk, direction="down", actor=cast.secretariat, expected_version=1
        ),
    )
    won = [r for r in results if isinstance(r, ReportHighlight)]
    lost = [r for r in results if isinstance(r, ApplicationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "stale" and lost[0].extra == {"version": 2}
    assert order() in (["B", "A", "C"], ["A", "C", "B"])
    assert sorted(h.position for h in ReportHighlight.objects.all()) == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_neighbours_moved_at_once_never_deadlock(postgres, cast):
    a, _, _, d = (write(cast, name) for name in "ABCD")
    results = race(
        lambda: report_highlight_move(highlight_id=a.pk, direction="down", actor=cast.secretariat),
        lambda: report_highlight_move(highlight_id=d.pk, direction="up", actor=cast.secretariat),
    )
    assert all(isinstance(r, ReportHighlight) for r in results), results
    assert order() == ["B", "A", "D", "C"]
