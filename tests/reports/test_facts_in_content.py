"""The published reports' facts in the content model itself, before any rendering: the same
golden facts and tally as test_fact_by_fact.py, in a second (the mutation run of
reports/content.py answers with it)."""

import datetime

import pytest

from apps.reports.content import Report, report_build
from apps.reports.selectors import report_facts

from .test_fact_by_fact import FACTS, _same, check_facts

pytestmark = pytest.mark.django_db


def _built_facts(report: Report) -> set[tuple[str, str, str, str]]:
    """(section, sub-section, kind, text) of every block, as test_fact_by_fact reads the DOCX;
    a note is a bracketed paragraph, as the DOCX prints it."""
    found: set[tuple[str, str, str, str]] = set()
    for section in report.sections:
        title, subsection = section.title, ""
        found.add((title, "", "heading", _same(title)))
        for block in section.blocks:
            if block.kind == "heading":
                subsection = block.text
                found.add((title, "", "heading", _same(block.text)))
            elif block.kind == "members":
                for row in block.rows:
                    found.add((title, "", "member", f"{row.country}: {'; '.join(row.agencies)}"))
            elif block.kind == "bullets":
                found |= {(title, subsection, "item", _same(i.text)) for i in block.items}
            elif block.kind == "paragraph":
                found.add((title, subsection, "paragraph", _same(block.text)))
            elif block.kind == "note":
                found.add((title, subsection, "paragraph", f"[{_same(block.text)}]"))
    return found


@pytest.mark.parametrize("year", sorted(FACTS))
def test_every_derivable_fact_is_in_the_content_before_rendering(isecg_record, year):
    drafted_on = datetime.date(year + 1, 3, 1)
    facts = report_facts(year=year, today=drafted_on)
    check_facts(year, _built_facts(report_build(facts=facts, version=1, drafted_on=drafted_on)))
