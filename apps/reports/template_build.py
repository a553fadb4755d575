"""Builds the Word template the annual report drafts are rendered into (run once, then commit).

    .venv/bin/python -m apps.reports.template_build

The result, apps/reports/templates/reports/annual_report.docx, is an ordinary Word document:
the secretariat can restyle it in Word (fonts, colours, spacing, page layout, the title page)
without touching code, as long as the {{ }} and {% %} tags stay. Every block of the content
model has its own Word style: "Heading 1/2/3" (so Word's table of contents and navigation pane
work), "List Bullet" and "List Bullet 2", "Draft Note" for the secretariat's placeholders,
"Table Grid" for the member table and the checklist, "TOC 1"/"TOC 2" for the contents.

The house style is the published reports': a cover page of its own (ISECG, the title, the
month line, the organisation), the table of contents on page 2, chapters on new pages, A4, page
numbers in the footer, and one sans-serif family (FONT; LibreOffice shows it as its metric twin
Liberation Sans) for the body and the headings alike. The table of contents is a real TOC field
whose entries render.py writes as its result, so it is filled when the file is opened.

document_properties() is what Word's File > Info shows for the template and for every draft:
the report's own title, author and dates, not those of python-docx's default template (written
2013 on a Mac, with its thumbnail and page count).
"""

import datetime
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

AUTHOR = "ISECG"
APPLICATION = "ISECG deliverables tracker"
TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "reports" / "annual_report.docx"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# One sans-serif family for everything; where Arial is not installed (LibreOffice on Linux),
# its metric-compatible Liberation Sans takes its place, line for line.
FONT = "Arial"
FONT_FALLBACK = "Liberation Sans"
HEADING_COLOUR = RGBColor(0x1F, 0x38, 0x64)
# A4 with 2.5 cm margins: 16 cm of text width, in twentieths of a point.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2.5)
TEXT_WIDTH_TWIPS = round((21 - 2 * 2.5) / 2.54 * 1440)
# The members table as published: the country narrow, the agencies wide, one per line.
MEMBER_COLUMNS = (0.3, 0.7)
CHECKLIST_COLUMNS = (0.2, 0.5, 0.3)
# The TOC field's instruction: Heading 1-2 (chapters and their sub-headings), as hyperlinks.
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'

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
    _page(document)
    _styles(document)
    body = document

    # The cover, a page of its own: as published, the title, then the month line (the draft's
    # line until then), then the organisation.
    body.add_paragraph("ISECG", style="Cover Masthead")
    body.add_paragraph("{{ report.title }}", style="Title")
    body.add_paragraph("{{ report.date_line }}", style="Subtitle")
    body.add_paragraph("{{ report.organisation }}", style="Cover Organisation")
    body.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    body.add_paragraph("Table of Contents", style="TOC Heading")
    _toc_field(body.add_paragraph(style=document.styles["toc 1"]))

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
        widths=MEMBER_COLUMNS,
    )

    body.add_paragraph("{%p elif b.checklist %}")
    _loop_table(
        body,
        header=["Section", "What is missing", "Who to ask"],
        loop="{%tr for item in b.entries %}",
        cells=[["{{ item.section }}"], ["{{ item.what }}"], ["{{ item.ask }}"]],
        widths=CHECKLIST_COLUMNS,
    )
    body.add_paragraph("{%p endif %}")
    body.add_paragraph("{%p endfor %}")

    _footer_page_numbers(document)
    _one_font(document)
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


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN


def _styles(document) -> None:
    styles = document.styles
    # Each chapter of the published reports starts on a new page.
    styles["Heading 1"].paragraph_format.page_break_before = True
    for name, size, before, after in (
        ("Heading 1", 16, 0, 12),
        ("Heading 2", 13, 14, 6),
        ("Heading 3", 11, 10, 4),
        ("TOC Heading", 16, 0, 12),
    ):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = HEADING_COLOUR
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
    # TOC Heading is Word's own style for the contents' title: no chapter break of its own.
    styles["TOC Heading"].paragraph_format.page_break_before = False

    title = styles["Title"]
    title.font.size, title.font.bold = Pt(30), True
    title.font.color.rgb = HEADING_COLOUR
    title.paragraph_format.space_before = Pt(150)
    title.paragraph_format.space_after = Pt(18)
    _no_border(title)
    subtitle = styles["Subtitle"]
    subtitle.font.size, subtitle.font.italic = Pt(14), False
    subtitle.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    subtitle.paragraph_format.space_after = Pt(48)

    masthead = styles.add_style("Cover Masthead", WD_STYLE_TYPE.PARAGRAPH)
    masthead.base_style = styles["Normal"]
    masthead.font.size, masthead.font.bold = Pt(20), True
    masthead.font.color.rgb = HEADING_COLOUR
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), "60")  # letter-spaced, as a masthead
    masthead.element.get_or_add_rPr().append(spacing)
    organisation = styles.add_style("Cover Organisation", WD_STYLE_TYPE.PARAGRAPH)
    organisation.base_style = styles["Normal"]
    organisation.font.size, organisation.font.bold = Pt(14), True

    # Table cells: Normal without the paragraph gap, so a cell's lines (the agencies) are a list.
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(2)

    for level, indent in ((1, 0), (2, 0.6)):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        # Word's built-in name, so its "Update Field" keeps these styles.
        toc.element.name_val = f"toc {level}"
        toc.element.attrib.pop(qn("w:customStyle"), None)
        toc.base_style = styles["Normal"]
        toc.font.bold = level == 1
        fmt = toc.paragraph_format
        fmt.left_indent = Cm(indent)
        fmt.space_before = Pt(6 if level == 1 else 0)
        fmt.space_after = Pt(2)
        fmt.tab_stops.add_tab_stop(
            Cm(16), alignment=WD_TAB_ALIGNMENT.RIGHT, leader=WD_TAB_LEADER.DOTS
        )

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
    styles["Normal"].paragraph_format.space_after = Pt(8)


