"""reports.narratives: the Executive Summary is written by the secretariat, one version per
write, with its reason in the history; a write over a version the writer has not read is
refused and changes nothing."""

import os

import pytest
from django.db import connection

from apps.core.errors import ApplicationError
from apps.core.limits import SUMMARY_MAX_LENGTH
from apps.reports.models import ReportNarrative
from apps.reports.narratives import report_narrative_write
from tests.plenary.test_races import race

pytestmark = pytest.mark.django_db


def write(cast, text="ISECG published its roadmap.", **kwargs):
    kwargs.setdefault("actor", cast.secretariat)
    return report_narrative_write(year=2025, executive_summary=text, **kwargs)


@pytest.mark.parametrize("role", ["reader", "sam", "delegate", "cochair"])
def test_only_the_secretariat_writes_it(cast, role):
    with pytest.raises(ApplicationError) as refused:
        write(cast, actor=cast.by_role(role))
    assert refused.value.code == "forbidden"
    assert "Only the secretariat" in refused.value.message
    assert not ReportNarrative.objects.exists()
    assert not ReportNarrative.history.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [("   \n\n ", "Write the Executive Summary"), ("x" * (SUMMARY_MAX_LENGTH + 1), "keep it to")],
)
def test_a_blank_or_oversized_text_is_refused_and_nothing_is_written(cast, text, says):
    first = write(cast)
    with pytest.raises(ApplicationError) as refused:
        write(cast, text, expected_version=first.version)
    assert refused.value.code == "invalid" and says in refused.value.message
    assert "executive_summary" in refused.value.extra["fields"]
    first.refresh_from_db()
    assert (first.version, first.executive_summary) == (1, "ISECG published its roadmap.")
    assert first.history.count() == 1


def test_a_future_year_is_refused(cast):
    with pytest.raises(ApplicationError, match="has not begun"):
        report_narrative_write(year=2999, executive_summary="Later.", actor=cast.secretariat)
    assert not ReportNarrative.objects.exists()


def test_each_write_is_the_next_version_with_its_reason_and_writer(cast):
    first = write(cast, expected_version=0, reason="First text after the plenary")
    assert first.version == 1
    second = write(cast, "Second text.", expected_version=1, reason="The chair's comments")
    third = write(cast, "Third text.")  # a caller that does not lock (the admin)
    assert second.pk == first.pk == third.pk and ReportNarrative.objects.count() == 1
    assert (second.version, third.version) == (2, 3)
    rows = list(first.history.order_by("-history_date", "-history_id"))
    assert [r.version for r in rows] == [3, 2, 1]
    assert [r.history_change_reason for r in rows] == [
        "Rewritten",
        "The chair's comments",
        "First text after the plenary",
    ]
    assert {r.history_user for r in rows} == {cast.secretariat}
    assert rows[1].executive_summary == "Second text."


@pytest.mark.parametrize("seen", [0, 1, 3])
def test_a_write_over_a_version_not_read_is_stale_and_changes_nothing(cast, seen):
    write(cast, expected_version=0)
    write(cast, "Their rewrite.", expected_version=1)
    with pytest.raises(ApplicationError) as refused:
        write(cast, "Mine.", expected_version=seen)
    error = refused.value
    assert error.code == "stale" and error.extra == {"version": 2}
    assert "version 2" in error.message and "secretariat" in error.message
    assert "Nothing was saved" in error.message
    narrative = ReportNarrative.objects.get(year=2025)
    assert (narrative.version, narrative.executive_summary) == (2, "Their rewrite.")
    assert narrative.history.count() == 2


def test_a_first_text_over_one_written_meanwhile_is_stale(cast):
    write(cast, expected_version=0)
    with pytest.raises(ApplicationError) as refused:
        write(cast, "Mine.", expected_version=0)
    assert refused.value.code == "stale" and "had not been written" in refused.value.message


def test_a_version_that_is_not_a_number_is_refused(cast):
    with pytest.raises(ApplicationError, match="as a number"):
        write(cast, expected_version="1")
    assert not ReportNarrative.objects.exists()


# --- two writers at the same moment, on PostgreSQL ---------------------------------------------


@pytest.fixture
def postgres():
    """Only the race needs PostgreSQL (row locks): the rest of this file runs anywhere. As
    tests/plenary/test_races.py: skipped without it, except in CI, where it fails."""
    if connection.vendor != "postgresql":
        message = "row-lock races need PostgreSQL: run with DATABASE_URL=postgres://..."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True], ids=["first-text", "rewrite"])
def test_two_writers_at_once_one_wins_the_other_is_stale(postgres, cast, existing):
    seen = write(cast, "The text both read.").version if existing else 0
    results = race(
        lambda: write(cast, "Alice's text.", expected_version=seen, reason="Alice"),
        lambda: write(cast, "Bob's text.", expected_version=seen, reason="Bob"),
    )
    won = [r for r in results if isinstance(r, ReportNarrative)]
    lost = [r for r in results if isinstance(r, ApplicationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "stale" and lost[0].extra == {"version": seen + 1}
    narrative = ReportNarrative.objects.get(year=2025)
    assert narrative.version == seen + 1
    assert narrative.executive_summary == won[0].executive_summary
    assert narrative.history.count() == seen + 1


def test_a_browsers_line_breaks_make_paragraphs(cast):
    narrative = write(cast, "First paragraph.\r\n\r\nSecond paragraph.\r\n")
    assert narrative.paragraphs == ["First paragraph.", "Second paragraph."]
