"""The golden file is the seeds' word: each value is found in its seed, on the page it names."""

import re
from pathlib import Path

import pytest
import yaml

GOLDEN_PATH = Path(__file__).parent / "golden" / "annual_reports.yaml"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _plain(text: str) -> str:
    """Seed text without its link markup and layout: what a reader of the PDF sees."""
    text = re.sub(r"<[^>]+>", "", text)  # <a href="#">, <b>
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)  # [title](#)
    text = text.replace("\\(", "(").replace("\\)", ")").replace("**", "").replace("*", "")
    return " ".join(text.split())


def _contents(text: str) -> str:
    """The seed's table of contents as 'Heading 3 Heading 4 ...', dot leaders removed."""
    body = text[text.index("Table of Contents") : text.index("Executive Summary\n\n")]
    return " ".join(re.sub(r"\.{3,}", " ", _plain(body)).split())


def _reports():
    golden = yaml.safe_load(GOLDEN_PATH.read_text())
    for year, report in golden["reports"].items():
        path = SEEDS / report["seed"]
        if not path.is_file():
            pytest.skip(f"The seeds are not at {SEEDS} (../shared/seeds beside the project).")
        yield year, report, path.read_text()


def _texts(report: dict) -> list[str]:
    texts = [report["title"]]
    texts += [s["heading"] for s in report["sections"]]
    texts += [s["heading"] for s in report["outlook"]["subsections"]]
    texts += [report["webnews"]["heading"], *report["webnews"]["items"]]
    texts += [report["publications"]["heading"]]
    texts += [i["text"] for i in report["publications"]["items"]]
    for row in report["members"]["rows"]:
        texts += [row["country"], *row["agencies"]]
    for group in report["working_groups"]["groups"]:
        texts += [group["heading"], group["mandate"]]
    texts += [g["seed_says"] for g in report["working_groups"].get("absorbed_during_year", [])]
    return texts


def test_every_golden_text_is_in_its_seed():
    for year, report, seed in _reports():
        plain = _plain(seed)
        for text in _texts(report):
            assert " ".join(text.split()) in plain, f"{year}: {text!r} not in {report['seed']}"


def test_every_golden_page_is_the_one_in_the_seeds_contents():
    for year, report, seed in _reports():
        contents = _contents(seed)
        entries = [*report["sections"], *report["outlook"]["subsections"]]
        entries += [report["webnews"], report["publications"], report["members"]]
        entries += report["working_groups"]["groups"]
        for entry in entries:
            assert f"{entry['heading']} {entry['page']}" in contents, f"{year}: {entry}"


def test_member_counts_are_the_rows_of_the_seed():
    for year, report, _ in _reports():
        rows = report["members"]["rows"]
        assert sum(len(r["agencies"]) for r in rows) == report["members"]["count"], year
    counts = {year: r["members"]["count"] for year, r, _ in _reports()}
    assert counts == {2024: 27, 2025: 28}
