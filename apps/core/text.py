"""Characters that text from people may hold but documents may not: said once, here.

People paste from Word. Word writes a manual line break (Shift+Enter) as U+000B and a page
break as U+000C, and now and then a stray control character comes along. XML 1.0 has no place
for any of them (its Char production allows, below U+0020, only tab, line feed and carriage
return), so one of them in a summary made the Atom feed and the DOCX unwritable. Input is
checked with `unholdable_character` (limits.text_checked refuses it); text already stored is
written out through `xml_safe` (the feed, the report, the CSV export).
"""

import re

# Word's breaks are the line breaks the writer saw: kept as line breaks.
_WORD_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# Outside XML 1.0's Char: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Refused in input as well: DELETE, which XML allows but no one means to type.
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def word_breaks_as_newlines(text: str) -> str:
    """`text` with Word's manual line and page breaks as plain line breaks."""
    return text.translate(_WORD_BREAKS)


def xml_safe(text: str) -> str:
    """`text` as XML (the Atom feed, the DOCX) and spreadsheets can hold it: Word's line and page
    breaks become line breaks, the other characters XML 1.0 has no place for are dropped."""
    return _NOT_XML.sub("", text.translate(_WORD_BREAKS))


def unholdable_character(text: str) -> tuple[int, str] | None:
    """The first character of `text` (after Word's breaks) that no document can hold, as
    (its position counting from 1, its code point as U+XXXX); None when there is none."""
    found = _UNHOLDABLE.search(word_breaks_as_newlines(text))
    if found is None:
        return None
    return found.start() + 1, f"U+{ord(found.group()):04X}"
