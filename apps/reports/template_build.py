"""Builds the Word template the annual report drafts are rendered into (run once, then commit).

    .venv/bin/python -m apps.reports.template_build

The result, apps/reports/templates/reports/annual_report.docx, is an ordinary Word document:
the secretariat can restyle it in Word (fonts, colours, spacing, page layout, the title page)
without touching code, as long as the {{ }} and {% %} tags stay. Every block of the content
model has its own Word style: "Heading 1/2/3" (so Word's table of contents and navigation pane
work), "List Bullet" and "List Bullet 2", "Draft Note" for the secretariat's placeholders,
"Table Grid" for the member table and the checklist.

document_properties() is what Word's File > Info shows for the template and for every draft:
the report's own title, author and dates, not those of python-docx's default template (written
2013 on a Mac, with its thumbnail and page count).
"""

import datetime
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

AUTHOR = "ISECG"
APPLICATION = "ISECG deliverables tracker"
TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "reports" / "annual_report.docx"

# docxtpl paragraph-level tags: each sits alone in its paragraph, which disappears on render.
BLOCK_STYLES = [
    ("h1", "Heading 1"),
    ("h2", "Heading 2"),
    ("h3", "Heading 3"),
    ("paragraph", "Normal"),
    ("note", "Draft Note"),
]


def build(path: Path = TEMPLATE_PATH) -> Path:
    document = Document()
    _styles(document)
    body = document

    body.add_paragraph("{{ report.kicker }}", style="Title")
    body.add_paragraph("{{ report.title }}", style="Title")
    body.add_paragraph("{{ report.date_line }}", style="Subtitle")
    organisation = body.add_paragraph(style="Subtitle")
    organisation.add_run("{{ report.organisation }}").bold = True
    body.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    body.add_paragraph("Table of Contents", style="TOC Heading")
    _toc_field(body.add_paragraph())

    body.add_paragraph("{%p for b in blocks %}")
    for index, (flag, style) in enumerate(BLOCK_STYLES):
        keyword = "if" if index == 0 else "elif"
        body.add_paragraph(f"{{%p {keyword} b.{flag} %}}")
        body.add_paragraph("{{r b.rt }}", style=style)

    body.add_paragraph("{%p elif b.bullets %}")
    body.add_paragraph("{%p for item in b.entries %}")
    body.add_paragraph("{%p if item.level == 2 %}")
    body.add_paragraph("{{r item.rt }}", style="List Bullet 2")
    body.add_paragraph("{%p else %}")
    body.add_paragraph("{{r item.rt }}", style="List Bullet")
    body.add_paragraph("{%p endif %}")
    body.add_paragraph("{%p endfor %}")

    body.add_paragraph("{%p elif b.members %}")
    _loop_table(
        body,
        header=["Country", "Agency"],
        loop="{%tr for row in b.rows %}",
        cells=[
            ["{{ row.country }}"],
            ["{%p for agency in row.agencies %}", "{{ agency }}", "{%p endfor %}"],
        ],
    )

    body.add_paragraph("{%p elif b.checklist %}")
    _loop_table(
        body,
        header=["Section", "What is missing", "Who to ask"],
        loop="{%tr for item in b.entries %}",
        cells=[["{{ item.section }}"], ["{{ item.what }}"], ["{{ item.ask }}"]],
    )
    body.add_paragraph("{%p endif %}")
    body.add_paragraph("{%p endfor %}")

    _update_fields_on_open(document)
    document_properties(
        document,
        title="ISECG Annual Report",
        subject="Template of the ISECG annual report drafts",
        at=datetime.datetime.now(datetime.UTC),
        revision=1,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _styles(document) -> None:
    styles = document.styles
    # Each chapter of the published reports starts on a new page.
    styles["Heading 1"].paragraph_format.page_break_before = True

    note = styles.add_style("Draft Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.italic = True
    note.font.color.rgb = RGBColor(0x7F, 0x60, 0x00)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "FFF2CC")
    note.element.get_or_add_pPr().append(shading)

    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True

    styles["Normal"].font.size = Pt(11)


def _toc_field(paragraph) -> None:
    """A real TOC field over Heading 1-3: Word fills it (and updates it on request)."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    paragraph.add_run()._r.append(instruction)
    char("separate")
    paragraph.add_run("Right-click here and choose Update Field to build the table of contents.")
    char("end")


def _loop_table(body, *, header: list[str], loop: str, cells: list[list[str]]) -> None:
    table = body.add_table(rows=4, cols=len(header))
    table.style = body.styles["Table Grid"]
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_as_header(table.rows[0])
    table.rows[1].cells[0].text = loop
    for cell, lines in zip(table.rows[2].cells, cells, strict=True):
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _update_fields_on_open(document) -> None:
    # Word then offers to refresh the table of contents when the draft is first opened: the
    # drafts leave the field to Word, and without the refresh it shows only its placeholder.
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    settings.append(element)


def document_properties(
    document, *, title: str, subject: str, at: datetime.datetime, revision: int
) -> None:
    """The document's own properties, replacing everything python-docx's template carries."""
    when = at.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None)
    core = document.core_properties
    core.title, core.subject, core.author = title, subject, AUTHOR
    core.last_modified_by = APPLICATION
    core.comments = core.keywords = core.category = ""  # "generated by python-docx" otherwise
    core.created = core.modified = when
    core.revision = revision
    _application_properties(document.part.package)
    _drop_thumbnail(document.part.package)


def _application_properties(package) -> None:
    """docProps/app.xml names this application, not the template's Word, pages and words."""
    _drop_package_relationships(package, RT.EXTENDED_PROPERTIES)
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties">'
        f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity></Properties>"
    )
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, xml.encode(), package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


def _drop_thumbnail(package) -> None:
    # The template's picture of an empty page. Word draws a true one when the draft is saved
    # there. A part nothing relates to is not written, nor its content type.
    _drop_package_relationships(package, RT.THUMBNAIL)


def _drop_package_relationships(package, reltype: str) -> None:
    rels = package.rels
    for rId in [rId for rId, rel in rels.items() if rel.reltype == reltype]:
        rels.pop(rId)
        rels.related_parts.pop(rId, None)


if __name__ == "__main__":
    sys.stdout.write(f"Wrote {build()}\n")
