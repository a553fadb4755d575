"""Structural changes through the pages: proposed by a co-chair of an affected group (never by a
delegate, nor for another's group), put to a round by the secretariat, positions on the round
page, closed by the deadline with silence, sent back by an objection, endorsed by the SAMs and
in effect; the group page shows the lineage, and the proposals as proposals. The round page,
the home page, watching and the meetings' agenda and minutes work with a round on a change."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.groups.changes import structural_change_propose
from apps.groups.models import ChangeState, GroupStatus, StructuralChange
from apps.meetings.selectors import agenda_proposed
from apps.meetings.services import attendance_record, plenary_outcome_record
from apps.plenary.models import ConsensusRound, Objection
from apps.plenary.services import position_record, structural_change_round_open
from apps.watching.models import Notification
from apps.watching.services import watch_start
from tests import factories
from tests.security.test_routes import history_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page_of(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:800]
    return html.unescape(response.content.decode())


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def proposal_form(cast, **fields) -> dict:
    """What the propose page posts for SWG absorbed by TWG, taking effect today."""
    return {
        "kind": "absorption",
        "groups": [cast.swg.pk],
        "into_group": cast.twg.pk,
        "summary": "The SWG is consolidated under the TWG.",
        "effective": TODAY.isoformat(),
        "needs_sam_endorsement": "on",
        **fields,
    }


def proposed(cast, *, sam=True, actor=None, **fields) -> StructuralChange:
    return structural_change_propose(
        actor=actor or cast.secretariat,
        kind="absorption",
        summary="The SWG is consolidated under the TWG.",
        effective_on=TODAY,
        groups=[cast.swg],
        into_group=cast.twg,
        needs_sam_endorsement=sam,
        **fields,
    )


def opened(cast, change, capture) -> ConsensusRound:
    with capture(execute=True):  # the notices go out after the commit: silence then counts
        return structural_change_round_open(
            change=change, actor=cast.secretariat, channel="written_procedure"
        )


def deadline_passed(round: ConsensusRound) -> None:
    """Two weeks go by: the round's deadline was yesterday."""
    yesterday = TODAY - datetime.timedelta(days=1)
    ConsensusRound.objects.filter(pk=round.pk).update(
        opened_on=yesterday - datetime.timedelta(days=14), deadline=yesterday
    )


def change_url(change) -> str:
    return reverse("web:change", args=[change.pk])


# --- proposing ---------------------------------------------------------------------------------


def test_a_cochair_proposes_through_the_form_and_nothing_changes_yet(client, cast):
    page = page_of(client, cast.cochair_swg, reverse("web:change-new"))
    assert 'name="kind"' in page and 'name="effective"' in page
    assert 'name="notes"' not in page  # the secretariat's notes are the secretariat's
    response = post(client, cast.cochair_swg, reverse("web:change-new"), proposal_form(cast))
    change = StructuralChange.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(change)
    assert (change.state, change.proposed_by, change.kind) == (
        "proposed",
        cast.cochair_swg,
        "absorption",
    )
    assert list(change.groups.all()) == [cast.swg] and change.into_group == cast.twg
    assert change.history.get().history_change_reason == "Structural change proposed"
    cast.swg.refresh_from_db()
    assert cast.swg.status == GroupStatus.ACTIVE

    shown = page_of(client, cast.reader, change_url(change))
    assert "Absorption #" in shown and "The SWG is consolidated under the TWG." in shown
    assert "Proposed: if it is decided, then on" in shown and "taken over by" in shown
    assert "Structural change proposed" in shown  # the history
    listed = page_of(client, cast.reader, reverse("web:changes"))
    proposed_section = listed[listed.index('id="state-proposed"') :]
    assert f"Absorption #{change.pk}" in proposed_section
    assert "to take effect" in proposed_section and "if decided" in proposed_section


def test_a_refused_proposal_says_what_to_fix_and_keeps_what_was_typed(client, cast):
    form = proposal_form(cast, into_group="")  # an absorption needs the group taking over
    response = post(client, cast.secretariat, reverse("web:change-new"), form)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "names the group taking over" in page
    assert "The SWG is consolidated under the TWG." in page
    assert not StructuralChange.objects.exists()


