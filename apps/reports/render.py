"""The one content model (content.Report) rendered twice: the editable DOCX and the HTML preview.

The DOCX goes through a docxtpl template the secretariat can restyle in Word; the HTML through
a Django template. Both walk the same sections and blocks, so no section is written twice.
"""

import datetime
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from docxtpl import DocxTemplate, RichText

from apps.core.text import xml_safe

from .content import Block, Heading, Report
from .template_build import document_properties

DOCX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "annual_report.docx"
HTML_TEMPLATE = "reports/annual_report.html"


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


def render_html(report: Report) -> str:
    return render_to_string(HTML_TEMPLATE, {"report": report})
