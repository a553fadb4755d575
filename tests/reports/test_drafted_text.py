"""A draft drafted from the real record speaks of publications, never of seeds, files, storage
or research notes: anywhere in it, its notes and checklist for the secretariat included."""

import html as htmllib
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from tests.record.printed_text import ANYWHERE, offences

from .docx_reading import read_docx

pytestmark = pytest.mark.django_db


def _docx_text(path: str) -> list[str]:
    lines = []
    for part in read_docx(path):
        if part.kind == "table":
            lines += [line for row in part.rows for cell in row for line in cell]
        else:
            lines.append(part.text)
    return lines


def _html_text(path: str) -> str:
    page = Path(path).read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_drafted_report_prints_no_research_notes(isecg_record, draft_year, year):
    draft = draft_year(year)
    assert draft.state == "done", draft.error
    found = []
    for line in _docx_text(default_storage.path(draft.docx.name)):
        found += [f"DOCX: {o} in {line[:120]!r}" for o in offences(line, ANYWHERE)]
    html = _html_text(default_storage.path(draft.html.name))
    found += [f"HTML: {o}" for o in offences(html, ANYWHERE)]
    assert found == []