@pytest.mark.parametrize("role", ["delegate", "reader", "sam"])
def test_a_delegate_or_reader_may_not_propose(client, cast, role):
    user = cast.by_role(role)
    assert page_of(client, user, reverse("web:change-new"), status=403)
    before = history_rows()
    response = post(client, user, reverse("web:change-new"), proposal_form(cast))
    assert response.status_code == 403
    assert not StructuralChange.objects.exists() and history_rows() == before
    assert "Propose a structural change" not in page_of(client, user, reverse("web:changes"))


def test_a_forged_post_for_another_groups_change_is_refused(client, cast):
    """TWG's co-chair may open the form, but not propose closing SWG, which they do not
    co-chair: the service refuses the post however it is made."""
    form = proposal_form(cast, kind="closure", groups=[cast.swg.pk], into_group="")
    before = history_rows()
    response = post(client, cast.cochair_twg, reverse("web:change-new"), form)
    assert response.status_code == 403
    assert "co-chair of a group the change affects" in html.unescape(response.content.decode())
    assert not StructuralChange.objects.exists() and history_rows() == before


# --- the round ---------------------------------------------------------------------------------


def test_the_secretariat_opens_a_round_and_a_delegate_answers_on_the_round_page(
    client, cast, django_capture_on_commit_callbacks
):
    change = proposed(cast, actor=cast.cochair_swg)
    assert "Put it to a consensus round" not in page_of(
        client, cast.cochair_swg, change_url(change)
    )
    page = page_of(client, cast.secretariat, change_url(change))
    assert "Put it to a consensus round" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            cast.secretariat,
            reverse("web:change-round-open", args=[change.pk]),
            {"channel": "written_procedure"},
        )
    round = ConsensusRound.objects.get(structural_change=change)
    assert response.status_code == 302 and response["Location"] == round.get_absolute_url()
    change.refresh_from_db()
    assert change.state == ChangeState.IN_CONSENSUS

    shown = page_of(client, cast.delegates["NASA"], round.get_absolute_url())
    assert f"on the proposed absorption #{change.pk}" in shown
    assert "The SWG is consolidated under the TWG." in shown  # the proposal's text
    assert "no revision in the tracker" not in shown and "Record a position" in shown
    response = post(
        client,
        cast.delegates["NASA"],
        reverse("web:position", args=[round.pk]),
        {"agency": "NASA", "position": "concur"},
    )
    assert response.status_code == 302
    assert round.positions.get().position == "concur"
    # While it is in a round it is not amended nor withdrawn.
    page = page_of(client, cast.cochair_swg, change_url(change))
    assert "Amend the proposal" not in page and "Withdraw the proposal" not in page
    assert f"Round #{round.pk}" in page


