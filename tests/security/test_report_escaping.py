"""Hostile text in the record reaches the annual report as text: never markup in the HTML preview,
never broken XML in the DOCX, never a failed draft."""

import datetime
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from apps.groups.models import WorkingGroup
from apps.reports.models import ReportDraft
from apps.reports.narratives import report_narrative_write
from apps.reports.services import annual_report_draft, report_draft_request
from tests.factories import DeliverableFactory, UserFactory
from tests.reports.docx_reading import read_docx

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "</w:t></w:r><w:r><w:t>injected",
    "]]><!-- & &amp; &#x3c; <![CDATA[",
    "{{ 7*7 }} {% raw %} {#",
    "Lunar ☾ 月面 القمر Луна \u202etxt.exe",
    "tab\there and a vertical\x0btab, form\x0cfeed, bell\x07",
    '=HYPERLINK("http://evil.example")',
    "x" * 5000,
]


class _Page(HTMLParser):
    """The elements of a page and the text a reader sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _xml_text(text: str) -> str:
    """What a DOCX shows of `text`: vertical tab and form feed become line and page breaks;
    the other C0 controls but tab, newline and CR cannot be carried by XML and are dropped."""
    text = text.replace("\x0b", " ").replace("\x0c", " ")
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_hostile_text_is_text_in_the_docx_and_the_html_report(isecg_record, payload):
    secretariat = UserFactory(username="secretariat-writer", is_superuser=True)
    group = WorkingGroup.objects.filter(status="active").order_by("acronym").first()
    DeliverableFactory(
        state="published",
        published_on=datetime.date(2025, 6, 1),
        title=f"Title {payload}"[:300],  # the title column holds 300 characters
        summary=f"Summary {payload}",
        lead_group=group,
    )
    report_narrative_write(year=2025, executive_summary=f"Narrative {payload}", actor=secretariat)
    requested = report_draft_request(year=2025, actor=None, origin=ReportDraft.Origin.COMMAND)
    draft = annual_report_draft(draft_id=requested.pk)
    assert draft.state == "done", draft.error

    page = _Page()
    page.feed((Path(settings.MEDIA_ROOT) / draft.html.name).read_text())
    shown = "".join(page.text)
    assert f"Title {payload}"[:200] in shown  # shown as the text it is
    assert f"Narrative {payload}"[:200] in shown
    assert "script" not in page.tags and "img" not in page.tags  # never as markup

    path = Path(settings.MEDIA_ROOT) / draft.docx.name
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
    text = " ".join(part.text for part in read_docx(path))
    for prefix in ("Title", "Narrative"):
        assert " ".join(f"{prefix} {_xml_text(payload)}".split())[:200] in text
