"""The readable text of a revision's file (DOCX, ODT, PDF): its paragraphs, in reading order.

What search indexes and what the revision diff compares. Files come from people, so every
reader is bounded before it spends memory: a zip's declared sizes and compression ratios are
checked before any member is read (zipfile stops each member at its declared size), XML is
parsed without entity expansion, and pages and characters are counted as they are read. A
file past a bound, corrupt or password-protected is refused with an ApplicationError.
"""

import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from lxml import etree
from pypdf import PasswordType, PdfReader

from apps.core.errors import ApplicationError
from apps.core.text import xml_safe

from .files import ACCEPTED, ACCEPTED_LIST, DOCX, ODT, PDF

# Defaults of the bounds; each can be set in settings under its REVISION_TEXT_ name.
MAX_PAGES = 2000  # REVISION_TEXT_MAX_PAGES: a PDF's pages
MAX_CHARS = 20_000_000  # REVISION_TEXT_MAX_CHARS: the text read, about 10,000 pages of prose
MAX_UNZIPPED_MB = 200  # REVISION_TEXT_MAX_UNZIPPED_MB: all of a DOCX's or ODT's members unpacked
MAX_ZIP_MEMBERS = 10_000  # REVISION_TEXT_MAX_ZIP_MEMBERS
# REVISION_TEXT_MAX_XML_MB: the one XML part whose text is read, parsed whole. lxml's tree takes
# about 5 times the XML; 200 pages of Word are 2.5 MB of it.
MAX_XML_MB = 64
# REVISION_TEXT_MAX_ZIP_RATIO: Word's and LibreOffice's XML packs 5 to 30 to 1; deflate's
# ceiling is about 1,000 to 1, which is what bombs use. Members under 1 MB are too small to harm.
MAX_ZIP_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024


def _limit(name: str, default: int) -> int:
    return getattr(settings, f"REVISION_TEXT_{name}", default)


def extract_text(file: BinaryIO | bytes, content_type: str) -> str:
    """The revision's text as search indexes it: its paragraphs separated by blank lines."""
    return "\n\n".join(extract_paragraphs(file, content_type))


def extract_paragraphs(file: BinaryIO | bytes, content_type: str) -> list[str]:
    """The non-empty paragraphs of a DOCX, ODT or PDF in reading order (headings, body text,
    each table cell's paragraphs), whitespace collapsed and control characters removed."""
    readers: dict[str, Callable[[BinaryIO, _Budget], list[str]]] = {
        DOCX: _docx_paragraphs,
        ODT: _odt_paragraphs,
        PDF: _pdf_paragraphs,
    }
    if content_type not in readers:
        raise ApplicationError(
            f"Text can be read from {ACCEPTED_LIST}, not from a file of type {content_type}."
        )
    stream = io.BytesIO(file) if isinstance(file, bytes | bytearray | memoryview) else file
    stream.seek(0)
    return readers[content_type](stream, _Budget(ACCEPTED[content_type][1]))


# C1 controls, DELETE and the soft hyphen print as nothing; xml_safe removes the C0 controls.
_INVISIBLE = re.compile("[\x7f-\x9f\xad]")


def _normalised(text: str) -> str:
    # Most paragraphs are printable (no control, format or separator but the space): the
    # check is much cheaper than cleaning and splitting every one of 10,000.
    if text.isprintable():
        text = text.strip(" ")
        return " ".join(text.split()) if "  " in text else text
    return " ".join(_INVISIBLE.sub("", xml_safe(text)).split())