def test_closed_by_the_deadline_with_silence_it_awaits_the_sams_then_is_in_effect(
    client, cast, django_capture_on_commit_callbacks
):
    change = proposed(cast)
    round = opened(cast, change, django_capture_on_commit_callbacks)
    position_record(
        round=round, actor=cast.delegates["NASA"], agency=cast.agencies["NASA"], position="concur"
    )
    deadline_passed(round)
    response = post(
        client,
        cast.secretariat,
        reverse("web:round-decide", args=[round.pk, "close"]),
        {"reason": "Deadline passed"},
    )
    assert response.status_code == 302
    round.refresh_from_db()
    change.refresh_from_db()
    assert (round.state, round.outcome) == ("closed", "consensus")
    assert "2 silent, counted as no objection" in round.history.first().history_change_reason
    assert change.state == ChangeState.AWAITING_ENDORSEMENT

    page = page_of(client, cast.secretariat, change_url(change))
    assert "Record the SAMs' endorsement" in page
    assert "Record the SAMs' endorsement" not in page_of(
        client, cast.cochair_swg, change_url(change)
    )
    response = post(
        client,
        cast.secretariat,
        reverse("web:change-endorse", args=[change.pk]),
        {"endorse-endorsed_on": TODAY.isoformat(), "endorse-decision": "Approved by the SAMs"},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    cast.swg.refresh_from_db()
    assert change.state == ChangeState.DECIDED and change.applied_at is not None
    assert (cast.swg.status, cast.swg.successor, cast.swg.status_change) == (
        GroupStatus.ABSORBED,
        cast.twg,
        change,
    )
    shown = page_of(client, cast.reader, change_url(change))
    assert "decided, in effect" in shown and "In effect since" in shown
    assert "now in" in shown and "Approved by the SAMs" in shown
    listed = page_of(client, cast.reader, reverse("web:changes"))
    assert "in effect" in listed[listed.index('id="state-decided"') :]


def test_an_objection_sends_it_back_to_proposed_and_is_not_accepted_not_resolved(
    client, cast, django_capture_on_commit_callbacks
):
    change = proposed(cast, actor=cast.cochair_swg)
    round = opened(cast, change, django_capture_on_commit_callbacks)
    response = post(
        client,
        cast.delegates["ESA"],
        reverse("web:position", args=[round.pk]),
        {"agency": "ESA", "position": "object", "rationale": "Keep the SWG one more year."},
    )
    assert response.status_code == 302
    deadline_passed(round)
    post(
        client,
        cast.secretariat,
        reverse("web:round-decide", args=[round.pk, "close"]),
        {"reason": "Deadline passed"},
    )
    round.refresh_from_db()
    change.refresh_from_db()
    assert (round.outcome, change.state) == ("objected", ChangeState.PROPOSED)

    page = page_of(client, cast.cochair_swg, round.get_absolute_url())
    assert "A proposal has no revisions" in page
    assert "Mark not accepted" in page and "Mark resolved" not in page
    item = Objection.objects.get(round=round)
    forged = post(
        client,
        cast.cochair_swg,
        reverse("web:objection-answer", args=[item.pk]),
        {"status": "resolved", "response": "Done", "revision": "1"},
    )
    assert forged.status_code == 302
    shown = page_of(client, cast.cochair_swg, forged["Location"])
    assert "no revisions to resolve an objection in" in shown
    response = post(
        client,
        cast.cochair_swg,
        reverse("web:objection-answer", args=[item.pk]),
        {"status": "not_accepted", "response": "The merger is due now."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Objection.Status.NOT_ACCEPTED
    # Back to proposed: it may be amended again, from the version the page showed.
    page = page_of(client, cast.cochair_swg, change_url(change))
    assert "Amend the proposal" in page


def test_amending_from_an_old_copy_is_refused_with_both_texts_kept(client, cast):
    change = proposed(cast, actor=cast.cochair_swg)
    seen = change.version
    form = {
        "amend-summary": "Mine.",
        "amend-effective": TODAY.isoformat(),
        "amend-needs_sam_endorsement": "on",
        "amend-seen_version": seen,
        "amend-reason": "Clearer",
    }
    first = post(client, cast.secretariat, reverse("web:change-amend", args=[change.pk]), {
        **form, "amend-summary": "Theirs.",
    })  # fmt: skip
    assert first.status_code == 302
    stale = post(client, cast.cochair_swg, reverse("web:change-amend", args=[change.pk]), form)
    page = html.unescape(stale.content.decode())
    assert stale.status_code == 409
    assert "Someone else changed this proposal" in page
    assert "Theirs." in page and "Mine." in page
    change.refresh_from_db()
    assert change.summary == "Theirs."


def test_a_proposal_is_withdrawn_and_kept(client, cast):
    change = proposed(cast, actor=cast.cochair_swg)
    response = post(
        client,
        cast.cochair_swg,
        reverse("web:change-withdraw", args=[change.pk]),
        {"withdraw-reason": "Overtaken by events"},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeState.WITHDRAWN
    assert "Overtaken by events" in page_of(client, cast.reader, change_url(change))


# --- the group page ----------------------------------------------------------------------------


def test_the_group_page_shows_its_lineage_and_proposals_as_proposals(
    client, cast, django_capture_on_commit_callbacks
):
    change = proposed(cast, sam=False)
    round = opened(cast, change, django_capture_on_commit_callbacks)
    for acronym in ("ESA", "JAXA", "NASA"):  # the last answer closes the round
        position_record(
            round=round,
            actor=cast.delegates[acronym],
            agency=cast.agencies[acronym],
            position="concur",
        )
    change.refresh_from_db()
    assert change.state == ChangeState.DECIDED and change.applied_at is not None
    erwg = factories.WorkingGroupFactory(acronym="ERWG")
    pending = structural_change_propose(
        actor=cast.secretariat,
        kind="closure",
        summary="The TWG's work is done.",
        effective_on=TODAY + datetime.timedelta(days=200),
        groups=[cast.twg],
    )

    swg = page_of(client, cast.reader, reverse("web:group", args=[cast.swg.pk]))
    lineage = swg[swg.index('id="group-changes"') :]
    assert f"Absorption #{change.pk}" in lineage and "in effect" in lineage
    twg = page_of(client, cast.reader, reverse("web:group", args=[cast.twg.pk]))
    changes = twg[twg.index('id="group-changes"') :]
    decided, proposals = changes.split("<h3>Proposed</h3>")
    assert f"Absorption #{change.pk}" in decided
    assert f"Closure #{pending.pk}" in proposals and f"Closure #{pending.pk}" not in decided
    assert "nothing of them has happened" in proposals and "if decided" in proposals
    assert "Closure" not in page_of(client, cast.reader, reverse("web:group", args=[erwg.pk]))


# --- what else reads rounds ----------------------------------------------------------------------


def test_a_round_of_the_record_shows_its_dates_as_known_and_no_opener(client, cast):
    change = factories.StructuralChangeFactory(
        state="decided", summary="Consolidated in 2025.", effective_precision="year"
    )
    change.groups.add(cast.swg)
    year = datetime.date(2025, 1, 1)
    round = factories.ConsensusRoundFactory(
        deliverable=None,
        structural_change=change,
        opened_by=None,
        opened_on=year,
        deadline=year,
        dates_precision="year",
        state="closed",
        outcome="consensus",
        closed_at=timezone.now(),
    )
    page = page_of(client, cast.reader, round.get_absolute_url())
    assert "Consensus round #" in page and "Consolidated in 2025." in page
    assert "<dt>Opened</dt><dd>2025" in page and "publications do not say who opened it" in page
    assert "<dt>Deadline</dt><dd>2025" in page and "1 January 2025" not in page
    assert f"Round #{round.pk}" in page_of(client, cast.reader, change_url(change))


def test_home_watching_and_meetings_take_a_round_on_a_change(
    client, cast, django_capture_on_commit_callbacks
):
    watch_start(actor=cast.reader, target=cast.swg, level="all", digest=False)
    meeting = factories.PlenaryMeetingFactory(starts_on=TODAY + datetime.timedelta(days=3))
    change = proposed(cast)
    other = structural_change_propose(
        actor=cast.secretariat,
        kind="mandate_change",
        summary="A sharper mandate.",
        effective_on=TODAY,
        groups=[cast.twg],
        new_mandate="Coordinates the technical work.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        round = structural_change_round_open(
            change=change, actor=cast.secretariat, channel="plenary", meeting=meeting
        )
    told = Notification.objects.get(user=cast.reader, event="round.opened")
    assert told.deliverable is None and f"the proposed absorption #{change.pk}" in told.title
    assert told.url == round.get_absolute_url()

    home = page_of(client, cast.delegates["NASA"], reverse("web:home"))
    assert f"Absorption #{change.pk}" in home and "None" not in home

    items = {item.source_key: item for item in agenda_proposed(meeting)}
    assert items[f"round:{round.pk}"].structural_change == change
    assert "Consensus on the proposed absorption (SWG)" in items[f"round:{round.pk}"].title
    assert f"change:{change.pk}" not in items  # its round stands for it
    assert "proposed, to be put to consensus" in items[f"change:{other.pk}"].title

    attendance_record(
        meeting=meeting,
        actor=cast.secretariat,
        rows={cast.agencies["ESA"]: ("present", "")},
    )
    decision = plenary_outcome_record(
        round=round, meeting=meeting, actor=cast.secretariat, default="concur", exceptions={}
    )
    assert decision.statement.startswith(
        f"RESOLVED: positions stated on the proposed absorption #{change.pk}"
    )
    shown = page_of(client, cast.reader, meeting.get_absolute_url())
    assert f"Consensus round #{round.pk} on Absorption #{change.pk}" in shown
    assert page_of(client, cast.reader, round.get_absolute_url())
