"""Every page runs a fixed number of queries, whatever the size of the data
(tests/record/budgets.py)."""

import pytest

from tests.record.budgets import Page, assert_budgets_hold

pytestmark = pytest.mark.django_db

# Every signed-in page counts the person's unread notifications for the nav: one query; and
# names who is signed in with their roles: at most two more (their role groups, unless the page
# read them already, and their appointments in force).
PAGES: list[Page] = [
    ("reader", lambda m: "/deliverables/", 8),
    ("reader", lambda m: "/deliverables/?state=drafting&sort=target", 8),
    ("reader", lambda m: "/deliverables/?q=lunar", 8),
    ("reader", lambda m: "/deliverables/?page=2", 8),
    ("reader", lambda m: "/deliverables/export.csv?state=published", 4),
    # The deliverable page's Text section: its revisions (one prefetch), and may this user upload.
    ("reader", lambda m: f"/deliverables/{m.deliverable}/", 19),
    ("reader", lambda m: f"/deliverables/{m.deliverable}/?history_page=2", 19),
    ("cochair-twg", lambda m: f"/deliverables/{m.deliverable}/", 19),
    # A round page: its event log (one query of the round's history); the secretariat's, also
    # which agencies are its own delegations (it speaks for every agency, owns only those).
    ("secretariat", lambda m: f"/rounds/{m.round}/", 14),
    # An open round: who was told (its notices, who has an address today), and for the
    # secretariat the outcome form (the meetings, the attendance at one).
    ("delegate-nasa", lambda m: f"/rounds/{m.open_round}/", 16),
    ("secretariat", lambda m: f"/rounds/{m.open_round}/", 17),
    # The ISECG chair and what the sources disagree on about it, who may settle that, and every
    # group's mandate versions (one query for them all).
    ("reader", lambda m: "/groups/", 12),
    # Its structural changes: the decided ones and the proposals (two queries).
    # Its mandate versions, and its co-chairs' dates the sources disagree on (one query each).
    ("reader", lambda m: f"/groups/{m.group}/", 18),
    # The record's changes (the 2025 consolidation, with its round of the record; a proposal):
    # a change's page reads its groups, sub-teams, lineage, rounds and a page of its history;
    # the secretariat's, the open-round form too (the agencies nobody can be written to).
    ("reader", lambda m: "/changes/", 8),
    ("reader", lambda m: "/changes/1/", 17),
    ("secretariat", lambda m: "/changes/2/", 20),
    # A round on a change, as a reader: the proposal and its groups, and whom they speak for.
    ("reader", lambda m: "/rounds/1/", 17),
    ("reader", lambda m: "/agencies/", 8),  # and the delegations' disputed dates
    ("reader", lambda m: "/overview/?year=2025", 10),  # the timeline, and the webnews of the year
    ("secretariat", lambda m: "/reports/", 7),
    ("secretariat", lambda m: f"/reports/{m.draft}/", 6),
    # A year's Executive Summary: the text, a page of its history; the secretariat's form.
    # And its highlights (below, with highlights): one query, the changes to them another.
    ("reader", lambda m: "/reports/summary/2025/", 8),
    ("secretariat", lambda m: "/reports/summary/2025/", 11),
    # The year's highlights (one query, with what each is about), the changes to them (one),
    # and the secretariat's forms: what a highlight may be about (three queries). Three more
    # highlights each time the page is measured, so the count cannot grow with them.
    ("reader", lambda m: summary_with_highlights(2024), 8),
    ("secretariat", lambda m: summary_with_highlights(2024), 11),
    ("reader", lambda m: "/feed/atom/", 5),
]

# Every page of someone holding a role (not a reader's) also counts their queues for the
# navigation's Home badge (apps/web/queues.py): one query.
NAV_WORK_COUNT = 1
PAGES = [
    (role, path, budget + (NAV_WORK_COUNT if role != "reader" else 0))
    for role, path, budget in PAGES
]
# The home page: the person's groups and agencies (two queries, and their names), one query
# for the totals of all their queues (the badge's too), one for each queue's first rows, and
# recent activity (the changes, revisions and the record's load: one query each; positions
# grouped, and their rounds: two); a co-chair's, their groups' deliverables in progress (a page
# of them, and how many).
PAGES = [
    ("secretariat", lambda m: "/", 22),
    ("cochair-twg", lambda m: "/", 20),
    ("delegate-nasa", lambda m: "/", 17),
    ("reader", lambda m: "/", 12),
    *PAGES,
]


def summary_with_highlights(year: int) -> str:
    """The year's summary page, after three more highlights: about a product, a group, none."""
    from django.contrib.auth import get_user_model

    from apps.deliverables.models import Deliverable
    from apps.groups.models import WorkingGroup
    from apps.reports.highlights import report_highlight_write

    secretariat = get_user_model().objects.get(username="secretariat")
    about = [
        Deliverable.objects.filter(state="published").order_by("pk").first(),
        WorkingGroup.objects.order_by("pk").first(),
        None,
    ]
    for thing in about:
        report_highlight_write(
            year=year, actor=secretariat, heading=f"About {thing}", text="Text.", about=thing
        )
    return f"/reports/summary/{year}/"


def test_every_page_runs_a_fixed_number_of_queries(client, isecg_record):
    assert_budgets_hold(client, PAGES)
