"""The annual report prints dates in the long style, as precisely as they are stored
(reports.content through core.dates): "12 August 2025", "December 2025", "2025", "by 2025"."""

import datetime

import pytest

from apps.reports.content import report_build
from apps.reports.selectors import report_facts
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_highlights_tell_each_activity_as_precisely_as_the_record_gives_it(cast):
    cases = [
        ("day", D(2025, 8, 12), "12 August 2025"),
        ("month", D(2025, 12, 1), "December 2025"),
        ("year", D(2025, 1, 1), "2025"),
        ("on_or_before", D(2025, 12, 31), "by 2025"),
    ]
    for precision, day, _ in cases:
        factories.ActivityFactory(
            kind="talk", title=f"Talk known to the {precision}", occurred_on=day,
            occurred_precision=precision, event="IAC 2025", place="Sydney, Australia",
        )  # fmt: skip
    facts = report_facts(year=2025, today=D(2026, 1, 20))
    report = report_build(facts=facts, version=1, drafted_on=D(2026, 1, 20))
    highlights = next(s for s in report.sections if s.key == "highlights")
    texts = {getattr(block, "text", "") for block in highlights.blocks}
    for precision, _, long in cases:
        assert f"Talk known to the {precision} (IAC 2025, Sydney, Australia, {long})." in texts
    assert not any("1 January 2025" in text or "1 December 2025" in text for text in texts)