def _no_border(style) -> None:
    p_pr = style.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)


def _one_font(document) -> None:
    """FONT in every style and in the defaults, no theme font anywhere (Word's theme would
    otherwise bring back Calibri and Cambria), and the font table naming its fallback."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if defaults.find(qn("w:rFonts")) is None:
        defaults.insert(0, OxmlElement("w:rFonts"))
    # Every style's fonts, table styles' conditional formats included.
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), FONT)
    # The bullets too: a "•" in FONT, not Symbol's private-use glyph.
    numbering = document.part.numbering_part.element
    for fonts in numbering.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), FONT)
    for text in numbering.iter(qn("w:lvlText")):
        if text.get(qn("w:val")) == "\uf0b7":
            text.set(qn("w:val"), "•")
    package = document.part.package
    # Word 2010's copy of the styles, with the theme's fonts: Word rebuilds it from styles.xml.
    _drop_part_relationships(document.part, STYLES_WITH_EFFECTS)
    for part in package.iter_parts():
        if str(part.partname) == "/word/theme/theme1.xml":
            part._blob = re.sub(
                rb'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"'.encode(), part.blob
            )
        elif str(part.partname) == "/word/fontTable.xml":
            part._blob = _font_table()


def _font_table() -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:font w:name="{FONT}"><w:altName w:val="{FONT_FALLBACK}"/>'
        '<w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
        '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
        '<w:font w:name="Symbol"><w:charset w:val="02"/><w:family w:val="roman"/>'
        '<w:pitch w:val="variable"/></w:font></w:fonts>'
    ).encode()


def _footer_page_numbers(document) -> None:
    """The page number centred in the footer, from page 2: the cover has none."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "2")


def _field(paragraph, instruction: str, result: str) -> None:
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    char("separate")
    paragraph.add_run(result)
    char("end")


def _toc_field(paragraph) -> None:
    """A real TOC field over Heading 1-2. Its result here is empty: render.py writes the
    draft's entries there (render._contents), and Word's Update Field refreshes them."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {TOC_INSTRUCTION} "
    paragraph.add_run()._r.append(instruction)
    char("separate")
    char("end")


def _loop_table(
    body, *, header: list[str], loop: str, cells: list[list[str]], widths: tuple[float, ...]
) -> None:
    table = body.add_table(rows=4, cols=len(header))
    table.style = body.styles["Table Grid"]
    _column_widths(table, widths)
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
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.style = body.styles["Table Text"]


def _column_widths(table, fractions: tuple[float, ...]) -> None:
    """Fixed columns, `fractions` of the text width: Word and LibreOffice lay them out alike
    (autofit would split the width evenly, and wrap the agencies' names)."""
    twips = [round(TEXT_WIDTH_TWIPS * f) for f in fractions]
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(sum(twips)))
    width.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, value in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        column.set(qn("w:w"), str(value))
    for row in table.rows:
        for cell, value in zip(row.cells, twips, strict=True):
            tc_w = cell._tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:w"), str(value))
            tc_w.set(qn("w:type"), "dxa")


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


def _drop_part_relationships(part, reltype: str) -> None:
    rels = part.rels
    for rId in [rId for rId, rel in rels.items() if rel.reltype == reltype]:
        rels.pop(rId)


def _drop_package_relationships(package, reltype: str) -> None:
    rels = package.rels
    for rId in [rId for rId, rel in rels.items() if rel.reltype == reltype]:
        rels.pop(rId)
        rels.related_parts.pop(rId, None)


if __name__ == "__main__":
    sys.stdout.write(f"Wrote {build()}\n")
