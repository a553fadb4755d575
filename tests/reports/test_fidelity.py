"""The drafts of 2024 and 2025, from the real record, against the published reports (the seeds).

Expected values come from tests/reports/golden/annual_reports.yaml, written from the seeds with
the seed and page of each value; the drafts are read back from the DOCX with python-docx (Word
heading styles, bullet paragraphs, the member table), and the HTML preview must show the same
headings.
"""

import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.core.files.storage import default_storage

from apps.reports.content import CHECKLIST_TITLE

from .docx_reading import headings, read_docx, sub_sections, under

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "annual_reports.yaml").read_text())
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
YEARS = sorted(GOLDEN["reports"])

pytestmark = pytest.mark.django_db


def _same(text: str) -> str:
    return " ".join(text.split())


def _acronyms(heading: str) -> list[str]:
    return sorted(re.findall(r"\(([A-Z][A-Za-z-]*)\)", heading))


@pytest.fixture
def drafted(isecg_record, draft_year):
    """year -> (golden expectations, DOCX parts, HTML text) of a fresh draft from the record."""

    def make(year: int):
        draft = draft_year(year)
        assert draft.state == "done", draft.error
        parts = read_docx(default_storage.path(draft.docx.name))
        html = Path(default_storage.path(draft.html.name)).read_text()
        return GOLDEN["reports"][year], parts, html

    return make


@pytest.mark.parametrize("year", YEARS)
def test_sections_are_the_published_ones_in_order_then_the_checklist(drafted, year):
    golden, parts, _ = drafted(year)
    expected = [s["heading"] for s in golden["sections"]]
    assert headings(parts, 1) == [*expected, CHECKLIST_TITLE]
    titles = [p.text for p in parts if p.style == "Title"]
    assert golden["title"] in titles


@pytest.mark.parametrize("year", YEARS)
def test_outlook_has_the_same_sub_sections(drafted, year):
    golden, parts, _ = drafted(year)
    outlook = under(parts, f"Outlook for {year + 1}", level=1)
    drafted_headings = [p.text for p in outlook if p.kind == "heading" and p.level == 3]
    has_priorities = "ISECG Priorities" in headings(outlook, 2)
    assert "ISECG Working Groups" in headings(outlook, 2)

    expected = golden["outlook"]["subsections"]
    assert has_priorities == any(s["heading"] == "ISECG Priorities" for s in expected)
    # As the report names them ("... and Tiger Team (SCWG-TT)"), in the report's order.
    assert drafted_headings == [s["heading"] for s in expected if s["groups"]]
    # Every sub-section says something: the group's outlook, or a note for the secretariat.
    for heading, body in sub_sections(outlook, level=3).items():
        assert body, heading


@pytest.mark.parametrize("year", YEARS)
def test_members_are_the_published_list(drafted, year):
    golden, parts, _ = drafted(year)
    members = golden["members"]
    tables = [p for p in under(parts, members["heading"], level=1) if p.kind == "table"]
    assert len(tables) == 1
    header, *rows = tables[0].rows
    assert header == [["Country"], ["Agency"]]
    drafted_rows = {(country[0], tuple(agencies)) for country, agencies in rows}
    expected_rows = {
        (row.get("drafted_as", row["country"]), tuple(row["agencies"])) for row in members["rows"]
    }
    assert drafted_rows == expected_rows
    assert sum(len(agencies) for _, agencies in rows) == members["count"]
    countries = [country[0] for country, _ in rows]
    assert countries == sorted(countries, key=str.casefold)


@pytest.mark.parametrize("year", YEARS)
def test_working_groups_and_their_mandates(drafted, year):
    golden, parts, _ = drafted(year)
    annex = golden["working_groups"]
    groups = sub_sections(under(parts, annex["heading"], level=1), level=2)
    expected = annex["groups"]
    drafted_acronyms = [_acronyms(h) for h in groups]
    expected_acronyms = [[g["acronym"]] for g in expected]
    if "order_note" in annex:
        assert sorted(drafted_acronyms) == sorted(expected_acronyms)
    else:
        assert drafted_acronyms == expected_acronyms
    by_acronym = {_acronyms(h)[0]: (h, body) for h, body in groups.items()}
    for group in expected:
        heading, body = by_acronym[group["acronym"]]
        if "record_differs" not in group:
            assert heading == group["heading"]
        text = _same(" ".join(p.text for p in body if p.kind == "paragraph"))
        # The mandate in force at the end of the year, word for word (2024: SCWG's 2024 text).
        assert text == _same(group["mandate"])
    for gone in annex.get("absorbed_during_year", []):
        assert gone["acronym"] not in by_acronym
        everything = " ".join(p.text for _, body in groups.items() for p in body)
        assert gone["seed_says"] in everything


@pytest.mark.parametrize("year", YEARS)
def test_publications_and_webnews_are_the_published_lists(drafted, year):
    golden, parts, _ = drafted(year)
    annex = under(parts, "Annex I: Publications", level=1)
    lists = sub_sections(annex, level=2)

    webnews = golden["webnews"]
    drafted_webnews = [p.text for p in lists[webnews["heading"]] if p.style == "List Bullet"]
    assert drafted_webnews == webnews["items"]  # newest first, in the report's order

    publications = golden["publications"]
    drafted_publications = [
        p.text for p in lists[publications["heading"]] if p.style == "List Bullet"
    ]
    expected = [i.get("drafted_as", i["text"]) for i in publications["items"]]
    expected += [i["text"] for i in publications.get("record_also_lists", [])]
    assert drafted_publications == expected  # in the report's order


class _Headings(HTMLParser):
    """The headings of the HTML preview's sections (not its table of contents)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._in_section = 0
        self._level = None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self._in_section += 1
        elif self._in_section and tag in {"h2", "h3", "h4"}:
            self._level = int(tag[1]) - 1
            self.found.append((self._level, ""))

    def handle_endtag(self, tag):
        if tag == "section":
            self._in_section -= 1
        elif tag in {"h2", "h3", "h4"}:
            self._level = None

    def handle_data(self, data):
        if self._level is not None:
            level, text = self.found[-1]
            self.found[-1] = (level, _same(text + data))


@pytest.mark.parametrize("year", YEARS)
def test_html_preview_shows_the_same_content(drafted, year):
    _, parts, html = drafted(year)
    parser = _Headings()
    parser.feed(html)
    docx_headings = [(p.level, p.text) for p in parts if p.kind == "heading"]
    assert parser.found == docx_headings
    # The same member table and the same checklist, cell by cell.
    text = _same(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))  # links as their words
    cells = [line for p in parts if p.kind == "table" for row in p.rows for c in row for line in c]
    assert cells
    for line in cells:
        assert line in text
