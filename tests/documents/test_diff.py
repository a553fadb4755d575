"""The revision diff: paragraph operations that rebuild both versions, a word-level diff inside
each edited paragraph, and HTML that escapes every text and summarises unchanged runs."""

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from apps.documents.diff import diff_html, paragraph_diff, word_diff

SAME = [f"Unchanged paragraph {n} about the roadmap." for n in range(20)]


def kinds(ops: list[dict]) -> list[str]:
    return [op["op"] for op in ops]


def test_equal_documents_are_all_equal_ops():
    ops = paragraph_diff(SAME[:3], SAME[:3])
    assert ops == [{"op": "equal", "old": p, "new": p, "words": []} for p in SAME[:3]]


def test_inserted_deleted_and_edited_paragraphs():
    old = ["Title", "The crew lands near the south pole.", "Obsolete paragraph.", "End."]
    new = ["Title", "A new opening paragraph.", "The crew lands at the south pole.", "End."]
    ops = paragraph_diff(old, new)
    assert kinds(ops) == ["equal", "insert", "replace", "delete", "equal"]
    assert ops[1] == {"op": "insert", "old": None, "new": "A new opening paragraph.", "words": []}
    assert ops[3] == {"op": "delete", "old": "Obsolete paragraph.", "new": None, "words": []}
    assert ops[2]["old"] == old[1] and ops[2]["new"] == new[2]
    assert ops[2]["words"] == [
        ("equal", "The crew lands "),
        ("delete", "near"),
        ("insert", "at"),
        ("equal", " the south pole."),
    ]


def test_unrelated_paragraphs_are_deleted_and_inserted_not_paired():
    ops = paragraph_diff(["Budget tables for 2025."], ["Mars sample return schedule."])
    assert kinds(ops) == ["delete", "insert"]


def test_word_diff_keeps_edits_readable():
    """Short equalities between edits fold into them rather than splitting words apart."""
    words = word_diff("The quick brown fox jumps over the lazy dog.", "The slow brown fox leaps.")
    assert ("delete", "quick") in words and ("insert", "slow") in words
    assert "".join(text for op, text in words if op != "insert") == (
        "The quick brown fox jumps over the lazy dog."
    )
    assert "".join(text for op, text in words if op != "delete") == "The slow brown fox leaps."
    assert word_diff("same words", "same words") == [("equal", "same words")]


paragraphs = st.lists(st.sampled_from(["alpha beta", "beta gamma", "delta", "alpha", "x y z"]))


@given(old=paragraphs, new=paragraphs)
def test_operations_rebuild_both_versions(old, new):
    ops = paragraph_diff(old, new)
    assert [op["old"] for op in ops if op["old"] is not None] == old
    assert [op["new"] for op in ops if op["new"] is not None] == new
    for op in ops:
        if op["op"] == "replace":
            assert "".join(t for kind, t in op["words"] if kind != "insert") == op["old"]
            assert "".join(t for kind, t in op["words"] if kind != "delete") == op["new"]


def test_html_marks_insertions_deletions_and_inline_edits():
    html = diff_html(
        paragraph_diff(["Keep.", "Old text here.", "Gone."], ["Keep.", "New text here."])
    )
    assert html == (
        '<div class="revision-diff"><p>Keep.</p>'
        '<p class="diff-replace"><del>Old</del><ins>New</ins> text here.</p>'
        '<p class="diff-delete"><del>Gone.</del></p></div>'
    )


def test_html_escapes_every_text():
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    ops = paragraph_diff(
        [hostile, f"Edited {hostile}", "<b>deleted</b>"],
        [hostile, f"Changed {hostile} <i>", "<iframe>inserted"],
    )
    assert kinds(ops) == ["equal", "replace", "delete", "insert"]
    html = diff_html(ops, keep_unchanged=True)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "<iframe" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert set(re.findall(r"</?([a-z]+)", html)) == {"div", "p", "ins", "del"}


def test_long_unchanged_runs_summarised_with_context_around_changes():
    old = [*SAME, "Old ending."]
    new = ["New opening.", *SAME, "New ending."]
    html = diff_html(paragraph_diff(old, new), context=2)
    shown = re.findall(r"<p>(Unchanged paragraph \d+)", html)
    assert shown == [f"Unchanged paragraph {n}" for n in (0, 1, 18, 19)]
    assert '<p class="diff-unchanged">… 16 unchanged paragraphs …</p>' in html
    kept = diff_html(paragraph_diff(old, new), keep_unchanged=True)
    assert "diff-unchanged" not in kept and kept.count("Unchanged paragraph") == 20


def test_leading_and_trailing_runs_keep_context_only_beside_the_change():
    later = [f"Later paragraph {n}." for n in range(20)]
    ops = paragraph_diff([*SAME, "The middle text.", *later], [*SAME, "The middle words.", *later])
    html = diff_html(ops, context=1)
    assert html.count("… 19 unchanged paragraphs …") == 2
    assert re.findall(r"<p>((?:Unchanged|Later) paragraph \d+)", html) == [
        "Unchanged paragraph 19",
        "Later paragraph 0",
    ]
    # Hiding a single paragraph would save nothing: a short run is shown whole.
    short = diff_html(paragraph_diff(["a", "b", "c", "x"], ["a", "b", "c", "y"]), context=2)
    assert "diff-unchanged" not in short


def test_html_takes_operations_stored_as_json():
    ops = paragraph_diff(["One two three."], ["One 2 three."])
    assert diff_html(json.loads(json.dumps(ops))) == diff_html(ops)
