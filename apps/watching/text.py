"""Stored text as a mail subject and a calendar can hold it (apps/core/text.py says why Word's
control characters turn up in records at all)."""

import re

from apps.core.text import xml_safe

_SPACES = re.compile(r"\s+")
# RFC 5545 3.3.11: TEXT holds no CONTROL character but tab (line breaks are escaped by the
# library); xml_safe leaves DELETE, which XML allows and iCalendar does not.
_NOT_ICS = re.compile("[\x7f]")


def one_line(text: str) -> str:
    """`text` on one line: a mail subject (a header cannot hold a line break) or a title."""
    return _SPACES.sub(" ", _NOT_ICS.sub("", xml_safe(text))).strip()


def ics_text(text: str) -> str:
    """`text` as an iCalendar TEXT value can hold it: line breaks kept (as LF), controls gone."""
    return _NOT_ICS.sub("", xml_safe(text)).replace("\r\n", "\n").replace("\r", "\n")
