"""The round page as a ballot grid: every agency's positions kept and shown (who recorded each,
when, with its rationale), the round's event log, the secretariat's steps offered only when the
rules allow them (and why not, when not), and a delegate's own position and form at the top."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.plenary.models import ConsensusRound
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_extend,
    consensus_round_open,
    position_record,
)
from tests import factories
from tests.web.test_round_reach import more_agencies, queries_of

pytestmark = pytest.mark.django_db


def open_round(cast, **fields) -> ConsensusRound:
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        **fields,
    )


def page_of(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:800]
    return html.unescape(response.content.decode())


def section(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def ballot_row(page: str, agency) -> str:
    grid = section(page, '<table class="ballot">', "</table>")
    return section(grid, f'id="agency-{agency.pk}"', "</tr>")


def test_a_withdrawn_objection_stays_in_the_agencys_history_with_who_recorded_it(client, cast):
    round = open_round(cast)
    esa, delegate = cast.agencies["ESA"], cast.delegates["ESA"]
    position_record(
        round=round,
        actor=delegate,
        agency=esa,
        position="object",
        rationale="Chapter 4 omits ESA's lunar lander",
    )
    position_record(round=round, actor=delegate, agency=esa, position="concur")
    page = page_of(client, cast.reader, round.get_absolute_url())
    row = ballot_row(page, esa)
    history = section(row, '<details class="history">', "</details>")
    assert "History: 2 positions (1 earlier)" in history
    entries = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert len(entries) == 2
    latest, earlier = entries
    assert "concur" in latest and "(counts)" in latest
    assert ">object<" in earlier and "Chapter 4 omits ESA's lunar lander" in earlier
    assert "by delegate-esa" in earlier
    assert f"recorded {timezone.localdate():%-d %B %Y}" in earlier
    assert "objection withdrawn by the agency" in row


def test_the_event_log_lists_an_extension_and_a_cancellation_with_reason_and_person(client, cast):
    round = open_round(cast)
    old = round.deadline
    new = old + datetime.timedelta(days=7)
    consensus_round_extend(
        round=round, actor=cast.secretariat, deadline=new, reason="Holidays in August"
    )
    consensus_round_cancel(round=round, actor=cast.secretariat, reason="The wrong file was sent")
    page = page_of(client, cast.reader, round.get_absolute_url())
    events = section(page, '<h2 id="events">', "</section>")
    items = re.findall(r"<li class=\"event-(\w+)\">(.*?)</li>", events, re.S)
    assert [kind for kind, _ in items] == ["opened", "extended", "cancelled"]
    extended, cancelled = items[1][1], items[2][1]
    assert f"from {old:%-d %B %Y} to {new:%-d %B %Y}" in extended
    assert "Reason: Holidays in August" in extended and "by secretariat" in extended
    assert "Deadline extended from" not in extended.split("</strong>")[1]  # its words only
    assert "Cancelled because The wrong file was sent" in cancelled
    assert "by secretariat" in cancelled
    facts = section(page, '<dl class="facts', "</dl>")
    assert "Cancelled because" in facts and "Closed because" not in page


class TestSecretariatSteps:
    def test_close_is_not_offered_before_it_is_allowed_and_the_page_says_why(self, client, cast):
        round = open_round(cast)
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        close = reverse("web:round-decide", args=[round.pk, "close"])
        assert close not in page and "Close the round</summary>" not in page
        why = section(page, 'id="close-not-yet"', "</p>")
        assert "cannot close before its deadline" in why and "ESA, JAXA, NASA" in why
        # Extending and cancelling are allowed: offered.
        assert reverse("web:round-decide", args=[round.pk, "extend"]) in page
        assert reverse("web:round-decide", args=[round.pk, "cancel"]) in page

    def test_close_is_offered_once_the_deadline_has_passed(self, client, cast):
        opened = timezone.now() - datetime.timedelta(days=20)
        round = open_round(cast, now=opened, deadline=timezone.localdate(opened))
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert reverse("web:round-decide", args=[round.pk, "close"]) in page
        assert 'id="close-not-yet"' not in page
        # Past its deadline it can no longer be extended or cancelled: said, not offered.
        assert reverse("web:round-decide", args=[round.pk, "extend"]) not in page
        assert "can no longer be extended" in section(page, 'id="extend-not-allowed"', "</p>")
        assert "can no longer be cancelled" in section(page, 'id="cancel-not-allowed"', "</p>")
        client.post(
            reverse("web:round-decide", args=[round.pk, "close"]), {"reason": "Deadline passed"}
        )
        round.refresh_from_db()
        assert round.state == "closed" and round.closed_by == cast.secretariat

    def test_a_forged_close_before_it_is_allowed_is_still_refused(self, client, cast):
        round = open_round(cast)
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:round-decide", args=[round.pk, "close"]),
            {"reason": "Let us be done"},
            follow=True,
        )
        assert "cannot close before its deadline" in html.unescape(response.content.decode())
        round.refresh_from_db()
        assert round.state == "open" and round.closed_at is None


class TestDelegatePanel:
    def test_a_delegate_of_one_agency_is_not_asked_to_choose_it(self, client, cast):
        round = open_round(cast)
        page = page_of(client, cast.delegates["NASA"], round.get_absolute_url())
        form = section(page, '<form method="post" action="/rounds/', "</form>")
        assert '<select name="agency"' not in form
        assert '<input type="hidden" name="agency" value="NASA"' in form
        assert "For <strong>" in form and "NASA" in section(form, "For <strong>", "</strong>")

    def test_a_delegate_of_two_agencies_chooses_between_them(self, client, cast):
        round = open_round(cast)
        delegate = cast.delegates["NASA"]
        factories.DelegateAppointmentFactory(
            person=delegate, agency=cast.agencies["ESA"], starts_on=datetime.date(2020, 1, 1)
        )
        page = page_of(client, delegate, round.get_absolute_url())
        select = section(page, '<select name="agency"', "</select>")
        assert re.findall(r'<option value="(\w+)"', select) == ["ESA", "NASA"]
        assert "Your agencies' positions" in page

    def test_the_delegates_position_and_form_come_first(self, client, cast):
        round = open_round(cast)
        nasa = cast.agencies["NASA"]
        position_record(
            round=round, actor=cast.delegates["NASA"], agency=nasa, position="no_objection"
        )
        page = page_of(client, cast.delegates["NASA"], round.get_absolute_url())
        own = section(page, '<section class="card own-position"', "</section>")
        assert "NASA's position" in own and ">no objection<" in own
        assert "by delegate-nasa" in own and 'id="position-form"' in own
        assert page.index("own-position") < page.index('<dl class="facts')
        assert page.index("own-position") < page.index('<table class="ballot">')
        # The reader, who speaks for nobody, has no such panel.
        assert "own-position" not in page_of(client, cast.reader, round.get_absolute_url())


def test_the_round_page_costs_the_same_for_28_agencies_with_histories_as_for_3(client, cast):
    few = open_round(cast)
    agencies = more_agencies(25)
    many = open_round(cast)
    assert (few.eligible_agencies.count(), many.eligible_agencies.count()) == (3, 28)
    for round in (few, many):
        eligible = list(round.eligible_agencies.order_by("acronym"))
        for agency in eligible[:-1]:  # one left silent: the round stays open
            for kind, why in (("object", "Section 2 is wrong"), ("concur", "")):
                position_record(
                    round=round,
                    actor=cast.secretariat,
                    agency=agency,
                    position=kind,
                    rationale=why,
                )
    consensus_round_extend(
        round=many,
        actor=cast.secretariat,
        deadline=many.deadline + datetime.timedelta(days=3),
        reason="More time",
    )
    for user in (cast.secretariat, cast.delegates["NASA"], cast.reader):
        client.force_login(user)
        counts = [queries_of(client, round.get_absolute_url()) for round in (few, many)]
        assert counts[0] == counts[1], (user.username, counts)
        assert counts[1] <= 20, (user.username, counts)
    page = page_of(client, cast.reader, many.get_absolute_url())
    grid = section(page, '<table class="ballot">', "</table>")
    assert grid.count('<details class="history">') == 27
    assert grid.count("Section 2 is wrong") == 27  # each earlier objection kept, with its words
    assert agencies[0].acronym in grid


def test_a_round_of_the_record_is_dated_as_precisely_as_it_is_known(client, isecg_record):
    round = ConsensusRound.objects.exclude(dates_precision="day").first()
    assert round is not None and round.opened_by is None
    page = page_of(client, factories.UserFactory(username="a-reader"), round.get_absolute_url())
    events = section(page, '<h2 id="events">', "</section>")
    assert "(a round of the record)" in events
    assert f"{round.opened_on:%-d %B %Y}, 00:00" not in page  # no day, no hour invented
    assert "by the tracker itself" not in page  # the publications do not say who decided
