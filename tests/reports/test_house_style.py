"""The drafted annual report in the published reports' house style, in all three files.

Drafts 2024 from the real record, converts its DOCX to PDF with LibreOffice as a reader's
office suite would show it, and reads both that PDF and the WeasyPrint PDF page by page: the
cover alone on page 1, the contents on page 2 with the real pages of the headings, one sans-serif
family, the members table as published. PNGs of the cover, contents and members pages of both
PDFs go to screenshots/report-pages/ (ignored by git), as the browser tests' screenshots do, for a
person to look at.
"""

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from apps.reports.content import section_plan
from apps.reports.models import ReportDraft
from apps.reports.services import annual_report_draft, report_draft_request
from apps.reports.template_build import FONT, FONT_FALLBACK

from .docx_reading import headings, read_docx

YEAR = 2024
SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "report-pages"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"w": W, "a": A}
SHORT_NAME = 40  # an agency's name shorter than this never wraps in its cell
# "Executive Summary ........ 3": a contents line of the PDF, its title, its page.
CONTENTS_LINE = re.compile(r"^(?P<title>.*?)\s*\.{3,}\s*(?P<page>\d+)$")


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice not found (soffice): apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        message = "pdftoppm not found: apt-get install poppler-utils"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _squeezed(text: str) -> str:
    """Text without any white space: LibreOffice extracts the letter-spaced masthead as
    "I S E C G", and a line may break anywhere."""
    return "".join(text.split())


def _page_of(pages: list[str], needle: str) -> int:
    """The 1-based page whose text holds `needle` (squeezed): the first after the contents."""
    for number, text in enumerate(pages, start=1):
        if number > 2 and _squeezed(needle) in _squeezed(text):
            return number
    raise AssertionError(f"{needle!r} is on no page")


def _png(pdf_path: Path, page: int, name: str) -> Path:
    stem = SHOTS / name
    subprocess.run(
        [
            *(_pdftoppm(), "-png", "-r", "80", "-f", str(page), "-l", str(page)),
            *("-singlefile", str(pdf_path), str(stem)),
        ],
        check=True,
        timeout=120,
    )
    return stem.with_suffix(".png")


