"""Each role's queue on the home page, and the count on "Home" in the navigation: a row shows
why it is there and links to the action, it goes once the person acts, and the count in the
navigation is the number of rows that are work to do (apps/web/queues.py)."""

import datetime
import re

import pytest
from django.utils import timezone

from apps.core.dates import date_for_people
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition, deliverable_update_progress
from apps.plenary.notices import other_channel_record
from apps.plenary.services import consensus_round_open, position_record
from apps.reports.filing import report_draft_file_as_revision
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def queue(html: str, anchor: str) -> str:
    """The queue's card, from its heading to the end of its section; an empty queue is one
    line of the role's list of empty ones."""
    assert f'id="{anchor}"' in html, f"no queue {anchor}"
    before, after = html.split(f'id="{anchor}"', 1)
    end = "</li>" if before.endswith("<li ") else "</section>"
    return after.split(end, 1)[0]


def nav_count(html: str) -> int:
    """The count on Home in the navigation (0 when there is none), checked against its label."""
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    home_link = re.search(r'<a href="/"[^>]*>Home.*?</a>', nav, re.S).group(0)
    badge = re.search(r'<span class="badge work">(\d+)</span>', home_link)
    if badge is None:
        assert "need" not in home_link
        return 0
    count = int(badge.group(1))
    needs = "needs" if count == 1 else "need"
    item = "item" if count == 1 else "items"
    assert f'aria-label="Home: {count} {item} {needs} you"' in home_link
    return count


def submitted(cast, title: str, **fields) -> Deliverable:
    """A deliverable its co-chair took through WG review and submitted."""
    deliverable = cast.deliverable("wg_review", title=title, **fields)
    return deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="Ready"
    )


def open_round(cast, deliverable, **fields):
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
        **fields,
    )


def everyone_concurs(cast, round) -> None:
    for acronym, agency in cast.agencies.items():
        position_record(
            round=round, actor=cast.delegates[acronym], agency=agency, position="concur"
        )


class TestSeniorAgencyManager:
    def test_a_product_agreed_by_consensus_waits_for_the_sam_until_endorsed(self, client, cast):
        product = submitted(cast, "Lunar surface architecture", needs_sam_endorsement=True)
        everyone_concurs(cast, open_round(cast, product))
        product.refresh_from_db()
        assert product.state == "sam_endorsement"

        html = home(client, cast.sam)
        mine = queue(html, "sam-endorse")
        assert 'Awaiting my endorsement <span class="queue-total">(1)</span>' in mine
        assert "Lunar surface architecture" in mine
        assert f"Agreed by consensus on {date_for_people(TODAY)}" in mine
        assert f'href="/deliverables/{product.pk}/#actions">Endorse or decline</a>' in mine
        assert nav_count(html) == 1

        # The secretariat sees it waiting for the SAMs, which is not its work to count.
        secretariat = home(client, cast.secretariat)
        assert "Lunar surface architecture" in queue(secretariat, "awaiting-sam")
        assert nav_count(secretariat) == 0

        deliverable_transition(
            deliverable=product, actor=cast.sam, to="approved", reason="Endorsed in the SAM call"
        )
        html = home(client, cast.sam)
        assert "Lunar surface architecture" not in queue(html, "sam-endorse")
        assert "No product awaits SAM endorsement." in queue(html, "sam-endorse")
        assert nav_count(html) == 0

        secretariat = home(client, cast.secretariat)
        to_publish = queue(secretariat, "to-publish")
        assert "Lunar surface architecture" in to_publish
        assert f"Endorsed by the SAMs on {date_for_people(TODAY)}" in to_publish
        assert f'href="/deliverables/{product.pk}/#actions">Mark published</a>' in to_publish
        assert nav_count(secretariat) == 1


