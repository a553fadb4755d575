"""The list tables as people read them: columns that sort (state in workflow order, undated
last), filters kept and cleared, RAG and progress in their own columns, dates relative to
today, state colours with a legend, and charts that lead to the list they count."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.deliverables.models import DeliverableState
from apps.deliverables.selectors import (
    SORTS,
    STATE_ORDER,
    DeliverableFilter,
    deliverables_filtered,
)
from apps.web.templatetags.tables import STATE_CATEGORIES, as_iso, due_on, relative_days

pytestmark = pytest.mark.django_db

D = datetime.date


def html_of(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def titles_in(html: str) -> list[str]:
    """The deliverables' titles in the order the list's rows show them."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        unescape(t) for t in re.findall(r'<td class="card-title"><a href="[^"]+">([^<]+)</a>', body)
    ]


def header(html: str, label: str) -> str:
    """The <th> of the column labelled `label`."""
    for th in re.findall(r"<th\b.*?</th>", html, re.S):
        if re.sub(r"<[^>]+>", "", th).strip().startswith(label):
            return th
    raise AssertionError(f"no header {label!r}")


def header_link(html: str, label: str) -> dict[str, list[str]]:
    href = re.search(r'href="([^"]+)"', header(html, label)).group(1)
    return parse_qs(urlparse(unescape(href)).query)


# --- sorting -------------------------------------------------------------------------------------


class TestSorting:
    def test_state_sorts_in_workflow_order_not_alphabetically(self, client, cast):
        # Alphabetically: approved, drafting, in_consensus, planned, published, submitted ...
        for state in ["published", "submitted", "planned", "approved", "wg_review", "drafting"]:
            published_on = D(2026, 1, 1) if state == "published" else None
            cast.deliverable(state, title=f"In {state}", published_on=published_on)
        html = html_of(client, cast.reader, "/deliverables/", sort="state")
        assert titles_in(html) == [
            "In planned",
            "In drafting",
            "In wg_review",
            "In submitted",
            "In approved",
            "In published",
        ]
        backwards = html_of(client, cast.reader, "/deliverables/", sort="-state")
        assert titles_in(backwards) == titles_in(html)[::-1]

    def test_every_state_has_a_place_in_the_workflow_order(self):
        assert sorted(STATE_ORDER) == sorted(DeliverableState.values)
        assert STATE_ORDER.index("in_consensus") < STATE_ORDER.index("sam_endorsement")
        assert STATE_ORDER.index("sam_endorsement") < STATE_ORDER.index("approved")

    def test_undated_come_last_in_both_directions(self, client, cast):
        cast.deliverable("planned", title="Undated", target_date=None)
        cast.deliverable("drafting", title="Early", target_date=D(2026, 3, 1))
        cast.deliverable("drafting", title="Late", target_date=D(2027, 6, 1))
        soonest = titles_in(html_of(client, cast.reader, "/deliverables/", sort="target"))
        latest = titles_in(html_of(client, cast.reader, "/deliverables/", sort="-target"))
        assert soonest == ["Early", "Late", "Undated"]
        assert latest == ["Late", "Early", "Undated"]

    def test_a_year_target_sorts_by_the_end_of_its_year(self, cast):
        cast.deliverable(
            "drafting", title="By 2026", target_date=D(2026, 1, 1), target_precision="year"
        )
        cast.deliverable(
            "drafting", title="March 2026", target_date=D(2026, 3, 1), target_precision="month"
        )
        rows = deliverables_filtered(DeliverableFilter(sort="target"))
        assert [d.title for d in rows] == ["March 2026", "By 2026"]

    def test_unrated_come_last_whichever_way_rag_sorts(self, cast):
        for rag in ["green", "", "red", "amber"]:
            cast.deliverable("drafting", title=rag or "none", rag=rag)
        assert [d.title for d in deliverables_filtered(DeliverableFilter(sort="rag"))] == [
            "red",
            "amber",
            "green",
            "none",
        ]
        assert [d.title for d in deliverables_filtered(DeliverableFilter(sort="-rag"))] == [
            "green",
            "amber",
            "red",
            "none",
        ]

    def test_every_sort_key_runs(self, cast):
        cast.deliverable("drafting", title="One")
        for sort in SORTS:
            assert [d.title for d in deliverables_filtered(DeliverableFilter(sort=sort))] == ["One"]

    def test_headers_keep_the_filters_and_say_how_the_list_is_sorted(self, client, cast):
        cast.deliverable("drafting", title="A", rag="red")
        html = html_of(
            client, cast.reader, "/deliverables/", state="drafting", rag="red", sort="state", page=1
        )
        # The sorted column says so; a second click reverses it, the filters stay, paging resets.
        assert 'aria-sort="ascending"' in header(html, "State")
        assert header_link(html, "State") == {
            "state": ["drafting"],
            "rag": ["red"],
            "sort": ["-state"],
        }
        assert "aria-sort" not in header(html, "Title")
        assert header_link(html, "Target")["sort"] == ["target"]
        assert header_link(html, "Target")["rag"] == ["red"]
        assert html.count("aria-sort=") == 1
        reversed_html = html_of(
            client, cast.reader, "/deliverables/", state="drafting", rag="red", sort="-state"
        )
        assert 'aria-sort="descending"' in header(reversed_html, "State")
        assert header_link(reversed_html, "State")["sort"] == ["state"]

    def test_the_sort_menu_offers_what_the_headers_do(self, client, cast):
        html = html_of(client, cast.reader, "/deliverables/")
        menu = html.split('name="sort"', 1)[1].split("</select>", 1)[0]
        assert 'value="state">state, in workflow order' in menu
        assert 'value="-target">target date, latest first' in menu


