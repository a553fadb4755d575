"""A revision's text: the paragraphs of a DOCX, an ODT and a PDF in reading order, and every
hostile or broken file refused with a message (zip bombs, lying sizes, entity expansion, too
many pages or characters, truncation, passwords)."""

import io
import re
import unicodedata
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.oxml import parse_xml
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from apps.core.errors import ApplicationError
from apps.documents.files import DOCX, ODT, PDF
from apps.documents.text import extract_paragraphs, extract_text

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


# --- building the files ---


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def roadmap_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Global Exploration Roadmap", level=1)
    document.add_paragraph("The  roadmap\tsets out\n the agencies' shared goals.")
    document.add_paragraph("")
    document.add_paragraph("   ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Agency"
    table.cell(0, 1).text = "Mission"
    table.cell(1, 0).text = "NASA"
    table.cell(1, 1).text = "Artemis"
    document.add_heading("Next steps", level=2)
    document.add_paragraph("Review at the plenary.")
    return saved(document)


def replaced_member(package: bytes, name: str, data: bytes) -> bytes:
    """`package` with member `name` holding `data` (the others copied as they were)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, data if info.filename == name else source.read(info))
    return out.getvalue()


CONTENT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:body><office:text>
{body}
</office:text></office:body></office:document-content>"""

ROADMAP_ODT_BODY = """
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
  <text:p>Deleted long ago.</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:sequence-decls/>
<text:h text:outline-level="1">Global <text:span>Exploration</text:span> Roadmap</text:h>
<text:p>The<text:s text:c="3"/>roadmap<text:tab/>sets out<text:line-break/>the goals.<text:note
  text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>
  <text:p>A footnote.</text:p></text:note-body></text:note> <office:annotation>
  <dc:creator>Ann</dc:creator><text:p>A comment.</text:p></office:annotation>Agreed in 2024.
</text:p>
<text:p/>
<text:list><text:list-item><text:p>First <text:a>item</text:a></text:p></text:list-item>
  <text:list-item><text:p>Second item</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Agency</text:p></table:table-cell>
  <table:table-cell><text:p>Mission</text:p></table:table-cell></table:table-row>
  <table:table-row><table:table-cell><text:p>ESA</text:p></table:table-cell>
  <table:covered-table-cell/></table:table-row></table:table>
<text:soft-page-break/>
<text:p>Review at the plenary.</text:p>
"""


def odt_bytes(content: str | bytes, *, manifest: str = "", mimetype: bytes = ODT.encode()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        # The mimetype first and stored, as the OpenDocument packaging says.
        package.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content)
        package.writestr("META-INF/manifest.xml", manifest or "<manifest/>")
    return out.getvalue()


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """One page per list; a heading in bold, then each paragraph wrapped and spaced apart."""
    pdf = FPDF()
    for paragraphs in pages:
        pdf.add_page()
        heading, *body = paragraphs
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 8, heading)
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        for text in body:
            pdf.multi_cell(0, 5, text)
            pdf.ln(3)
    return bytes(pdf.output())