class _Budget:
    """Collects paragraphs, refusing the file once its text passes MAX_CHARS."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.limit = _limit("MAX_CHARS", MAX_CHARS)
        self.used = 0

    def kept(self, raw: list[str]) -> list[str]:
        paragraphs = [text for text in map(_normalised, raw) if text]
        self.used += sum(len(text) for text in paragraphs)
        if self.used > self.limit:
            raise ApplicationError(
                f"The file ({self.kind}) holds more than {self.limit:,} characters of text "
                "(REVISION_TEXT_MAX_CHARS), more than any ISECG product. Check that it is the "
                "document you meant, or split it."
            )
        return paragraphs

    def unreadable(self, why: str = "") -> ApplicationError:
        return ApplicationError(
            f"The file could not be read as {self.kind}{f' ({why})' if why else ''}: it may be "
            "damaged or incomplete. Open it in your word processor, save or export it again, "
            "and send the new copy."
        )

    def protected(self) -> ApplicationError:
        return ApplicationError(
            f"The file ({self.kind}) is protected with a password, so its text cannot be "
            "read. Remove the password (or export an unprotected copy) and send that."
        )


# --- zip packages (DOCX, ODT) ---


def _checked_zip(stream: BinaryIO, budget: _Budget) -> zipfile.ZipFile:
    """The package, once its declared sizes are within bounds: zipfile never inflates a member
    past its declared size (it fails the CRC instead), so checking them bounds the reading."""
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise budget.unreadable("it is not a zip package") from exc
    members = package.infolist()
    if len(members) > _limit("MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS):
        raise ApplicationError(
            f"The file ({budget.kind}) is a package of {len(members):,} parts; a document has "
            f"at most {_limit('MAX_ZIP_MEMBERS', MAX_ZIP_MEMBERS):,} "
            "(REVISION_TEXT_MAX_ZIP_MEMBERS). Save it again from your word processor."
        )
    cap_mb = _limit("MAX_UNZIPPED_MB", MAX_UNZIPPED_MB)
    total = sum(member.file_size for member in members)
    if total > cap_mb * 1024 * 1024:
        raise ApplicationError(
            f"The file ({budget.kind}) unpacks to {total / 1024 / 1024:,.0f} MB; a revision may "
            f"unpack to at most {cap_mb} MB (REVISION_TEXT_MAX_UNZIPPED_MB). Remove embedded "
            "videos or large images, or send a PDF."
        )
    ratio_cap = _limit("MAX_ZIP_RATIO", MAX_ZIP_RATIO)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= _RATIO_FROM_BYTES and ratio > ratio_cap:
            raise ApplicationError(
                f"The file ({budget.kind}) has a part, {member.filename!r}, compressed "
                f"{ratio:,.0f} to 1, where documents reach at most {ratio_cap} to 1 "
                "(REVISION_TEXT_MAX_ZIP_RATIO): it is built to exhaust whoever unpacks it. "
                "Save the document again from your word processor."
            )
    return package


# No DTD loaded, no entity expanded, nothing fetched; lxml's own depth and size caps kept.
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
)


def _read_part(package: zipfile.ZipFile, name: str, budget: _Budget) -> bytes:
    try:
        return package.read(name)
    except KeyError as exc:
        raise budget.unreadable(f"it has no {name}") from exc
    except RuntimeError as exc:  # zipfile's "File is encrypted, password required"
        raise budget.protected() from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise budget.unreadable(f"its {name} is damaged") from exc


def _parsed_part(package: zipfile.ZipFile, name: str, budget: _Budget) -> etree._Element:
    cap_mb = _limit("MAX_XML_MB", MAX_XML_MB)
    size = next((m.file_size for m in package.infolist() if m.filename == name), 0)
    if size > cap_mb * 1024 * 1024:
        raise ApplicationError(
            f"The file ({budget.kind}) holds {size / 1024 / 1024:,.0f} MB of XML in {name}; "
            f"at most {cap_mb} MB can be read (REVISION_TEXT_MAX_XML_MB), which is thousands "
            "of pages. Check that it is the document you meant, or split it."
        )
    try:
        root = etree.fromstring(_read_part(package, name, budget), _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:  # libxml2 refuses entity bombs here too
        raise budget.unreadable(f"its {name} is not well-formed: {exc.msg}") from exc
    # Word and LibreOffice never write a DOCTYPE: one is there to declare entities.
    if root.getroottree().docinfo.internalDTD is not None:
        raise ApplicationError(
            f"The file ({budget.kind}) declares an XML document type in {name}, which no word "
            "processor writes; it can be made to expand without bound, so it is refused. Save "
            "the document again from your word processor."
        )
    return root


# --- DOCX ---

# Only the main part is read (not styles, headers or images): the package's relationships
# name it, as Open Packaging Conventions say. python-docx would load and parse every part,
# and its Document.paragraphs misses content controls, tracked insertions and text boxes.
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN_PART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T, _W_HYPHEN = f"{_W}p", f"{_W}t", f"{_W}noBreakHyphen"
# Deleted text is in w:delText and field codes in w:instrText: neither is read.
_W_TEXT = (_W_P, _W_T, _W_HYPHEN, *(f"{_W}{name}" for name in ("tab", "ptab", "br", "cr")))
# A Fallback repeats its AlternateContent's Choice: a text box's text would come twice.
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_paragraphs(stream: BinaryIO, budget: _Budget) -> list[str]:
    with _checked_zip(stream, budget) as package:
        relationships = _parsed_part(package, "_rels/.rels", budget)
        main = next(
            (
                rel.get("Target", "").lstrip("/")
                for rel in relationships.iter(_RELATIONSHIP)
                if rel.get("Type") == _MAIN_PART
            ),
            "",
        )
        if not main:
            raise budget.unreadable("it has no main document part")
        body = _parsed_part(package, main, budget).find(f"{_W}body")
    if body is None:
        raise budget.unreadable("it has no document body")
    repeated = {e for fallback in body.iter(_MC_FALLBACK) for e in fallback.iter(*_W_TEXT)}
    # One pass in document order; each piece goes to its nearest paragraph, so a text box's
    # paragraphs (inside their anchor's) follow the anchor. Dicts keep insertion order.
    pieces: dict[etree._Element, list[str]] = {}
    for element in body.iter(*_W_TEXT):
        if element in repeated:
            continue
        if element.tag == _W_P:
            pieces[element] = []
            continue
        paragraph = element.getparent()
        while paragraph is not None and paragraph.tag != _W_P:
            paragraph = paragraph.getparent()
        if paragraph is not None:
            tag = element.tag
            piece = (element.text or "") if tag == _W_T else "-" if tag == _W_HYPHEN else " "
            pieces[paragraph].append(piece)
    return budget.kept(["".join(parts) for parts in pieces.values()])


# --- ODT ---

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODT_PARAGRAPHS = {f"{_TEXT}p", f"{_TEXT}h"}
_ODT_SPACES = {f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"}
# Notes and comments are not the body's text; tracked changes hold deleted text; an index's
# source holds its templates (its body, the entries, is read).
_ODT_SKIP = {
    *(f"{_TEXT}{name}" for name in ("note", "tracked-changes", "sequence-decls")),
    *(f"{_OFFICE}{name}" for name in ("annotation", "forms")),
}
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"


def _odt_paragraphs(stream: BinaryIO, budget: _Budget) -> list[str]:
    with _checked_zip(stream, budget) as package:
        names = set(package.namelist())
        mimetype = _read_part(package, "mimetype", budget) if "mimetype" in names else b""
        if mimetype.strip() != ODT.encode():
            raise budget.unreadable("it is not an OpenDocument text")
        manifest = "META-INF/manifest.xml"
        if manifest in names and b"encryption-data" in _read_part(package, manifest, budget):
            raise budget.protected()
        root = _parsed_part(package, "content.xml", budget)
    paragraphs: list[str] = []
    for text in root.iter(f"{_OFFICE}text"):
        _odt_walk(text, paragraphs, None)
    return budget.kept(paragraphs)


def _odt_skipped(tag: str) -> bool:
    index_source = tag.startswith(_TEXT) and tag.endswith("-source")
    return tag in _ODT_SKIP or index_source or tag.startswith(_SVG)


def _odt_walk(element, paragraphs: list[str], pieces: list[str] | None) -> None:
    # ODF is mixed content: a span's text, then its children, each followed by its tail.
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or _odt_skipped(tag):
            pass
        elif tag in _ODT_PARAGRAPHS:
            slot = len(paragraphs)
            paragraphs.append("")
            own = [child.text or ""]
            _odt_walk(child, paragraphs, own)
            paragraphs[slot] = "".join(own)
        elif tag in _ODT_SPACES:
            if pieces is not None:
                pieces.append(" ")
        else:
            if pieces is not None and child.text:
                pieces.append(child.text)
            _odt_walk(child, paragraphs, pieces)
        if pieces is not None and child.tail:
            pieces.append(child.tail)


# --- PDF ---

# PDFs keep no paragraphs, but their layout spaces them apart: a line further below the last
# than this many line spacings starts a new one. The page's line spacing is its lower quartile
# of gaps (most gaps are within paragraphs), and at most this many font sizes (a page of
# one-line paragraphs has no gap within one).
_PARAGRAPH_GAP = 1.3
_LINE_SPACING_MAX = 1.3


def _pdf_paragraphs(stream: BinaryIO, budget: _Budget) -> list[str]:
    try:
        reader = PdfReader(stream)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            # Only a PDF that opens without a password (its owner password limits printing
            # or copying) can be read.
            raise budget.protected()
        pages = len(reader.pages)
    except ApplicationError:
        raise
    except Exception as exc:  # pypdf raises many kinds on malformed input
        raise budget.unreadable() from exc
    cap = _limit("MAX_PAGES", MAX_PAGES)
    if pages > cap:
        raise ApplicationError(
            f"The PDF has {pages:,} pages; a revision may have at most {cap:,} "
            "(REVISION_TEXT_MAX_PAGES). Check that it is the document you meant, or split it."
        )
    paragraphs: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        lines: list[_Line] = [_Line()]
        try:
            page.extract_text(visitor_text=_line_collector(lines))
        except Exception as exc:
            raise budget.unreadable(f"page {number} cannot be read") from exc
        paragraphs.extend(budget.kept(_pdf_page_paragraphs(lines)))
    return paragraphs


class _Line:
    __slots__ = ("size", "text", "y")

    def __init__(self) -> None:
        self.text = ""
        self.y: float | None = None
        self.size = 0.0


def _line_collector(lines: list["_Line"]):
    """pypdf's visitor: its text as lines, each with its baseline and font size."""

    def visit(text, cm, tm, font_dict, font_size) -> None:
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append(_Line())
            if part:
                line = lines[-1]
                if line.y is None and part.strip():
                    # The text matrix times the current transformation matrix: page space.
                    line.y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                    line.size = font_size * abs(tm[3] * cm[3]) or font_size
                line.text += part

    return visit