class TestStructuralChangeEndorsement:
    def test_a_change_agreed_by_consensus_waits_for_the_sams_until_recorded(self, client, cast):
        from apps.groups.changes import structural_change_endorse

        change = factories.StructuralChangeFactory(
            state="awaiting_endorsement",
            needs_sam_endorsement=True,
            kind="closure",
            effective_on=TODAY + datetime.timedelta(days=60),
        )
        change.groups.add(cast.swg)
        sam = home(client, cast.sam)
        assert f'href="/changes/{change.pk}/#facts">Read the proposal</a>' in queue(
            sam, "sam-changes"
        )
        secretariat = home(client, cast.secretariat)
        waiting = queue(secretariat, "change-endorsement")
        assert f"Closure #{change.pk}" in waiting
        assert f'href="/changes/{change.pk}/#actions">Record the SAMs&#x27; endorsement</a>' in (
            waiting
        )
        assert nav_count(sam) == 1 and nav_count(secretariat) == 1

        structural_change_endorse(
            change=change, actor=cast.secretariat, endorsed_on=TODAY, decision="Endorsed by SAMs."
        )
        assert f"Closure #{change.pk}" not in queue(home(client, cast.sam), "sam-changes")
        assert nav_count(home(client, cast.secretariat)) == 0


class TestSecretariat:
    def test_a_submission_then_its_round_closing_and_an_agency_nobody_can_reach(self, client, cast):
        product = submitted(cast, "Gateway logistics paper")
        html = home(client, cast.secretariat)
        waiting = queue(html, "to-open")
        assert "Gateway logistics paper" in waiting
        assert f"Submitted by TWG on {date_for_people(TODAY)}" in waiting
        assert f'href="/deliverables/{product.pk}/#actions">Open a round, or return it</a>' in (
            waiting
        )
        assert nav_count(html) == 1

        csa = factories.AgencyFactory(
            acronym="CSA", country="Canada", joined_on=datetime.date(2007, 5, 1)
        )  # a member with no delegation: nobody to write to
        round = open_round(cast, product, deadline=TODAY + datetime.timedelta(days=3))
        html = home(client, cast.secretariat)
        assert "Gateway logistics paper" not in queue(html, "to-open")
        closing = queue(html, "closing")
        assert "Gateway logistics paper" in closing
        assert f"Closes in 3 days, {date_for_people(round.deadline)}" in closing
        assert "0 of 4 agencies answered" in closing
        assert f'href="/rounds/{round.pk}/#told">See who has not answered</a>' in closing
        unreachable = queue(html, "unreachable")
        assert "Nobody can be written to at CSA" in unreachable
        assert f'href="/rounds/{round.pk}/#told">Record how they were told</a>' in unreachable
        assert nav_count(html) == 2

        other_channel_record(
            round=round, agency=csa, actor=cast.secretariat, note="Told by phone on Monday."
        )
        html = home(client, cast.secretariat)
        assert "Gateway logistics paper" not in queue(html, "unreachable")
        assert "Gateway logistics paper" in queue(html, "closing")
        assert nav_count(html) == 1

    def test_a_finished_report_draft_waits_until_it_is_filed(self, client, cast):
        factories.WorkingGroupFactory(acronym="SCWG")
        first = factories.done_report_draft(requested_by=cast.secretariat, year=2025, version=1)
        html = home(client, cast.secretariat)
        drafts = queue(html, "drafts")
        assert "2025 annual report, draft v1" in drafts
        assert f'href="/reports/{first.pk}/">Review it, and file it as a revision</a>' in drafts
        assert nav_count(html) == 1

        second = factories.done_report_draft(requested_by=cast.secretariat, year=2025, version=2)
        drafts = queue(home(client, cast.secretariat), "drafts")
        assert "draft v2" in drafts and "draft v1" not in drafts  # only the year's latest

        report_draft_file_as_revision(draft=second, actor=cast.secretariat)
        html = home(client, cast.secretariat)
        assert "draft v2" not in queue(html, "drafts")
        assert nav_count(html) == 0