class TestFiltersAndColumns:
    def test_clear_filters_appears_once_filtered_and_keeps_the_sort(self, client, cast):
        cast.deliverable("drafting", title="Kept")
        cast.deliverable("planned", title="Other")
        unfiltered = html_of(client, cast.reader, "/deliverables/")
        assert "Clear filters" not in unfiltered
        html = html_of(client, cast.reader, "/deliverables/", state="drafting", sort="title")
        assert titles_in(html) == ["Kept"]
        link = re.search(r'<a href="([^"]*)" class="clear-filters">Clear filters</a>', html)
        assert link and unescape(link.group(1)) == "/deliverables/?sort=title"
        assert titles_in(html_of(client, cast.reader, link.group(1))) == ["Kept", "Other"]

    def test_rag_progress_and_next_milestone_have_their_own_columns(self, client, cast):
        cast.deliverable(
            "drafting",
            title="Gap report",
            rag="amber",
            percent_complete=40,
            next_milestone="WG review in May",
        )
        html = html_of(client, cast.reader, "/deliverables/")
        row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
        state = re.search(r'<td data-label="State">(.*?)</td>', row, re.S).group(1)
        assert "amber" not in state  # RAG is no longer folded into the state
        assert re.search(r'<td data-label="RAG"><span class="badge rag-amber">amber</span>', row)
        assert re.search(r'<td data-label="Progress"[^>]*>.*40%</td>', row, re.S)
        assert '<td data-label="Next milestone">WG review in May</td>' in row
        for label in ["RAG", "Progress", "Next milestone", "Target"]:
            assert header(html, label)

    def test_state_badges_coloured_by_category_with_a_legend(self, client, cast):
        cast.deliverable("in_consensus", title="At plenary")
        cast.deliverable("drafting", title="In work")
        html = html_of(client, cast.reader, "/deliverables/")
        assert '<span class="badge state state-plenary">in consensus</span>' in html
        assert '<span class="badge state state-work">drafting</span>' in html
        legend = html.split('class="state-legend"', 1)[1].split("</div>", 1)[0]
        for key, (label, _) in STATE_CATEGORIES.items():
            assert f'state-{key}">{label}</span>' in legend
        assert "submitted to the plenary, in consensus, awaiting SAM endorsement" in legend
        # Every state is in exactly one category.
        states = [s for _, members in STATE_CATEGORIES.values() for s in members]
        assert sorted(states) == sorted(DeliverableState.values)

    def test_target_dates_say_how_they_stand_today_and_keep_the_date(self, client, cast):
        today = timezone.localdate()
        cast.deliverable("drafting", title="Soon", target_date=today + datetime.timedelta(days=3))
        cast.deliverable("drafting", title="Late", target_date=today - datetime.timedelta(days=5))
        cast.deliverable(
            "published", title="Done", target_date=today - datetime.timedelta(days=9),
            published_on=today - datetime.timedelta(days=9),
        )  # fmt: skip
        html = html_of(client, cast.reader, "/deliverables/", sort="title")
        rows = dict(zip(titles_in(html), html.split("<tbody>", 1)[1].split("</tr>"), strict=False))
        soon = today + datetime.timedelta(days=3)
        assert f'<time datetime="{soon.isoformat()}">' in rows["Soon"]
        assert "due in 3 days" in rows["Soon"]
        assert '<span class="due overdue">overdue by 5 days</span>' in rows["Late"]
        # A published product is not overdue, whatever its target was.
        assert "overdue" not in rows["Done"] and "due " not in rows["Done"]