def raw_pdf(content: bytes) -> bytes:
    """A one-page PDF whose content stream is `content`, in Helvetica as /F1."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


LONG = "The ISECG roadmap describes exploration goals shared by the member agencies. " * 3


def refusal(data: bytes, content_type: str) -> str:
    with pytest.raises(ApplicationError) as caught:
        extract_paragraphs(data, content_type)
    assert caught.value.code == "invalid"
    return caught.value.message


# --- reading ---


def test_docx_paragraphs_in_order_with_headings_and_table_cells():
    assert extract_paragraphs(roadmap_docx(), DOCX) == [
        "Global Exploration Roadmap",
        "The roadmap sets out the agencies' shared goals.",
        "Agency",
        "Mission",
        "NASA",
        "Artemis",
        "Next steps",
        "Review at the plenary.",
    ]


def test_docx_reads_content_controls_tracked_insertions_and_text_boxes_once():
    document = docx.Document()
    body = document.element.body
    body.append(
        parse_xml(
            f'<w:sdt {W_NS}><w:sdtPr><w:alias w:val="Cover"/></w:sdtPr><w:sdtContent>'
            "<w:p><w:r><w:t>Cover title</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    body.append(
        parse_xml(
            f"<w:p {W_NS}><w:r><w:t>Goals </w:t></w:r>"
            '<w:ins w:id="1" w:author="A"><w:r><w:t>now </w:t></w:r></w:ins>'
            '<w:del w:id="2" w:author="A"><w:r><w:delText>then </w:delText></w:r></w:del>'
            "<w:r><w:t>agreed</w:t><w:noBreakHyphen/><w:t>upon</w:t></w:r></w:p>"
        )
    )
    body.append(
        parse_xml(
            f'<w:p {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
            ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
            "<wps:txbx><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent>"
            "</wps:txbx></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t>"
            "</w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        )
    )
    assert extract_paragraphs(saved(document), DOCX) == [
        "Cover title",
        "Goals now agreed-upon",
        "Anchor",
        "Boxed note",
    ]


def test_odt_paragraphs_without_notes_comments_or_deleted_text():
    assert extract_paragraphs(odt_bytes(CONTENT_XML.format(body=ROADMAP_ODT_BODY)), ODT) == [
        "Global Exploration Roadmap",
        "The roadmap sets out the goals. Agreed in 2024.",
        "First item",
        "Second item",
        "Agency",
        "Mission",
        "ESA",
        "Review at the plenary.",
    ]


def test_pdf_lines_joined_into_paragraphs_spaced_apart_on_each_page():
    paragraphs = extract_paragraphs(
        pdf_bytes(
            [
                ["1. Introduction", f"First. {LONG}", "Short one.", "Short two."],
                ["2. Goals", f"Second. {LONG}"],
            ]
        ),
        PDF,
    )
    assert paragraphs == [
        "1. Introduction",
        f"First. {LONG}".strip(),
        "Short one.",
        "Short two.",
        "2. Goals",
        f"Second. {LONG}".strip(),
    ]


def test_extract_text_joins_paragraphs_with_blank_lines_and_takes_file_objects():
    upload = SimpleUploadedFile("r.docx", roadmap_docx(), content_type=DOCX)
    upload.read(10)  # wherever the file was left, it is read from its start
    text = extract_text(upload, DOCX)
    assert text.startswith("Global Exploration Roadmap\n\nThe roadmap sets out")
    assert text.count("\n\n") == 7


def test_control_and_invisible_characters_removed():
    document = docx.Document()
    # XML 1.0 holds DELETE, the C1 controls and the soft hyphen; C0 controls come via PDFs.
    document.add_paragraph("Lunar\x7f gate\x85way\x9b so\xadft\xa0\u2003landing ")
    assert extract_paragraphs(saved(document), DOCX) == ["Lunar gateway soft landing"]
    pdf = raw_pdf(b"BT /F1 12 Tf 72 700 Td (Mars\x01\x02 sample\x07 return\x1b) Tj ET")
    [text] = extract_paragraphs(pdf, PDF)
    assert text == "Mars sample return"
    assert not any(unicodedata.category(char) == "Cc" for char in text)


def test_pdf_with_an_owner_password_only_is_read():
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Open to read", "Body text."]])))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert extract_paragraphs(out.getvalue(), PDF) == ["Open to read", "Body text."]


def test_unknown_content_type_refused():
    message = refusal(b"hello", "text/plain")
    assert "text/plain" in message and ".docx" in message


# --- hostile and broken files ---


def test_zip_bomb_refused_by_its_declared_size_before_reading():
    real = zipfile.ZipFile(io.BytesIO(roadmap_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in real.infolist():
            if info.filename != "word/document.xml":
                package.writestr(info, real.read(info))
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<w:p/>" * (1024 * 1024 // 6)
            for _ in range(260):  # about 260 MB unpacked, 250 KB packed
                member.write(chunk)
    bomb = out.getvalue()
    assert len(bomb) < 2 * 1024 * 1024
    message = refusal(bomb, DOCX)
    assert re.search(r"unpacks to 26\d MB", message) and "at most 200 MB" in message


def test_member_compressed_far_past_any_document_refused():
    bomb = replaced_member(roadmap_docx(), "word/document.xml", b" " * (20 * 1024 * 1024))
    message = refusal(bomb, DOCX)
    assert "'word/document.xml'" in message and "to 1" in message
    odt_bomb = odt_bytes(CONTENT_XML.format(body=" " * (20 * 1024 * 1024)))
    assert "'content.xml'" in refusal(odt_bomb, ODT)


def test_member_longer_than_it_declares_is_not_read_past_its_declared_size():
    """The sizes checked are the declared ones: a member that lies about its size is cut at
    that size by zipfile, which then fails its checksum."""
    real = roadmap_docx()
    document_xml = zipfile.ZipFile(io.BytesIO(real)).read("word/document.xml")
    padded = document_xml.replace(b"</w:body>", b"<w:p/>" * 200_000 + b"</w:body>")
    package = bytearray(replaced_member(real, "word/document.xml", padded))
    info = zipfile.ZipFile(io.BytesIO(bytes(package))).getinfo("word/document.xml")
    central = package.rindex(b"PK\x01\x02", 0, package.index(b"PK\x05\x06"))
    while package[central + 46 : central + 46 + len(b"word/document.xml")] != b"word/document.xml":
        central = package.rindex(b"PK\x01\x02", 0, central)
    declared = len(document_xml).to_bytes(4, "little")
    package[central + 24 : central + 28] = declared  # central directory's uncompressed size
    package[info.header_offset + 22 : info.header_offset + 26] = declared  # local header's
    assert "its word/document.xml is damaged" in refusal(bytes(package), DOCX)


def test_main_part_too_large_to_parse_refused(settings):
    settings.REVISION_TEXT_MAX_XML_MB = 0
    assert "REVISION_TEXT_MAX_XML_MB" in refusal(roadmap_docx(), DOCX)
    odt = odt_bytes(CONTENT_XML.format(body=ROADMAP_ODT_BODY))
    assert "MB of XML in content.xml" in refusal(odt, ODT)


def test_too_many_parts_refused(settings):
    settings.REVISION_TEXT_MAX_ZIP_MEMBERS = 3
    assert "REVISION_TEXT_MAX_ZIP_MEMBERS" in refusal(roadmap_docx(), DOCX)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + "]>"
)


@pytest.mark.parametrize(
    ("entity", "why"),
    [("&lol9;", "entity amplification"), ("&xxe;", "declares an XML document type")],
)
def test_entity_expansion_and_external_entities_refused(entity, why):
    """libxml2 refuses a billion laughs outright; a DTD that parses is refused by us."""
    declarations = (
        BILLION_LAUGHS
        if entity == "&lol9;"
        else '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    )
    document_xml = (
        f"{declarations}<w:document {W_NS}><w:body><w:p><w:r><w:t>{entity}</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    hostile_docx = replaced_member(roadmap_docx(), "word/document.xml", document_xml.encode())
    assert why in refusal(hostile_docx, DOCX)
    content = declarations + CONTENT_XML.split("?>", 1)[1].format(body=f"<text:p>{entity}</text:p>")
    assert why in refusal(odt_bytes(content), ODT)


def test_pdf_over_the_page_limit_refused(settings):
    settings.REVISION_TEXT_MAX_PAGES = 3
    pages = [[f"Page {n}", "Text."] for n in range(4)]
    assert extract_paragraphs(pdf_bytes(pages[:3]), PDF)[0] == "Page 0"
    message = refusal(pdf_bytes(pages), PDF)
    assert "4 pages" in message and "at most 3" in message


def test_too_much_text_refused(settings):
    settings.REVISION_TEXT_MAX_CHARS = 100
    assert "more than 100 characters" in refusal(roadmap_docx(), DOCX)
    assert "REVISION_TEXT_MAX_CHARS" in refusal(pdf_bytes([["Heading", LONG]]), PDF)
    odt = odt_bytes(CONTENT_XML.format(body=ROADMAP_ODT_BODY))
    assert "more than 100 characters" in refusal(odt, ODT)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (DOCX, roadmap_docx()),
        (ODT, odt_bytes(CONTENT_XML.format(body=ROADMAP_ODT_BODY))),
        (PDF, pdf_bytes([["Heading", LONG], ["Second page", LONG]])),
    ],
    ids=["docx", "odt", "pdf"],
)
def test_truncated_and_corrupt_files_refused(content_type, data):
    assert "could not be read" in refusal(data[: len(data) // 2], content_type)
    assert "could not be read" in refusal(b"\x00garbage" * 100, content_type)
    # A file of another kind sent as this one.
    other = pdf_bytes([["Heading"]]) if content_type != PDF else roadmap_docx()
    assert "could not be read" in refusal(other, content_type)


def test_odt_with_broken_content_xml_refused():
    message = refusal(odt_bytes(CONTENT_XML.format(body="<text:p>unclosed")), ODT)
    assert "content.xml is not well-formed" in message


def test_password_protected_files_refused():
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Secret", "Body."]])))
    writer.encrypt(user_password="reader-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).is_encrypted
    assert "protected with a password" in refusal(out.getvalue(), PDF)
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    odt = odt_bytes(b"\x8f\x12 ciphertext", manifest=manifest)
    assert "protected with a password" in refusal(odt, ODT)