@pytest.fixture(scope="module")
def house(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 2024 draft's three files, drafted once for the module (rolled back after), and the
    DOCX as LibreOffice converts it to PDF."""
    soffice = _soffice()
    work = tmp_path_factory.mktemp("house")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=work / "media"),
        transaction.atomic(),
    ):
        call_command("load_record", verbosity=0)
        requested = report_draft_request(year=YEAR, actor=None, origin=ReportDraft.Origin.COMMAND)
        draft = annual_report_draft(draft_id=requested.pk)
        assert draft.state == ReportDraft.State.DONE, draft.error
        files = {
            kind: default_storage.open(getattr(draft, kind).name).read()
            for kind in ("docx", "html", "pdf")
        }
        transaction.set_rollback(True)
    (work / "report.docx").write_bytes(files["docx"])
    (work / "weasyprint.pdf").write_bytes(files["pdf"])
    subprocess.run(
        [
            *(soffice, "--headless", f"-env:UserInstallation=file://{work}/lo-profile"),
            *("--convert-to", "pdf", "--outdir", str(work / "lo"), str(work / "report.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    files["lo_pdf"] = (work / "lo" / "report.pdf").read_bytes()
    return {**files, "dir": work, "parts": read_docx(work / "report.docx")}


def test_the_pages_for_review_are_saved(house):
    weasy, office = _pages(house["pdf"]), _pages(house["lo_pdf"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    members = "Annex II: ISECG Members"
    saved = []
    for name, pages, path in (
        ("weasyprint", weasy, house["dir"] / "weasyprint.pdf"),
        ("docx-libreoffice", office, house["dir"] / "lo" / "report.pdf"),
    ):
        for what, page in (("cover", 1), ("contents", 2), ("members", _page_of(pages, members))):
            saved.append(_png(path, page, f"{YEAR}-{name}-{what}"))
    for png in saved:
        assert png.is_file() and png.stat().st_size > 5_000, png  # a page, not a blank


@pytest.mark.parametrize("kind", ["pdf", "lo_pdf"])
def test_the_cover_is_alone_on_page_one(house, kind):
    pages = _pages(house[kind])
    title, date_line, organisation = (
        f"{YEAR} Annual Report",
        _lines(pages[0])[2],
        "International Space Exploration Coordination Group",
    )
    assert date_line.startswith("Draft v1, ")  # the line content.py gives, until published
    # Nothing else on the page: the masthead, the title, the month line, the organisation.
    assert _squeezed(pages[0]) == _squeezed(f"ISECG {title} {date_line} {organisation}")
    assert "ANNUAL REPORT" not in pages[0]  # no kicker doubling the title
    assert _lines(pages[1])[0] == "Table of Contents"


def _contents_entries(pages: list[str]) -> list[tuple[str, int]]:
    """(title, page) of each contents line, from page 2 on, for as long as a page holds
    nothing but contents lines (a title may wrap onto the next line)."""
    entries = []
    for page in pages[1:]:
        lines = [line for line in _lines(page) if line != "Table of Contents"]
        if lines and lines[-1].isdigit():
            lines = lines[:-1]  # the footer's page number
        found, pending = [], ""
        for line in lines:
            match = CONTENTS_LINE.match(f"{pending} {line}".strip())
            if match:
                found.append((match["title"], int(match["page"])))
                pending = ""
            else:
                pending = f"{pending} {line}".strip()
        if not found or pending:
            break
        entries += found
    return entries


def test_the_pdf_contents_has_every_chapter_on_its_real_page(house):
    pages = _pages(house["pdf"])
    entries = _contents_entries(pages)
    titles = [title for title, _ in entries]
    chapters = [title for _, title in section_plan(YEAR)]
    assert [t for t in titles if t in chapters] == chapters  # every chapter, in order
    assert len(entries) == len(headings(house["parts"], 1)) + len(headings(house["parts"], 2))
    for title, page in entries:
        assert 3 <= page <= len(pages), (title, page)
        text = pages[page - 1]
        if title in chapters:
            # A chapter starts its page: its title is the page's first line.
            assert _squeezed(title) == _squeezed(_lines(text)[0])[: len(_squeezed(title))], title
        else:
            assert _squeezed(title) in _squeezed(text), (title, page)
    # The published report's pages, where the 2024 draft holds the same chapters before them.
    found = dict(entries)
    assert found["Executive Summary"] == 3
    assert found[f"Highlights, Achievements, and Special Projects in {YEAR}"] == 4
    assert found["Annex II: ISECG Members"] == _page_of(pages, "Annex II: ISECG Members")


def test_the_pdf_has_page_numbers_in_the_footer_but_not_on_the_cover(house):
    pages = _pages(house["pdf"])
    assert not any(line.isdigit() for line in _lines(pages[0]))
    for number, text in enumerate(pages[1:], start=2):
        assert _lines(text)[-1] == str(number), number


def _toc_results(document_xml: bytes) -> tuple[str, list[str], list[str | None]]:
    """The TOC field's instruction, the text of each paragraph of its result, and the bookmark
    each of those links to, read in document order through the field characters."""
    body = etree.fromstring(document_xml).find("w:body", NS)
    stack: list[dict] = []
    instruction, entries, anchors = "", [], []
    wanted = (f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}t")
    for paragraph in body.iter(f"{{{W}}}p"):
        text = ""
        for element in paragraph.iter(*wanted):
            tag = etree.QName(element).localname
            if tag == "fldChar":
                kind = element.get(f"{{{W}}}fldCharType")
                if kind == "begin":
                    stack.append({"code": "", "result": False})
                elif kind == "separate":
                    stack[-1]["result"] = True
                elif kind == "end":
                    done = stack.pop()["code"].strip()
                    instruction = done if done.startswith("TOC") else instruction
            elif tag == "instrText":
                stack[-1]["code"] += element.text or ""
            elif len(stack) == 1 and stack[0]["result"] and stack[0]["code"].strip()[:3] == "TOC":
                text += element.text or ""  # the TOC's own result, not a PAGEREF's
        if text.strip():
            entries.append(" ".join(text.split()))
            link = paragraph.find("w:hyperlink", NS)
            anchors.append(link.get(f"{{{W}}}anchor") if link is not None else None)
    return instruction, entries, anchors


def test_the_docx_contents_is_a_toc_field_whose_result_is_the_entries(house):
    with zipfile.ZipFile(io.BytesIO(house["docx"])) as package:
        body = package.read("word/document.xml")
    instruction, entries, anchors = _toc_results(body)
    assert instruction.startswith('TOC \\o "1-2"')
    wanted = [
        p.text for p in house["parts"] if p.kind == "heading" and p.level in (1, 2)
    ]  # every chapter and sub-heading, in order (test_fidelity: the content model's)
    assert [p for p in wanted if p in {t for _, t in section_plan(YEAR)}] == [
        t for _, t in section_plan(YEAR)
    ]
    assert entries == wanted
    assert b"Right-click here" not in body  # no placeholder: the result is the entries alone
    # Each entry links to a bookmark on its own heading, and its page is a PAGEREF to it.
    document = docx.Document(io.BytesIO(house["docx"]))
    marked = {}
    for paragraph in document.paragraphs:
        for start in paragraph._p.findall(f"{{{W}}}bookmarkStart"):
            marked[start.get(f"{{{W}}}name")] = " ".join(paragraph.text.split())
    assert None not in anchors
    assert [marked[a] for a in anchors] == wanted
    assert all(f"PAGEREF {a} \\h".encode() in body for a in anchors)


def test_libreoffice_shows_the_docx_contents_when_converting(house):
    # The entries are in the file, so LibreOffice shows them; the page numbers are Word's
    # PAGEREF fields, which LibreOffice leaves as they were saved until Tools > Update.
    pages = _pages(house["lo_pdf"])
    contents = _squeezed(pages[1])
    position = 0
    for heading in [p.text for p in house["parts"] if p.kind == "heading" and p.level <= 2]:
        found = contents.find(_squeezed(heading), position)
        assert found >= 0, heading
        position = found


def test_the_docx_has_one_sans_serif_family_for_every_style_and_run(house):
    with zipfile.ZipFile(io.BytesIO(house["docx"])) as package:
        names = package.namelist()
        parts = {n: package.read(n) for n in names if n.endswith(".xml")}
    assert "word/stylesWithEffects.xml" not in names
    seen = set()
    for name, data in parts.items():
        if not name.startswith("word/") or "theme" in name or name.endswith("fontTable.xml"):
            continue
        for fonts in etree.fromstring(data).iter(f"{{{W}}}rFonts"):
            attributes = {etree.QName(key).localname: value for key, value in fonts.items()}
            assert not [key for key in attributes if key.endswith("Theme") or key == "cstheme"]
            assert set(attributes.values()) == {FONT}, (name, attributes)
            seen.add(name)
    assert {"word/styles.xml", "word/numbering.xml"} <= seen
    styles = etree.fromstring(parts["word/styles.xml"])
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(f"{{{W}}}ascii") == FONT
    theme = etree.fromstring(parts["word/theme/theme1.xml"])
    assert {e.get("typeface") for e in theme.iter(f"{{{A}}}latin")} == {FONT}
    fallback = etree.fromstring(parts["word/fontTable.xml"]).find("w:font/w:altName", NS)
    assert fallback.get(f"{{{W}}}val") == FONT_FALLBACK
    # Sizes as published: 11 pt body, headings larger, chapters on a new page.
    document = docx.Document(io.BytesIO(house["docx"]))
    assert document.styles["Normal"].font.size.pt == 11
    assert document.styles["Heading 1"].font.size.pt > document.styles["Heading 2"].font.size.pt
    assert document.styles["Heading 2"].font.size.pt > 11


@pytest.mark.parametrize("kind", ["pdf", "lo_pdf"])
def test_both_pdfs_are_set_in_the_one_family(house, kind):
    fonts = set()
    for page in PdfReader(io.BytesIO(house[kind])).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            name = str(font.get_object()["/BaseFont"]).split("+")[-1]
            fonts.add(name.replace("-", "").replace(" ", ""))
    # Liberation Sans (Arial's metric twin, what Arial resolves to here), regular/bold/italic.
    assert fonts and all(f.startswith("LiberationSans") for f in fonts), fonts


def test_the_members_table_is_laid_out_as_published(house):
    document = docx.Document(io.BytesIO(house["docx"]))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Country")
    grid = [int(c.get(f"{{{W}}}w")) for c in table._tbl.tblGrid.findall(f"{{{W}}}gridCol")]
    assert len(grid) == 2 and abs(grid[0] / sum(grid) - 0.3) < 0.02
    layout = table._tbl.tblPr.find(f"{{{W}}}tblLayout")
    assert layout is not None and layout.get(f"{{{W}}}type") == "fixed"
    for row in table.rows[1:]:
        width = row.cells[0]._tc.tcPr.find(f"{{{W}}}tcW")
        assert int(width.get(f"{{{W}}}w")) == grid[0]
    rows = next(p.rows for p in house["parts"] if p.kind == "table")
    agencies = [name for row in rows[1:] for name in row[1]]
    australia = next(row for row in rows if row[0] == ["Australia"])
    assert len(australia[1]) == 2  # one agency per line (paragraph) within the cell
    # In the LibreOffice PDF, each short name is whole on one line of the page's text.
    pages = _pages(house["lo_pdf"])
    page = pages[_page_of(pages, "Annex II: ISECG Members") - 1]
    lines = _lines(page)
    short = [name for name in agencies if len(name) < SHORT_NAME]
    assert len(short) > 15
    for name in short:
        assert any(line.endswith(name) for line in lines), name


def test_the_html_preview_has_the_same_typography_and_landmarks(house):
    html = house["html"].decode()
    assert '<html lang="en">' in html
    assert re.search(r"html \{ font-family: Arial, \"Liberation Sans\", [^}]*sans-serif;", html)
    assert "font-size: 11pt" in html
    assert "Calibri" not in html and "serif;" not in html.replace("sans-serif;", "")
    for landmark in ("<header>", "<main>", '<nav class="contents"'):
        assert html.count(landmark) == 1, landmark
    assert html.index("<header>") < html.index("<nav") < html.index("<main>")
    assert "target-counter(attr(href url), page)" in html and "size: A4" in html


@pytest.mark.django_db
def test_the_pdf_is_offered_wherever_the_docx_is(cast, client, admin_client, draft_year):
    draft = draft_year(2025)
    assert draft.pdf.name.endswith(f"isecg-annual-report-2025-v{draft.version}.pdf")
    client.force_login(cast.reader)
    page = client.get(reverse("web:report", args=[draft.pk])).content.decode()
    pdf_url = reverse("api:report-draft-pdf", args=[draft.pk])
    assert reverse("api:report-draft-docx", args=[draft.pk]) in page and pdf_url in page
    data = client.get(reverse("api:report-draft-detail", args=[draft.pk])).json()
    assert data["pdf_url"].endswith(pdf_url)
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and body == default_storage.open(draft.pdf.name).read()
    admin = admin_client.get(reverse("admin:reports_reportdraft_pdf", args=[draft.pk]))
    assert b"".join(admin.streaming_content) == body


@pytest.mark.django_db
def test_a_draft_whose_pdf_fails_fails_clearly(cast, draft_year, monkeypatch, media_root):
    from apps.reports import pdf

    # The PDF's process, on a worker without Pango: WeasyPrint's import fails, it says why.
    missing = "cannot load library 'libpango-1.0-0': No such file"
    child = f"import sys; sys.stderr.write({missing!r}); sys.exit({pdf.NO_PANGO})"
    monkeypatch.setattr(pdf, "_command", lambda: [sys.executable, "-c", child])
    failed = draft_year(2025)
    assert failed.state == ReportDraft.State.FAILED
    assert failed.current_section == "Writing the PDF"
    assert failed.error.startswith(
        f"The PDF could not be made: WeasyPrint cannot load Pango ({missing})"
    )
    assert "apt-get install libpango-1.0-0" in failed.error and "draft 2025 again" in failed.error
    assert failed.docx.name == failed.pdf.name == ""
    assert not [p for p in Path(media_root).rglob("*") if p.is_file()]  # nothing half-written