def _pdf_page_paragraphs(lines: list[_Line]) -> list[str]:
    placed = [line for line in lines if line.y is not None]
    gaps = [above.y - below.y for above, below in itertools.pairwise(placed)]
    positive = sorted(gap for gap in gaps if gap > 0)
    spacing = positive[len(positive) // 4] if positive else 0.0
    paragraphs: list[list[str]] = []
    previous: _Line | None = None
    for line in placed:
        if previous is None or _starts_paragraph(previous, line, spacing):
            paragraphs.append([])
        paragraphs[-1].append(line.text.strip())
        previous = line
    return [_joined_lines(parts) for parts in paragraphs]


def _starts_paragraph(previous: _Line, line: _Line, spacing: float) -> bool:
    gap = previous.y - line.y
    spacing = min(spacing, _LINE_SPACING_MAX * line.size) if line.size else spacing
    if gap <= 0 or gap > _PARAGRAPH_GAP * spacing:  # spaced apart, or a new column
        return True
    return abs(previous.size - line.size) > 0.5  # a heading and its text


def _joined_lines(parts: list[str]) -> str:
    text = ""
    for part in parts:
        # A word broken at the line's end; the hyphen stays, as it may be a compound's.
        if text.endswith("-") and part[:1].islower():
            text += part
        else:
            text = f"{text} {part}" if text else part
    return text
