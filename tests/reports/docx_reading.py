"""Reads a drafted DOCX back the way a person would: headings by Word style, lists, tables."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class Part:
    kind: str  # "heading", "paragraph" or "table"
    text: str = ""
    style: str = ""
    level: int = 0
    rows: list[list[list[str]]] = field(default_factory=list)  # rows -> cells -> paragraphs


def read_docx(path: str | Path) -> list[Part]:
    parts = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Paragraph):
            text = " ".join(block.text.split())
            if not text:
                continue
            style = block.style.name
            heading = re.fullmatch(r"Heading (\d)", style)
            if heading:
                parts.append(Part("heading", text, style, level=int(heading.group(1))))
            else:
                parts.append(Part("paragraph", text, style))
        elif isinstance(block, Table):
            rows = [
                [
                    [" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()]
                    for cell in r.cells
                ]
                for r in block.rows
            ]
            parts.append(Part("table", rows=rows))
    return parts


def headings(parts: list[Part], level: int) -> list[str]:
    return [p.text for p in parts if p.kind == "heading" and p.level == level]


def under(parts: list[Part], text: str, level: int) -> list[Part]:
    """The parts after the heading `text` of `level`, up to the next heading as high or higher."""
    start = next(
        i
        for i, p in enumerate(parts)
        if p.kind == "heading" and p.level == level and p.text == text
    )
    rest = []
    for part in parts[start + 1 :]:
        if part.kind == "heading" and part.level <= level:
            break
        rest.append(part)
    return rest


def sub_sections(parts: list[Part], level: int) -> dict[str, list[Part]]:
    """Heading text of `level` -> the parts under it, for a slice of the document."""
    sections: dict[str, list[Part]] = {}
    current = None
    for part in parts:
        if part.kind == "heading" and part.level <= level:
            current = part.text if part.level == level else None
            if current is not None:
                sections[current] = []
        elif current is not None:
            sections[current].append(part)
    return sections
