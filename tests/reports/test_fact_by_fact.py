"""The drafts of 2024 and 2025 against the published reports, fact by fact.

tests/reports/golden/facts.yaml holds every heading, paragraph, list entry and member row of both
published reports with its section, sub-section and line. Each derivable fact must be in the
drafted DOCX word for word, in its section and under its sub-section; the Executive Summary's
prose is a person's to write and is counted apart. The test prints the tally per section.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.core.files.storage import default_storage

from apps.reports.content import CHECKLIST_TITLE

from .docx_reading import read_docx

FACTS = yaml.safe_load((Path(__file__).parent / "golden" / "facts.yaml").read_text())["facts"]
GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "annual_reports.yaml").read_text())
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PERSON_ONLY = "narrative"

pytestmark = pytest.mark.django_db


def _same(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    text = text.replace("\\(", "(").replace("\\)", ")").replace("**", "").replace("*", "")
    return _same(text)


def _drafted_facts(parts) -> set[tuple[str, str, str, str]]:
    """(section, sub-section, kind, text) of everything the DOCX prints."""
    found: set[tuple[str, str, str, str]] = set()
    section = subsection = ""
    for part in parts:
        if part.kind == "heading":
            if part.level == 1:
                section, subsection = part.text, ""
            else:
                subsection = part.text
            found.add((section, "", "heading", _same(part.text)))
        elif part.kind == "table" and section.startswith("Annex II:"):
            for country, agencies in part.rows[1:]:
                found.add((section, "", "member", f"{country[0]}: {'; '.join(agencies)}"))
        elif part.text.strip():
            kind = "item" if "List" in part.style else "paragraph"
            found.add((section, subsection, kind, _same(part.text)))
    return found


def _as_drafted(fact: dict) -> tuple[str, str, str, str]:
    subsection = "" if fact["kind"] == "heading" else fact["subsection"]
    return (fact["section"], subsection, fact["kind"], _same(fact.get("drafted_as", fact["text"])))


def _tally(year: int, facts: list[dict], drafted: set) -> tuple[Counter, Counter, list[str]]:
    right, total, wrong = Counter(), Counter(), []
    for fact in facts:
        if fact["kind"] == PERSON_ONLY:
            continue
        expected = _same(fact.get("drafted_as", fact["text"]))
        total[fact["section"]] += 1
        if (fact["section"], fact["subsection"], fact["kind"], expected) in drafted:
            right[fact["section"]] += 1
        else:
            where = f"{fact['section']} / {fact['subsection'] or '-'}, line {fact['line']}"
            wrong.append(f"{year} {where}: {fact['kind']} {expected[:90]!r}")
    return right, total, wrong


def test_every_fact_is_on_its_line_of_the_published_report():
    for year, facts in FACTS.items():
        path = SEEDS / GOLDEN["reports"][year]["seed"]
        if not path.is_file():
            pytest.skip(f"The published reports' text is not at {SEEDS}.")
        lines = path.read_text().split("\n")
        for fact in facts:
            first_words = _same(fact["text"]).split(": ")[0][:40]
            assert first_words in _plain(lines[fact["line"] - 1]), (
                year,
                fact["line"],
                fact["text"],
            )


@pytest.mark.parametrize("year", sorted(FACTS))
def test_every_derivable_fact_of_the_published_report_is_drafted(isecg_record, draft_year, year):
    draft = draft_year(year)
    assert draft.state == "done", draft.error
    check_facts(year, _drafted_facts(read_docx(default_storage.path(draft.docx.name))))


def check_facts(year: int, drafted: set) -> None:
    facts = FACTS[year]
    right, total, wrong = _tally(year, facts, drafted)
    person = [f for f in facts if f["kind"] == PERSON_ONLY]
    print(f"\n{year} annual report, facts right / derivable facts, per section:")
    for section in total:
        print(f"  {section}: {right[section]} / {total[section]}")
    print(f"  all sections: {sum(right.values())} / {sum(total.values())}")
    print(f"  written by a person, not derived: {len(person)} paragraphs of the Executive Summary")
    assert wrong == []
    # And nothing beside them: every drafted heading, paragraph and entry after the Executive
    # Summary (which a person rewrites) is one of the published report's, or a bracketed note
    # for the secretariat; no research note, no paragraph of another year.
    published = {_as_drafted(f) for f in facts}
    extra = [
        fact
        for fact in drafted
        if fact[0] not in ("", "Executive Summary", CHECKLIST_TITLE)
        and not fact[3].startswith("[")
        and fact not in published
        and fact[3] != CHECKLIST_TITLE
    ]
    assert extra == []
    assert sum(total.values()) > 80  # the whole report, not a sample
    assert {f["section"] for f in person} == {"Executive Summary"}
