"""A revision's text and diff at 200 pages: wall time and peak memory against reading it once.

    .venv/bin/python bench/revision_text.py [--runs 3] [--paragraphs 10000] [--out FILE]

Generates a DOCX of --paragraphs paragraphs (about 50 a page: 200 pages, headings and a table
every 500) and a PDF of the same text cut at 200 pages, and second versions of both with 2% of
the paragraphs edited, deleted or inserted. Each step runs in a fresh process, --runs times;
medians. Goals: extraction and diff within 3x of reading the file once (DOCX: unzip and parse
word/document.xml with lxml; PDF: pypdf's own text of every page, the extraction's floor, and
for orientation opening it and counting pages); peak RSS under 200 MB. Prints a Markdown
section (and writes it to --out, or into BENCHMARKS.md with --benchmarks).
"""

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
PDF_PAGES = 200
CHANGED = 0.02
RATIO_GOAL, MEMORY_GOAL_MB = 3.0, 200
VOCABULARY = (
    "exploration lunar surface gateway mission agency roadmap crew cargo habitat orbit mars "
    "sample return robotic precursor science technology demonstration partnership logistics "
    "power communication navigation landing ascent reusable international coordination group "
    "strategy objective capability architecture timeline review plenary consensus deliverable"
)
WORDS = VOCABULARY.split()


# --- the documents ---


def paragraphs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        if n % 50 == 0:
            out.append(f"{n // 50 + 1}. {' '.join(rng.choices(WORDS, k=4)).title()}")
        else:
            sentence = " ".join(rng.choices(WORDS, k=rng.randint(12, 40)))
            out.append(f"{sentence.capitalize()}.")
    return out


def revised(old: list[str], seed: int) -> list[str]:
    """`old` with CHANGED of its paragraphs edited (60%), deleted (20%) or preceded by a new one."""
    rng = random.Random(seed)
    touched = set(rng.sample(range(len(old)), int(len(old) * CHANGED)))
    new = []
    for index, text in enumerate(old):
        if index not in touched:
            new.append(text)
            continue
        roll = rng.random()
        if roll < 0.6:
            words = text.split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            new.append(" ".join(words))
        elif roll < 0.8:
            continue
        else:
            new.extend([f"Inserted: {' '.join(rng.choices(WORDS, k=20))}.", text])
    return new


def docx_file(texts: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    for index, text in enumerate(texts):
        if index % 50 == 0:
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
        if index % 500 == 499:
            table = document.add_table(rows=3, cols=3)
            for row, cells in enumerate(table.rows):
                for column, cell in enumerate(cells.cells):
                    cell.text = f"Row {row} column {column}"
    document.save(path)


def pdf_file(texts: list[str], path: Path) -> int:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for index, text in enumerate(texts):
        if index % 50 == 0:
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 7, text)
            pdf.set_font("Helvetica", size=10)
        else:
            pdf.multi_cell(0, 4.5, text)
        pdf.ln(2)
        if pdf.page_no() >= PDF_PAGES and pdf.get_y() > 250:
            break
    pdf.output(str(path))
    return pdf.page_no()


# --- the measured steps, each in its own process ---


def child(step: str, paths: list[str]) -> None:
    from django.conf import settings

    settings.configure()
    from lxml import etree
    from pypdf import PdfReader

    from apps.documents.diff import diff_html, paragraph_diff
    from apps.documents.text import extract_paragraphs

    kind = DOCX if paths[0].endswith(".docx") else PDF
    extracted = [extract_paragraphs(Path(p).read_bytes(), kind) for p in paths[1:3]]
    before = high_water_mb()
    started = time.perf_counter()
    result = None
    if step == "docx-xml":
        with zipfile.ZipFile(paths[0]) as package:
            xml = package.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False)
        result = len(etree.fromstring(xml, parser))
    elif step == "pdf-open":
        result = len(PdfReader(io.BytesIO(Path(paths[0]).read_bytes())).pages)
    elif step == "pdf-pypdf-text":
        reader = PdfReader(io.BytesIO(Path(paths[0]).read_bytes()))
        result = sum(len(page.extract_text()) for page in reader.pages)
    elif step == "extract":
        result = len(extract_paragraphs(Path(paths[0]).read_bytes(), kind))
    elif step == "diff":
        result = len(paragraph_diff(*extracted))
    elif step == "diff-html":
        result = len(diff_html(paragraph_diff(*extracted)))
    seconds = time.perf_counter() - started
    peak = high_water_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "growth_mb": peak - before,
                      "result": result}))  # fmt: skip


def high_water_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux carries that over from the parent through
    fork and exec, so every child would report the generator's peak."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def measure(step: str, *paths: Path) -> dict:
    done = subprocess.run(
        [h.PYTHON, __file__, "--child", step, *map(str, paths)],
        cwd=h.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{step} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1])


