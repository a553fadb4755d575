"""The ISECG record file holds only what a page or a report may print: its sources name
publications, its research stays in the secretariat's notes (tests/record/printed_text.py)."""

from pathlib import Path

import pytest
import yaml

from .printed_text import NOTES, PRINTED, SOURCE, names_a_publication, offences

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "isecg.yaml"
# Not text a person reads as sentences: keys, choices, dates, references by id.
NOT_TEXT = {"notes", "source"}


def _records() -> list[dict]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def _strings(value, path: str):
    """Every string in a field, with where it is (new_groups holds dicts in a list)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _where(record: dict, field: str) -> str:
    return f"{record['model']} {record['pk']} {field}"


def printed_offences(records: list[dict]) -> list[str]:
    found = []
    for record in records:
        for name, value in record["fields"].items():
            if name in NOT_TEXT:
                continue
            for path, text in _strings(value, name):
                found += [f"{_where(record, path)}: {o}" for o in offences(text, PRINTED)]
    return found


def source_offences(records: list[dict]) -> list[str]:
    found = []
    for record in records:
        fields = record["fields"]
        if "source" in fields:
            source = fields["source"] or ""
            found += [f"{_where(record, 'source')}: {o}" for o in offences(source, SOURCE)]
            if not names_a_publication(source):
                found.append(f"{_where(record, 'source')}: names no publication: {source!r}")
        if "notes" in fields:
            notes = fields["notes"] or ""
            found += [f"{_where(record, 'notes')}: {o}" for o in offences(notes, NOTES)]
    return found


@pytest.fixture(scope="module")
def records():
    return _records()


def test_printed_fields_hold_only_what_a_report_may_print(records):
    assert printed_offences(records) == []


def test_sources_name_publications_and_notes_name_no_files(records):
    assert source_offences(records) == []


def test_the_rules_catch_what_they_are_for():
    """Each rule catches the research wording it is written for, and spares report prose."""
    bad = {
        "summary": "(The month is not in the seed; nor is the group that presented.)",
        "status_note": "The seeds give no percentage complete or RAG status.",
        "decision": "Seed 001 does not report that the merger took place.",
        "description": "The month and day are not in the documents: stored as the year.",
        "text": "See 000_91b1998fb8983ee2.txt; the record takes ERWG as lead.",
    }
    record = {"model": "x.y", "pk": 1, "fields": bad}
    assert len({o.split(":")[0] for o in printed_offences([record])}) == len(bad)
    good = {
        "summary": "The GER 2024 was published in August 2024 as a result of the effort of "
        "the entire ISECG community.",
        "text": "In 2026, ISECG will continue to advance its role as a globally coordinated "
        "forum for space exploration.",
    }
    assert printed_offences([{"model": "x.y", "pk": 2, "fields": good}]) == []
    assert source_offences([{"model": "x.y", "pk": 3, "fields": {"source": "seed 000"}}])
    cited = "ISECG 2024 Annual Report (May 2025), Highlights, Technology Working Group"
    assert source_offences([{"model": "x.y", "pk": 4, "fields": {"source": cited}}]) == []
