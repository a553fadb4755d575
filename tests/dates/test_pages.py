"""Every page that prints a date with a precision prints it as precisely as it is stored: the
deliverables list, a deliverable's page, the home page, a group's page, the overview, the
agencies and a round (one template filter, web/templatetags/dates.py)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .conftest import PRECISIONS

pytestmark = pytest.mark.django_db
PUBLISHED = datetime.date(2018, 1, 1)


def page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def dates_in(row: str) -> dict[str, str]:
    """A deliverables table row's target and publication dates as printed (the <time>'s text;
    a target is followed by how it stands today)."""
    cells = dict(re.findall(r'<td data-label="(Target|Published)">(.*?)</td>', row, re.S))
    return {
        label: re.sub(r"<br>.*", "", re.sub(r"</?(time|span)[^>]*>", "", cell), flags=re.S).strip()
        for label, cell in cells.items()
    }


@pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)
class TestEachPrecision:
    def test_the_deliverables_list(self, client, cast, precision, day, short, long, typed):
        cast.deliverable(
            "drafting", title="Target row", target_date=day, target_precision=precision
        )
        cast.deliverable(
            "published", title="Published row", published_on=day, published_precision=precision
        )
        html = page(client, cast.reader, reverse("web:deliverables"))
        target_row = section(html, "Target row", "</tr>")
        assert dates_in(target_row) == {"Target": short, "Published": "—"}
        published_row = section(html, "Published row", "</tr>")
        assert dates_in(published_row) == {"Target": "no target", "Published": short}
        if precision != "day":
            assert f"{day.day} {day:%b %Y}" not in html  # never a day the record does not give

    def test_a_deliverables_page(self, client, cast, precision, day, short, long, typed):
        deliverable = cast.deliverable(
            "published", target_date=day, target_precision=precision,
            published_on=day, published_precision=precision,
        )  # fmt: skip
        html = page(client, cast.reader, deliverable.get_absolute_url())
        # Published: its publication, not the target it had while it was worked on.
        assert f'<dt>Published</dt><dd class="publication">{short}' in html
        assert "<dt>Target date</dt>" not in html
        drafting = cast.deliverable("drafting", target_date=day, target_precision=precision)
        html = page(client, cast.reader, drafting.get_absolute_url())
        assert f"<dt>Target date</dt><dd>{short}</dd>" in html

    def test_the_home_page_of_a_cochair(self, client, cast, precision, day, short, long, typed):
        cast.deliverable("drafting", title="Mine", target_date=day, target_precision=precision)
        html = page(client, cast.cochair_twg, reverse("web:home"))
        mine = section(html, 'id="mine"', "</table>")
        assert "Mine</a></td><td>" in mine and f"<td>{short}</td></tr>" in mine

    def test_a_groups_page(self, client, cast, precision, day, short, long, typed):
        cast.twg.established_on, cast.twg.established_precision = day, precision
        cast.twg.save()
        cast.deliverable("drafting", title="Led here", target_date=day, target_precision=precision)
        html = page(client, cast.reader, cast.twg.get_absolute_url())
        assert f"Established {short}</p>" in html
        assert dates_in(section(html, "Led here", "</tr>"))["Target"] == short

    def test_the_agencies_and_a_round(self, client, cast, precision, day, short, long, typed):
        cast.agencies["ESA"].joined_on, cast.agencies["ESA"].joined_precision = day, precision
        cast.agencies["ESA"].save()
        html = page(client, cast.reader, reverse("web:agencies"), on="2027-06-01")
        assert (
            '<td data-label="Agency">Agency ESA (ESA)</td>'
            f'<td data-label="Member since">{short}</td>' in html
        )
        meeting = factories.PlenaryMeetingFactory(starts_on=day, starts_precision=precision)
        round = factories.ConsensusRoundFactory(
            deliverable=cast.deliverable("in_consensus"), meeting=meeting,
            opened_on=day, dates_precision=precision, deadline=datetime.date(2027, 1, 31),
        )  # fmt: skip
        html = page(client, cast.reader, round.get_absolute_url())
        assert f"<dt>Opened</dt><dd>{short} by" in html


def test_due_in_the_next_60_days_shows_a_month_target_until_its_last_day(client, cast):
    """A "this month" target is due until the month's end: the home page lists it (it used to
    compare its 1st with today, and never listed it after the 1st)."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    cast.deliverable("drafting", title="This month", target_date=this_month,
                     target_precision="month")  # fmt: skip
    cast.deliverable("drafting", title="Next year", target_date=datetime.date(today.year + 1, 1, 1),
                     target_precision="year")  # fmt: skip
    html = page(client, cast.cochair_twg, reverse("web:home"))
    due = section(html, 'id="due"', 'id="returned"')
    assert f'This month</a>\n      <span class="why">Due {this_month:%B %Y} (by ' in due
    assert "Next year" not in due


def test_the_overview_marks_late_only_what_is_past_the_end_of_its_period(client, cast):
    today = timezone.localdate()
    this_year = datetime.date(today.year, 1, 1)
    cast.deliverable("drafting", title="This year", target_date=this_year, target_precision="year")
    cast.deliverable("drafting", title="Last year", target_date=this_year.replace(
        year=today.year - 1), target_precision="year")  # fmt: skip
    current = page(client, cast.reader, reverse("web:overview"))
    assert f"This year: target {today.year}</title>" in current  # due by 31 December: not late
    past = page(client, cast.reader, reverse("web:overview"), year=today.year - 1)
    assert f"Last year: target {today.year - 1} (late)</title>" in past
