"""The one content model (content.Report) rendered three times: the editable DOCX, the HTML
preview, and the PDF of that preview.

The DOCX goes through a docxtpl template the secretariat can restyle in Word; the HTML through
a Django template, which WeasyPrint lays out on A4 as the PDF (the template's print styles: the
cover, the contents with page numbers, the page numbers at the foot). All walk the same sections
and blocks, so no section is written twice, and the contents of each list the same headings:
every section and its level-2 sub-headings.
"""

import datetime
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, RichText

from apps.core.text import xml_safe

from .content import Block, Heading, Report
from .pdf import html_to_pdf
from .template_build import document_properties

DOCX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "annual_report.docx"
HTML_TEMPLATE = "reports/annual_report.html"
# Laying out S=100's report (about 800 pages) takes minutes; the real one, seconds.
PDF_TIMEOUT_SECONDS = 900


class TemplateMissing(Exception):
    """The DOCX template is not where the code expects it."""


def docx_template_path() -> Path:
    return Path(getattr(settings, "REPORTS_DOCX_TEMPLATE", DOCX_TEMPLATE))


def render_docx(report: Report, *, drafted_at: datetime.datetime | None = None) -> bytes:
    """The draft as DOCX bytes; the same report and `drafted_at` give the same bytes."""
    drafted_at = drafted_at or timezone.now()
    path = docx_template_path()
    if not path.is_file():
        raise TemplateMissing(str(path))
    template = DocxTemplate(str(path))

    def rich(text: str, url: str = "") -> RichText:
        clean = _text(text)
        if url:
            return RichText(clean, url_id=template.build_url_id(url), style="Hyperlink")
        return RichText(clean)

    blocks = []
    for section in report.sections:
        blocks.append({"h1": True, "rt": rich(section.title)})
        blocks += [_docx_block(block, rich) for block in section.blocks]
    context = {
        "report": {
            "kicker": report.kicker,
            "title": report.title,
            "date_line": report.date_line,
            "organisation": report.organisation,
        },
        "blocks": blocks,
    }
    template.render(context, autoescape=True)
    _contents(template.docx)
    document_properties(
        template.docx,
        title=f"ISECG {report.title} (draft v{report.version})",
        subject=f"Draft of the ISECG annual report for {report.year}",
        at=drafted_at,
        revision=report.version,
    )
    out = io.BytesIO()
    template.save(out)
    return _dated_entries(out.getvalue(), drafted_at)