class TestRelativeDates:
    today = D(2026, 12, 7)

    @pytest.mark.parametrize(
        ("end", "text", "overdue"),
        [
            (D(2026, 12, 7), "due today", False),
            (D(2026, 12, 8), "due tomorrow", False),
            (D(2026, 12, 10), "due in 3 days", False),
            (D(2026, 12, 6), "overdue by 1 day", True),
            (D(2026, 12, 2), "overdue by 5 days", True),
            (D(2027, 3, 7), "due in 3 months", False),
            (D(2024, 1, 1), "overdue by 2 years", True),
        ],
    )
    def test_due_on(self, end, text, overdue):
        due = due_on(end, self.today)
        assert (str(due), due.overdue) == (text, overdue)

    def test_relative_days(self):
        assert relative_days(0) == "today"
        assert relative_days(3) == "in 3 days"
        assert relative_days(-59) == "59 days ago"
        assert relative_days(-60) == "2 months ago"

    def test_machine_dates_are_no_more_precise_than_the_record(self):
        assert as_iso(D(2026, 1, 1), "year") == "2026"
        assert as_iso(D(2026, 12, 1), "month") == "2026-12"
        assert as_iso(D(2026, 12, 7), "day") == "2026-12-07"
        assert as_iso(None, "day") == ""


# --- charts --------------------------------------------------------------------------------------


def list_count(client, user, href: str) -> int:
    html = html_of(client, user, unescape(href))
    return int(
        re.search(r"(\d+) deliverables?\b", html.split('class="muted list-summary"')[1]).group(1)
    )


class TestCharts:
    def test_every_bar_and_legend_entry_leads_to_a_list_of_as_many(self, client, cast):
        cache.clear()
        for state in ["drafting", "drafting", "submitted", "approved"]:
            cast.deliverable(state)
        cast.deliverable("drafting", lead_group=cast.swg)
        html = html_of(client, cast.reader, "/overview/")
        chart = html.split('<figure class="chart">', 1)[1].split("</figure>", 1)[0]
        segments = re.findall(
            r'<a href="([^"]+)"><rect [^>]*><title>(\w+): (\d+) ([^<(]+?) \(show them\)', chart
        )
        assert len(segments) == 4  # TWG: drafting, submitted, approved; SWG: drafting
        for href, _group, count, _ in segments:
            assert list_count(client, cast.reader, href) == int(count)
        totals = re.findall(r'<a href="([^"]+)"><text [^>]*>(\d+)<title>(\w+): all', chart)
        assert sorted((g, int(n)) for _, n, g in totals) == [("SWG", 1), ("TWG", 4)]
        for href, count, _ in totals:
            assert list_count(client, cast.reader, href) == int(count)
        legend = dict(
            (label, href)
            for href, label in re.findall(
                r'<li><svg[^>]*>.*?</svg> <a href="([^"]+)">([^<]+)</a>', chart
            )
        )
        assert list_count(client, cast.reader, legend["drafting"]) == 3

    def test_the_timeline_links_to_the_list_of_its_year_and_has_a_legend(self, client, cast):
        cast.deliverable(
            "drafting",
            title="A product with a long title that used to be cut off at twenty-six characters",
            target_date=D(2026, 6, 1),
        )
        cast.deliverable(
            "published", title="Out", target_date=D(2026, 2, 1), published_on=D(2026, 3, 1)
        )
        cast.deliverable("drafting", title="Other year", target_date=D(2028, 2, 1))
        html = html_of(client, cast.reader, "/overview/", year=2026)
        link = re.search(r'<a href="([^"]+)">These (\d+) deliverables in the list</a>', html)
        assert link.group(2) == "2"
        assert list_count(client, cast.reader, link.group(1)) == 2
        assert "used to be cut off at twenty-six characters" in html
        legend = html.split('class="timeline-chart"', 1)[1].split("</figure>", 1)[0]
        for entry in ["target date", "target missed", "published"]:
            assert entry in legend.split("<figcaption>", 1)[1]
