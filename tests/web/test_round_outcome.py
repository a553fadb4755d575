"""The round page's "Record the plenary outcome": one form, one post, the positions of every
agency present at a meeting recorded together (exceptions with their rationale), agencies absent
keeping their own say; refused as a whole, with what was typed kept, or not at all."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.agencies.models import Agency
from apps.meetings.models import Decision
from apps.meetings.services import attendance_record
from apps.plenary.models import ConsensusRound, Position
from apps.plenary.services import consensus_round_open
from tests import factories
from tests.security.test_routes import history_rows

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2007, 5, 1)


def page_of(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:800]
    return html.unescape(response.content.decode())


def section(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def meeting(title="June plenary", days=0):
    return factories.PlenaryMeetingFactory(
        title=title, starts_on=timezone.localdate() + datetime.timedelta(days=days)
    )


def open_round(cast, at=None) -> ConsensusRound:
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        meeting=at,
    )


def attended(cast, at, rows: dict) -> None:
    """rows: acronym -> status; the others not recorded."""
    agencies = {a.acronym: a for a in Agency.objects.all()}
    attendance_record(
        meeting=at,
        actor=cast.secretariat,
        rows={agencies[acronym]: (status, "") for acronym, status in rows.items()},
    )


def outcome_url(round) -> str:
    return reverse("web:round-outcome", args=[round.pk])


def body(at, default="concur", **per_agency) -> dict:
    """per_agency: ESA=("object", "Chapter 3") ..."""
    data = {"meeting": at.pk, "default": default}
    for acronym, (position, rationale) in per_agency.items():
        pk = Agency.objects.get(acronym=acronym).pk
        data[f"position_{pk}"] = position
        data[f"rationale_{pk}"] = rationale
    return data


def nothing_recorded(round, before: int) -> None:
    assert not Position.objects.filter(round=round).exists()
    assert not Decision.objects.exists()
    assert ConsensusRound.objects.get(pk=round.pk).state == "open"
    assert history_rows() == before


def many_agencies(count: int) -> None:
    for number in range(count):
        agency = factories.AgencyFactory(
            acronym=f"AG{number:02d}", country=f"Country {number:02d}", joined_on=JOINED
        )
        factories.DelegateAppointmentFactory(
            person=factories.UserFactory(username=f"head-{number}"),
            agency=agency,
            starts_on=datetime.date(2020, 1, 1),
        )


class TestTheForm:
    def test_every_eligible_agency_with_its_attendance_at_the_rounds_meeting(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "apologies"})
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        form = section(page, '<h2 id="outcome">', "</section>")
        assert f'action="{outcome_url(round)}"' in form and form.count("<form") == 1
        assert re.search(rf'<option value="{june.pk}" selected>June plenary', form)
        assert '<option value="concur" selected>concur</option>' in form
        assert "2 of 3 eligible agencies present" in form
        nasa = Agency.objects.get(acronym="NASA").pk
        row = section(form, '<th scope="row">NASA</th>', "</tr>")
        assert "absent: keeps its own say (apologies)" in row
        assert re.search(rf'name="position_{nasa}"[^>]*disabled', row)
        esa_row = section(form, '<th scope="row">ESA</th>', "</tr>")
        assert "present" in esa_row and "disabled" not in esa_row

    def test_without_a_meeting_of_its_own_the_latest_attended_is_chosen(self, client, cast):
        older, latest, unattended = meeting("March", -90), meeting("June", -5), meeting("July")
        attended(cast, older, {"ESA": "present"})
        attended(cast, latest, {"JAXA": "present"})
        round = open_round(cast)
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        form = section(page, '<h2 id="outcome">', "</section>")
        options = re.findall(r'<option value="(\d+)"', section(form, 'name="meeting"', "</select>"))
        assert options == [str(latest.pk), str(older.pk)]  # most recent first, attended only
        assert str(unattended.pk) not in options
        assert re.search(rf'<option value="{latest.pk}" selected>', form)
        # Another meeting's attendance, on asking for it.
        page = page_of(client, cast.secretariat, round.get_absolute_url() + f"?meeting={older.pk}")
        form = section(page, '<h2 id="outcome">', "</section>")
        assert re.search(rf'<option value="{older.pk}" selected>', form)
        assert "1 of 3 eligible agencies present" in form
        assert "absent: keeps its own say (attendance not recorded)" in section(
            form, '<th scope="row">JAXA</th>', "</tr>"
        )

    def test_no_meeting_attended_yet_says_what_to_do(self, client, cast):
        round = open_round(cast)
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert "No meeting has its attendance recorded yet" in page

    @pytest.mark.parametrize("role", ["cochair", "delegate", "reader", "sam"])
    def test_only_the_secretariat_has_it(self, client, cast, role):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present"})
        page = page_of(client, cast.by_role(role), round.get_absolute_url())
        assert "Record the plenary outcome" not in page

    def test_not_once_the_deadline_has_passed(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present"})
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ConsensusRound.objects.filter(pk=round.pk).update(
            opened_on=yesterday - datetime.timedelta(days=3), deadline=yesterday
        )
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert "Record the plenary outcome" not in page


class TestOnePost:
    def test_28_agencies_present_recorded_in_one_post(self, client, cast):
        many_agencies(25)
        june = meeting()
        round = open_round(cast, at=june)
        assert round.eligible_agencies.count() == 28
        attended(cast, june, {a.acronym: "present" for a in Agency.objects.all()})
        client.force_login(cast.secretariat)
        response = client.post(
            outcome_url(round),
            body(june, JAXA=("abstain", "Not in our programme"), NASA=("no_objection", "")),
        )
        assert response.status_code == 302 and response.url == round.get_absolute_url()
        positions = Position.objects.filter(round=round)
        assert positions.count() == 28
        assert Position.history.filter(round=round).count() == 28  # one history row each
        assert positions.filter(position="concur").count() == 26
        jaxa = positions.get(agency__acronym="JAXA")
        assert (jaxa.position, jaxa.rationale) == ("abstain", "Not in our programme")
        assert positions.get(agency__acronym="NASA").position == "no_objection"
        assert all(p.meeting == june and p.on_behalf for p in positions)
        assert all(p.recorded_by == cast.secretariat for p in positions)
        round.refresh_from_db()
        assert (round.state, round.outcome) == ("closed", "consensus")
        assert round.history.filter(state="closed").count() == 1  # closed once
        decision = Decision.objects.get(round=round, meeting=june)
        assert decision.positions_recorded == 28
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert f"Outcome recorded at June plenary. {decision.statement}" in page
        assert decision.statement.startswith("RESOLVED:") and "consensus reached" in page

    def test_absent_agencies_keep_their_say_and_the_round_stays_open(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "absent"})
        client.force_login(cast.secretariat)
        response = client.post(outcome_url(round), body(june, default="no_objection"))
        assert response.status_code == 302
        recorded = dict(Position.objects.filter(round=round).values_list("agency__acronym",
                                                                          "position"))  # fmt: skip
        assert recorded == {"ESA": "no_objection", "JAXA": "no_objection"}
        round.refresh_from_db()
        assert round.state == "open"
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert "the round stays open for the agencies not present" in page

    def test_an_objection_with_its_rationale_objects(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "present"})
        client.force_login(cast.secretariat)
        response = client.post(
            outcome_url(round), body(june, ESA=("object", "Chapter 3 misstates our plans"))
        )
        assert response.status_code == 302
        round.refresh_from_db()
        assert round.outcome == "objected"
        assert round.objections.get().rationale == "Chapter 3 misstates our plans"
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert "RESOLVED:" in page and "objected" in page

    def test_an_objection_without_rationale_is_refused_with_what_was_typed_kept(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "present"})
        client.force_login(cast.secretariat)
        before = history_rows()
        response = client.post(
            outcome_url(round),
            body(june, default="no_objection", ESA=("object", " "),
                 JAXA=("abstain", "We abstain on chapter 5")),
        )  # fmt: skip
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        assert "An objection (ESA) must give its rationale" in page
        form = section(page, '<h2 id="outcome">', "</section>")
        assert '<option value="no_objection" selected>' in form
        esa, jaxa = (section(form, f'<th scope="row">{a}</th>', "</tr>") for a in ("ESA", "JAXA"))
        assert '<option value="object" selected>' in esa
        assert '<option value="abstain" selected>' in jaxa and "We abstain on chapter 5" in jaxa
        nothing_recorded(round, before)

    def test_an_exception_for_an_absent_agency_is_refused(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "apologies"})
        client.force_login(cast.secretariat)
        before = history_rows()
        # The page shows NASA's fields disabled; a forged post sends them anyway.
        response = client.post(outcome_url(round), body(june, NASA=("object", "Not ready")))
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        assert "NASA did not attend June plenary" in page and "keeps its own say" in page
        nothing_recorded(round, before)

    @pytest.mark.parametrize("role", ["cochair", "delegate", "other_cochair", "reader", "sam"])
    def test_a_forged_post_by_anyone_but_the_secretariat_is_refused(self, client, cast, role):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present", "NASA": "present"})
        client.force_login(cast.by_role(role))
        before = history_rows()
        response = client.post(outcome_url(round), body(june))
        assert response.status_code == 403
        assert "Only the secretariat may record a plenary outcome" in response.content.decode()
        nothing_recorded(round, before)

    @pytest.mark.parametrize(
        "change, says",
        [
            ({"default": "veto"}, "Select a valid choice"),
            ({"meeting": "999999"}, "Select a valid choice"),
            ({"meeting": "x"}, "Select a valid choice"),
            ({"position_ESA": "x"}, None),  # no such field: ignored, nothing forged through it
        ],
    )
    def test_bad_choices_are_refused(self, client, cast, change, says):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present"})
        client.force_login(cast.secretariat)
        response = client.post(outcome_url(round), {**body(june), **change})
        if says is None:
            assert response.status_code == 302
            assert Position.objects.get(round=round).position == "concur"
            return
        assert response.status_code == 400 and says in response.content.decode()
        assert not Position.objects.filter(round=round).exists()

    def test_control_characters_and_over_long_rationales_are_refused(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present"})
        client.force_login(cast.secretariat)
        before = history_rows()
        for rationale, says in [("Bad\x07", "holds control characters"),
                                ("x" * 5001, "at most 5000 characters")]:  # fmt: skip
            response = client.post(outcome_url(round), body(june, ESA=("object", rationale)))
            assert response.status_code == 400
            assert says in html.unescape(response.content.decode())
        nothing_recorded(round, before)

    def test_the_same_outcome_twice_is_refused(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present", "JAXA": "present"})
        client.force_login(cast.secretariat)
        assert client.post(outcome_url(round), body(june)).status_code == 302
        response = client.post(outcome_url(round), body(june, ESA=("abstain", "")))
        assert response.status_code == 400
        assert "already recorded" in html.unescape(response.content.decode())
        assert Position.objects.filter(round=round).count() == 2
        assert Decision.objects.count() == 1

    def test_a_closed_round_is_refused(self, client, cast):
        june = meeting()
        round = open_round(cast, at=june)
        attended(cast, june, {"ESA": "present"})
        ConsensusRound.objects.filter(pk=round.pk).update(
            state="cancelled", closed_at=timezone.now()
        )
        client.force_login(cast.secretariat)
        response = client.post(outcome_url(round), body(june))
        assert response.status_code == 400
        assert "already cancelled" in html.unescape(response.content.decode())
        assert not Position.objects.exists()