class TestCoChair:
    def test_each_product_is_in_one_queue_with_its_reason_until_acted_on(self, client, cast):
        overdue = cast.deliverable(
            "drafting", title="Overdue roadmap", target_date=TODAY - datetime.timedelta(days=40)
        )
        due = cast.deliverable("wg_review", title="Due white paper", target_date=TODAY)
        stale = cast.deliverable(
            "planned", title="Quiet plan", target_date=TODAY + datetime.timedelta(days=400)
        )
        Deliverable.objects.filter(pk=stale.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=45)
        )
        returned = submitted(cast, "Returned gap report")
        deliverable_transition(
            deliverable=returned, actor=cast.secretariat, to="drafting", reason="Add chapter 5"
        )
        cast.deliverable(
            "drafting", title="Other group's late paper", lead_group=cast.swg, target_date=TODAY
        )

        html = home(client, cast.cochair_twg)
        assert "Other group's late paper" not in html.split('id="recent"')[0]
        back = queue(html, "returned")
        assert "Returned gap report" in back
        assert f"Return to drafting with comments: Add chapter 5 ({date_for_people(TODAY)})" in back
        assert f'href="/deliverables/{returned.pk}/#actions">' in back
        late = queue(html, "overdue")
        assert "Overdue roadmap" in late and "has passed" in late
        assert f'href="/deliverables/{overdue.pk}/#progress">' in late
        soon = queue(html, "due")
        assert "Due white paper" in soon and "Returned gap report" not in soon
        assert f'href="/deliverables/{due.pk}/#progress">Update the progress</a>' in soon
        assert f"Due this quarter (by {date_for_people(_quarter_end(TODAY))})" in soon
        quiet = queue(html, "stale")
        assert "Quiet plan" in quiet and "45 days ago" in quiet
        for title in ("Returned gap report", "Overdue roadmap", "Due white paper", "Quiet plan"):
            assert html.split('id="mine"')[0].count(f">{title}</a>") == 1, title
        assert nav_count(html) == 4

        returned.refresh_from_db()
        deliverable_transition(
            deliverable=returned, actor=cast.cochair_twg, to="wg_review", reason="Chapter 5 added"
        )
        stale.refresh_from_db()
        deliverable_update_progress(
            deliverable=stale,
            actor=cast.cochair_twg,
            expected_version=stale.version,
            reason="Still on track",
            percent_complete=10,
        )
        html = home(client, cast.cochair_twg)
        assert "Returned gap report" not in queue(html, "returned")
        assert "Quiet plan" not in queue(html, "stale")
        assert nav_count(html) == 2
        client.force_login(cast.cochair_twg)
        elsewhere = client.get("/deliverables/").content.decode()
        assert nav_count(elsewhere) == 2  # the same count on every page


