"""What a hostile client sends, for the fuzz tests of every door (API, web forms, admin): C0
control characters, strings far over every limit, dates at and past the calendar's ends. Each
strategy mixes plausible values in, so that generated input reaches the services' own checks
rather than stopping at a form's first one."""

import datetime
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=30, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
# Examples include strings of 300,000 characters: their repr is long, and never printed.
QUIET = pytest.mark.filterwarnings("ignore:Generating overly large repr")

C0 = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x1F), st.sampled_from(["\x7f", "\ufffe"])
)
hostile_text = st.one_of(
    st.text(alphabet=st.one_of(C0, st.characters(codec="utf-8")), max_size=40),
    # Word's manual line break, the character that broke the feed.
    st.builds(lambda a, b: a + "\x0b" + b, st.text(max_size=10), st.text(max_size=10)),
    # Over every limit: reasons (2,000), notes (5,000), summaries (20,000), and far past them.
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["x", "\x0b", "é", "🚀"]),
        st.sampled_from([2001, 5001, 20_001, 100_000]),
    ),
    st.just("x" * 300_000),
)
EDGE_DATES = [
    "9999-12-31", "0001-01-01", "1956-12-31", "1957-01-01", "2200-12-31", "2201-01-01",
    "2025-02-29", "10000-01-01", "-0001-01-01", "2025-12-31T23:59:59+14:00", "",
]  # fmt: skip
hostile_dates = st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(str), hostile_text)

text_that_passes = st.text(
    st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=30
)
plausible_dates = st.dates(datetime.date(1957, 1, 1), datetime.date(2200, 12, 31)).map(str)
# A field's values: two plausible for one hostile.
texts = st.one_of(text_that_passes, text_that_passes, hostile_text)
dates = st.one_of(plausible_dates, plausible_dates, hostile_dates)


class Tally:
    """What a test sent and what came back, printed for RELIABILITY.md."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()

    def count(self, status: int) -> None:
        self.statuses[status] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def __str__(self) -> str:
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return (
            f"{self.statuses.total()} generated requests ({answers}), "
            f"{self.server_errors} answered 5xx"
        )