def medians(runs: int, step: str, *paths: Path) -> dict:
    results = [measure(step, *paths) for _ in range(runs)]
    return {key: h.median([r[key] for r in results]) for key in ("seconds", "peak_mb", "growth_mb")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--out", type=Path, help="also write the section to this file")
    parser.add_argument("--benchmarks", action="store_true", help="write it into BENCHMARKS.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return

    folder = Path(tempfile.mkdtemp(prefix="revision-text-"))
    old = paragraphs(args.paragraphs, seed=1)
    new = revised(old, seed=2)
    files = {name: folder / name for name in ("v1.docx", "v2.docx", "v1.pdf", "v2.pdf")}
    docx_file(old, files["v1.docx"])
    docx_file(new, files["v2.docx"])
    pages = pdf_file(old, files["v1.pdf"])
    pdf_file(new, files["v2.pdf"])
    sizes = {name: path.stat().st_size / 1024 / 1024 for name, path in files.items()}
    with zipfile.ZipFile(files["v1.docx"]) as package:
        xml_mb = package.getinfo("word/document.xml").file_size / 1024 / 1024

    docx_pair, pdf_pair = (files["v1.docx"], files["v2.docx"]), (files["v1.pdf"], files["v2.pdf"])
    steps = [
        ("DOCX: unzip + lxml parse of word/document.xml (floor)", "docx-xml", files["v1.docx"], ()),
        ("DOCX: extract_paragraphs", "extract", files["v1.docx"], ()),
        ("DOCX: paragraph_diff v1 → v2", "diff", files["v1.docx"], docx_pair),
        ("DOCX: paragraph_diff + diff_html", "diff-html", files["v1.docx"], docx_pair),
        ("PDF: read bytes + page count (orientation)", "pdf-open", files["v1.pdf"], ()),
        ("PDF: pypdf extract_text of every page (floor)", "pdf-pypdf-text", files["v1.pdf"], ()),
        ("PDF: extract_paragraphs", "extract", files["v1.pdf"], ()),
        ("PDF: paragraph_diff v1 → v2", "diff", files["v1.pdf"], pdf_pair),
        ("PDF: paragraph_diff + diff_html", "diff-html", files["v1.pdf"], pdf_pair),
    ]
    results = {}
    for label, step, path, pair in steps:
        results[label] = medians(args.runs, step, path, *pair)
        print(label, results[label], flush=True)
    docx_floor = results[steps[0][0]]["seconds"]
    pdf_floor = results[steps[5][0]]["seconds"]
    pdf_open = results[steps[4][0]]["seconds"]
    rows = []
    for label, *_ in steps:
        floor = docx_floor if label.startswith("DOCX") else pdf_floor
        result = results[label]
        extra = (
            f" ({result['seconds'] / pdf_open:.0f}x opening)" if label.startswith("PDF:") else ""
        )
        rows.append(
            [
                label,
                f"{result['seconds'] * 1000:.0f}",
                f"{result['seconds'] / floor:.2f}{extra}",
                f"{result['peak_mb']:.0f}",
                f"{result['growth_mb']:.1f}",
            ]
        )
    worst = max(
        results[label]["seconds"] / (docx_floor if label.startswith("DOCX") else pdf_floor)
        for label, step, *_ in steps
        if step in ("extract", "diff")
    )
    peak = max(result["peak_mb"] for result in results.values())
    command = f".venv/bin/python bench/revision_text.py --runs {args.runs}"
    if args.paragraphs != 10_000:
        command += f" --paragraphs {args.paragraphs}"
    text = "\n\n".join(
        [
            "### A revision's text and diff",
            f"`{command}`: a DOCX of {args.paragraphs:,} paragraphs (~{args.paragraphs // 50} "
            f"pages; {sizes['v1.docx']:.1f} MB, word/document.xml {xml_mb:.1f} MB unpacked) and "
            f"a PDF of the same text, {pages} pages ({sizes['v1.pdf']:.1f} MB); the second "
            f"versions have {CHANGED:.0%} of the paragraphs edited, deleted or inserted. Each "
            f"step in a fresh process, {args.runs} runs, medians. The diff's peak includes "
            "extracting both versions first (untimed); growth = peak minus the peak before the "
            "step began (imports, and for the diff both extractions).",
            h.table(
                ["step", "wall time (ms)", "x floor", "peak RSS (MB)", "growth in the step (MB)"],
                rows,
            ),
            f"- extraction and diff, worst against their floor: **{worst:.2f}x** "
            f"(goal ≤ {RATIO_GOAL:g}x)\n- peak RSS, worst step: **{peak:.0f} MB** "
            f"(goal < {MEMORY_GOAL_MB} MB)",
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    if args.benchmarks:
        h.write_section("revision-text", text)


if __name__ == "__main__":
    main()