def _quarter_end(day: datetime.date) -> datetime.date:
    month = 3 * ((day.month - 1) // 3) + 3
    return datetime.date(day.year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


class TestDelegate:
    def test_a_round_awaits_the_answer_then_shows_the_position_until_it_closes(self, client, cast):
        round = open_round(cast, submitted(cast, "Mars sample paper"))
        nasa = cast.delegates["NASA"]
        html = home(client, nasa)
        awaiting = queue(html, "awaiting")
        assert 'Consensus rounds awaiting NASA <span class="queue-total">(1)</span>' in awaiting
        assert "Mars sample paper" in awaiting
        assert f"deadline {date_for_people(round.deadline)}" in awaiting
        assert f'href="/rounds/{round.pk}/#act">State your position</a>' in awaiting
        assert nav_count(html) == 1

        position_record(round=round, actor=nasa, agency=cast.agencies["NASA"], position="concur")
        position_record(
            round=round,
            actor=nasa,
            agency=cast.agencies["NASA"],
            position="object",
            rationale="Section 4 misstates our contribution.",
        )
        html = home(client, nasa)
        assert "Mars sample paper" not in queue(html, "awaiting")
        answered = queue(html, "answered")
        assert "NASA&#x27;s position: object" in answered  # the latest, not the first
        assert "concur" not in answered
        assert f"It can be changed until {date_for_people(round.deadline)}" in answered
        assert f'href="/rounds/{round.pk}/#act">Change the position</a>' in answered
        assert nav_count(html) == 0  # answered: nothing to do

        for acronym in ("ESA", "JAXA"):
            position_record(
                round=round,
                actor=cast.delegates[acronym],
                agency=cast.agencies[acronym],
                position="concur",
            )
        html = home(client, nasa)
        assert "Mars sample paper" not in queue(html, "answered")
        closed = queue(html, "closed")
        assert "Mars sample paper" in closed and f"Closed on {date_for_people(TODAY)}" in closed
        assert "Mars sample paper" in queue(home(client, cast.delegates["ESA"]), "closed")


class TestRecentActivity:
    def test_it_shows_the_persons_groups_moves_and_positions_and_folds_the_record_load(
        self, client, cast
    ):
        for n in range(3):  # as load_record writes them: a first history row naming the source
            loaded = cast.deliverable("planned", title=f"Recorded product {n}")
            Deliverable.history.filter(id=loaded.pk).update(
                history_change_reason=f"Loaded from the ISECG record: Annual Report, item {n}"
            )
        product = submitted(cast, "Habitat roadmap")
        round = open_round(cast, product)
        position_record(
            round=round, actor=cast.delegates["ESA"], agency=cast.agencies["ESA"], position="concur"
        )
        for acronym in ("JAXA", "NASA"):  # stated in a plenary, recorded together
            position_record(
                round=round,
                actor=cast.secretariat,
                agency=cast.agencies[acronym],
                position="no_objection",
            )
        science = cast.deliverable("wg_review", title="Science plan", lead_group=cast.swg)
        deliverable_transition(
            deliverable=science, actor=cast.cochair_swg, to="submitted", reason="Science ready"
        )

        html = home(client, cast.cochair_twg)
        recent = html.split('id="recent"', 1)[1]
        assert "3 products loaded from the published record" in recent
        assert "Loaded from the ISECG record: Annual Report" not in recent
        assert "Habitat roadmap</a>: Submit to the plenary: Ready" in recent
        assert "ESA: concur" in recent
        assert "2 agencies&#x27; positions (2 no objection) (recorded by the secretariat)" in recent
        assert "Science plan" not in recent  # another group's

        everything = home(client, cast.reader).split('id="recent"', 1)[1]
        assert "Science plan" in everything and "Habitat roadmap" in everything


def test_a_reader_has_no_queue_and_no_count(client, cast):
    cast.deliverable("submitted", title="Submitted for someone else")
    html = home(client, cast.reader)
    assert 'class="queues"' not in html and nav_count(html) == 0
    assert "Submitted for someone else" in html.split('id="recent"', 1)[1]  # but its activity


def test_the_navigation_count_is_one_query(cast, django_assert_num_queries):
    from apps.accounts import permissions
    from apps.web import queues

    cast.deliverable("submitted")
    for user in (cast.secretariat, cast.cochair_twg, cast.delegates["NASA"], cast.sam):
        permissions.is_secretariat(user)  # the role groups: read by every page's header
        with django_assert_num_queries(1):
            count = queues.work_count(queues.who_of(user))
        assert count == (1 if user == cast.secretariat else 0)


@pytest.mark.parametrize(
    ("role", "budget"),
    [("secretariat", 26), ("sam", 18), ("cochair", 20), ("delegate", 20), ("reader", 12)],
)
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, cast, role, budget, django_assert_max_num_queries
):
    user = cast.by_role(role)

    def busy(n: int) -> None:
        for i in range(n):
            product = submitted(cast, f"Product {n}-{i}", needs_sam_endorsement=bool(i % 2))
            round = open_round(cast, product)
            position_record(
                round=round,
                actor=cast.delegates["ESA"],
                agency=cast.agencies["ESA"],
                position="concur",
            )
            cast.deliverable("drafting", title=f"Late {n}-{i}", target_date=TODAY)

    busy(2)
    client.force_login(user)
    with django_assert_max_num_queries(budget) as small:
        client.get("/")
    busy(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/").status_code == 200
