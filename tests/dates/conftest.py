"""The API's clients (tests/api/conftest.py) for the tests here that read and write dates through
it, and the precisions every test walks through."""

import datetime

from tests.api.conftest import _fast_passwords, as_role, client_for  # noqa: F401

# (precision, the date stored, short style, long style, as typed in a form)
PRECISIONS = [
    ("day", datetime.date(2026, 8, 12), "12 Aug 2026", "12 August 2026", "2026-08-12"),
    ("month", datetime.date(2026, 12, 1), "Dec 2026", "December 2026", "2026-12"),
    ("year", datetime.date(2026, 1, 1), "2026", "2026", "2026"),
    ("on_or_before", datetime.date(2026, 12, 31), "by 2026", "by 2026", "by 2026"),
]