def _dated_entries(package: bytes, at: datetime.datetime) -> bytes:
    """The package with every entry dated `at` (UTC) instead of the moment it was zipped."""
    stamp = at.astimezone(datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            dated = zipfile.ZipInfo(entry.filename, date_time=stamp)
            target.writestr(dated, source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_block(block: Block, rich) -> dict:
    if isinstance(block, Heading):
        return {f"h{min(block.level, 3)}": True, "rt": rich(block.text)}
    if block.kind == "paragraph":
        return {"paragraph": True, "rt": rich(block.text, block.url)}
    if block.kind == "note":
        return {"note": True, "rt": rich(f"[{block.text}]")}
    if block.kind == "bullets":
        items = [{"level": i.level, "rt": rich(i.text, i.url)} for i in block.items]
        return {"bullets": True, "entries": items}
    if block.kind == "members":
        rows = [
            {"country": _text(r.country), "agencies": [_text(a) for a in r.agencies]}
            for r in block.rows
        ]
        return {"members": True, "rows": rows}
    if block.kind == "checklist":
        items = [
            {
                "section": _text(i.section),
                "what": _text(f"{i.what} Fix it at {i.fix_at}" if i.fix_at else i.what),
                "ask": _text(i.ask),
            }
            for i in block.items
        ]
        return {"checklist": True, "entries": items}
    raise ValueError(f"No DOCX rendering for a {block.kind!r} block")


def _text(value: str) -> str:
    # A control character pasted into a record would corrupt the DOCX (xml_safe); a paragraph's
    # line breaks are the template's to make.
    return " ".join(xml_safe(value).split())


def _contents(document) -> None:
    """The TOC field's result written in, as Word would: one "TOC 1"/"TOC 2" paragraph per
    Heading 1/2 of the rendered document (each section, each level-2 heading of the content
    model, and any heading a restyled template adds), each a link to a bookmark on its heading
    with a PAGEREF field for its page, between the field's separate and end characters, so the
    contents show when the file is opened and Word's Update Field still rebuilds them.
    Bookmarks are numbered in document order (the same report gives the same bytes)."""
    body = document.element.body
    levels = {}
    for level in (1, 2):
        levels[document.styles[f"Heading {level}"].style_id] = level
    headings = []
    for paragraph in body.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        level = levels.get(style.get(qn("w:val"))) if style is not None else None
        if level is not None:
            headings.append((paragraph, level))
    entries = [(level, _paragraph_text(p)) for p, level in headings]
    bookmarks = []
    for number, (paragraph, _level) in enumerate(headings, start=1):
        name = f"_Toc{number:08d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        properties = paragraph.find(qn("w:pPr"))
        paragraph.insert(0 if properties is None else 1, start)
        paragraph.append(end)
        bookmarks.append(name)

    field = _toc_field_paragraph(body)
    if field is None:  # the secretariat removed the contents from the template
        return
    instruction = "".join(t.text or "" for t in field.iter(qn("w:instrText"))).strip()
    style_ids = {1: _style_id(document, "TOC 1", "TOC1"), 2: _style_id(document, "TOC 2", "TOC2")}
    paragraphs = []
    for index, ((level, text), bookmark) in enumerate(zip(entries, bookmarks, strict=True)):
        paragraph = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_ids[level])
        properties.append(style)
        paragraph.append(properties)
        if index == 0:
            paragraph.append(_char("begin"))
            paragraph.append(_instruction(instruction))
            paragraph.append(_char("separate"))
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        link.append(_text_run(text))
        tab = OxmlElement("w:r")
        tab.append(OxmlElement("w:tab"))
        link.append(tab)
        # The page is Word's to compute (layout is not known here): a PAGEREF to the heading's
        # bookmark, its result empty until Word updates the fields on opening (LibreOffice:
        # Tools > Update > Update All).
        link.append(_char("begin"))
        link.append(_instruction(f"PAGEREF {bookmark} \\h"))
        link.append(_char("separate"))
        link.append(_char("end"))
        paragraph.append(link)
        if index == len(entries) - 1:
            paragraph.append(_char("end"))
        paragraphs.append(paragraph)
    if not paragraphs:
        return
    for paragraph in paragraphs:
        field.addprevious(paragraph)
    field.getparent().remove(field)


def _toc_field_paragraph(body):
    for instruction in body.iter(qn("w:instrText")):
        if (instruction.text or "").strip().startswith("TOC"):
            return next(a for a in instruction.iterancestors(qn("w:p")))
    return None


def _style_id(document, name: str, default: str) -> str:
    for style in document.styles:
        if style.name in (name, name.lower()):
            return style.style_id
    return default


def _paragraph_text(paragraph) -> str:
    return " ".join("".join(t.text or "" for t in paragraph.iter(qn("w:t"))).split())


def _char(kind: str):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _instruction(text: str):
    run = OxmlElement("w:r")
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {text} "
    run.append(element)
    return run


def _text_run(text: str):
    run = OxmlElement("w:r")
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)
    return run


def render_html(report: Report) -> str:
    return render_to_string(HTML_TEMPLATE, {"report": report})


def render_pdf(report: Report, *, html: str | None = None) -> bytes:
    """The HTML preview laid out on A4 by WeasyPrint (the print styles of annual_report.html),
    in a process of its own (pdf.py). Raises PdfRenderingError with the reason."""
    page = html if html is not None else render_html(report)
    timeout = getattr(settings, "REPORT_PDF_TIMEOUT_SECONDS", PDF_TIMEOUT_SECONDS)
    return html_to_pdf(page, timeout=timeout)
