"""Structural changes go through the plenary: proposed, a consensus round under the one rule,
SAM endorsement where needed, and only then in force, on the effective date."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.groups.changes import (
    structural_change_amend,
    structural_change_endorse,
    structural_change_propose,
    structural_change_withdraw,
    structural_changes_take_effect,
)
from apps.groups.models import (
    ChangeState,
    GroupStatus,
    MandateVersion,
    StructuralChange,
    WorkingGroup,
)
from apps.groups.tasks import take_effect
from apps.plenary.models import ConsensusRound
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_rounds_close_expired,
    position_record,
    structural_change_round_open,
)
from apps.reports.selectors import report_facts
from tests import factories

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DURING = OPENED + datetime.timedelta(days=3)
AFTER_DEADLINE = OPENED + datetime.timedelta(days=15)  # the deadline is 16 March
EFFECTIVE = datetime.date(2026, 7, 1)


def absorption(cast, *, actor=None, sam=True, effective_on=EFFECTIVE, **fields):
    team = factories.SubTeamFactory(group=cast.swg, name="Benefits Tiger Team")
    return structural_change_propose(
        actor=actor or cast.secretariat,
        kind="absorption",
        summary="The SWG and its tiger team are consolidated under the TWG.",
        effective_on=effective_on,
        groups=[cast.swg],
        sub_teams=[team],
        into_group=cast.twg,
        needs_sam_endorsement=sam,
        now=OPENED,
        **fields,
    )


def open_round(cast, change, capture, now=OPENED):
    with capture(execute=True):  # the notices go out after the commit: silence then counts
        return structural_change_round_open(
            change=change,
            actor=cast.secretariat,
            channel="written_procedure",
            now=now,
            unreachable_acknowledged=True,
        )


def answer(cast, round, acronym, position, rationale=""):
    return position_record(
        round=round,
        actor=cast.delegates[acronym],
        agency=cast.agencies[acronym],
        position=position,
        rationale=rationale,
        now=DURING,
    )


def reloaded(*rows):
    for row in rows:
        row.refresh_from_db()
    return rows


# --- proposing --------------------------------------------------------------------------------


def test_a_cochair_of_an_affected_group_proposes_and_nothing_changes_yet(cast):
    change = absorption(cast, actor=cast.cochair_swg)
    assert change.state == ChangeState.PROPOSED
    assert change.proposed_by == cast.cochair_swg
    assert change.history.get().history_change_reason == "Structural change proposed"
    (swg,) = reloaded(cast.swg)
    assert (swg.status, swg.successor, swg.status_change) == (GroupStatus.ACTIVE, None, None)
    assert list(change.groups.all()) == [cast.swg]


@pytest.mark.parametrize("who", ["delegate", "reader", "sam"])
def test_only_the_secretariat_or_an_affected_groups_cochair_may_propose(cast, who):
    with pytest.raises(ApplicationError) as refused:
        absorption(cast, actor=cast.by_role(who))
    assert refused.value.code == "forbidden"
    assert not StructuralChange.objects.exists()


def test_a_cochair_of_an_unaffected_group_may_not_propose_for_others(cast):
    other = factories.WorkingGroupFactory(acronym="ERWG")
    with pytest.raises(ApplicationError) as refused:
        structural_change_propose(
            actor=cast.cochair_twg,  # co-chairs TWG, proposes closing ERWG
            kind="closure",
            summary="ERWG closes.",
            effective_on=EFFECTIVE,
            groups=[other],
        )
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"kind": "absorption", "groups": "swg"}, "into_group", "names the group taking over"),
        (
            {"kind": "absorption", "groups": "swg", "into_group": "swg"},
            "into_group",
            "must be active and not one of those ending",
        ),
        ({"kind": "mandate_change", "groups": "swg"}, "new_mandate", "gives the new mandate"),
        ({"kind": "renaming", "groups": "swg"}, "new_name", "gives the new name"),
        ({"kind": "establishment", "new_groups": []}, "new_groups", "names one new group"),
        (
            {"kind": "establishment", "new_groups": [{"acronym": "LWG", "name": "Lunar WG"}]},
            "new_groups",
            "give its mandate",
        ),
        (
            {
                "kind": "split",
                "groups": "swg",
                "new_groups": [{"acronym": "A", "name": "A", "mandate": "a"}],
            },
            "new_groups",
            "two or more new groups",
        ),
        ({"kind": "partial_merger", "groups": "swg"}, "groups", "2 or more groups"),
        ({"kind": "closure", "groups": "swg", "summary": "Closed\x00 now"}, "summary", ""),
        ({"kind": "closure", "groups": "swg", "summary": "  "}, "summary", "Say what changes"),
        ({"kind": "coup", "groups": "swg"}, "kind", "Unknown kind 'coup'"),
        (
            {"kind": "closure", "groups": "swg", "effective_on": datetime.date(1900, 1, 1)},
            "effective_on",
            "",
        ),
    ],
)
def test_a_malformed_proposal_is_refused_with_what_to_fix_and_writes_nothing(
    cast, fields, field, says
):
    fields = dict(fields)
    fields["groups"] = [cast.swg] if fields.get("groups") == "swg" else []
    if fields.get("into_group") == "swg":
        fields["into_group"] = cast.swg
    fields.setdefault("summary", "A change.")
    fields.setdefault("effective_on", EFFECTIVE)
    with pytest.raises(ApplicationError) as refused:
        structural_change_propose(actor=cast.secretariat, **fields)
    assert refused.value.code == "invalid"
    assert field in refused.value.extra["fields"], refused.value.extra
    assert says in refused.value.message
    assert not StructuralChange.objects.exists()


def test_an_ended_group_cannot_change_again(cast, django_capture_on_commit_callbacks):
    change = absorption(cast, sam=False, effective_on=datetime.date(2026, 1, 1))
    decide_by_silence(cast, change, django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError) as refused:
        structural_change_propose(
            actor=cast.secretariat,
            kind="closure",
            summary="Close it.",
            effective_on=EFFECTIVE,
            groups=[cast.swg],
        )
    assert "SWG ended" in refused.value.message


# --- the round --------------------------------------------------------------------------------


def decide_by_silence(cast, change, capture):
    round = open_round(cast, change, capture)
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    return round


def test_the_round_freezes_the_members_of_the_day_and_a_second_is_refused(
    cast, django_capture_on_commit_callbacks
):
    change = absorption(cast)
    round = open_round(cast, change, django_capture_on_commit_callbacks)
    factories.AgencyFactory(acronym="HSC", joined_on=DURING.date())
    assert round.subject == change
    assert round.deliverable is None
    assert set(round.eligible_agencies.values_list("acronym", flat=True)) == {
        "ESA",
        "JAXA",
        "NASA",
    }
    assert reloaded(change)[0].state == ChangeState.IN_CONSENSUS
    with pytest.raises(ApplicationError) as refused:
        open_round(cast, change, django_capture_on_commit_callbacks)
    assert refused.value.code == "illegal_move"
    assert "in a consensus round" in refused.value.message
    assert ConsensusRound.objects.count() == 1


def test_only_the_secretariat_opens_a_round_on_a_change(cast):
    change = absorption(cast, actor=cast.cochair_swg)
    with pytest.raises(ApplicationError) as refused:
        structural_change_round_open(change=change, actor=cast.cochair_swg, channel="plenary")
    assert refused.value.code == "forbidden"
    assert reloaded(change)[0].state == ChangeState.PROPOSED


def test_each_eligible_agency_is_told_with_the_proposal_itself(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    change = absorption(cast)
    open_round(cast, change, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3
    body = mailoutbox[0].body
    assert "the proposed absorption (1 Jul 2026)" in body or "the proposed absorption" in body
    assert "The proposal you decide on: The SWG and its tiger team" in body


def test_one_standing_objection_sends_the_proposal_back_and_changes_nothing(
    cast, django_capture_on_commit_callbacks
):
    change = absorption(cast)
    round = open_round(cast, change, django_capture_on_commit_callbacks)
    answer(cast, round, "ESA", "concur")
    answer(cast, round, "JAXA", "object", "The tiger team's work is not finished.")
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    round, change, swg = reloaded(round, change, cast.swg)
    assert (round.state, round.outcome) == ("closed", "objected")
    assert change.state == ChangeState.PROPOSED
    assert swg.status == GroupStatus.ACTIVE
    assert "Not agreed" in change.history.first().history_change_reason
    # Amended after the objection, it may go to a new round.
    amended = structural_change_amend(
        change=change,
        actor=cast.secretariat,
        expected_version=change.version,
        reason="After JAXA's objection",
        effective_on=datetime.date(2026, 10, 1),
    )
    assert amended.effective_on == datetime.date(2026, 10, 1)
    assert open_round(cast, amended, django_capture_on_commit_callbacks, now=AFTER_DEADLINE)


def test_silence_agrees_then_the_sams_endorse_and_it_takes_effect_on_its_date(
    cast, django_capture_on_commit_callbacks
):
    change = absorption(cast)
    decide_by_silence(cast, change, django_capture_on_commit_callbacks)
    (change,) = reloaded(change)
    assert change.state == ChangeState.AWAITING_ENDORSEMENT
    assert reloaded(cast.swg)[0].status == GroupStatus.ACTIVE  # agreed is not decided
    with pytest.raises(ApplicationError) as refused:
        structural_change_endorse(
            change=change, actor=cast.sam, endorsed_on=AFTER_DEADLINE.date(), decision="SAMs"
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        structural_change_endorse(
            change=change,
            actor=cast.secretariat,
            endorsed_on=AFTER_DEADLINE.date() + datetime.timedelta(days=2),
            decision="Endorsed",
            now=AFTER_DEADLINE,
        )
    assert "today or earlier" in refused.value.message
    structural_change_endorse(
        change=change,
        actor=cast.secretariat,
        endorsed_on=AFTER_DEADLINE.date(),
        decision="Approved by the senior agency managers",
        now=AFTER_DEADLINE,
    )
    change, swg = reloaded(change, cast.swg)
    assert (change.state, change.applied_at) == (ChangeState.DECIDED, None)
    assert change.state_label == "decided, not yet in effect"
    assert swg.status == GroupStatus.ACTIVE  # decided, but not before its date
    assert structural_changes_take_effect(now=AFTER_DEADLINE) == 0
    on_the_day = datetime.datetime(2026, 7, 1, 0, 30, tzinfo=datetime.UTC)
    assert structural_changes_take_effect(now=on_the_day) == 1
    assert structural_changes_take_effect(now=on_the_day) == 0  # once
    change, swg = reloaded(change, cast.swg)
    assert change.state_label == "in effect"
    assert (swg.status, swg.successor, swg.status_change) == ("absorbed", cast.twg, change)
    team = change.sub_teams.get()
    assert (team.status, team.status_change) == ("absorbed", change)
    assert swg.history.first().history_change_reason == f"Absorption #{change.pk} took effect"


def test_consensus_without_sams_decides_and_a_past_date_takes_effect_at_once(
    cast, django_capture_on_commit_callbacks
):
    change = absorption(cast, sam=False, effective_on=datetime.date(2026, 1, 1))
    round = open_round(cast, change, django_capture_on_commit_callbacks)
    for acronym in ("ESA", "JAXA", "NASA"):
        answer(cast, round, acronym, "concur")  # the last answer closes the round
    round, change, swg = reloaded(round, change, cast.swg)
    assert (round.state, round.outcome) == ("closed", "consensus")
    assert (change.state, change.decided_on) == (ChangeState.DECIDED, DURING.date())
    assert change.applied_at is not None
    assert swg.status == GroupStatus.ABSORBED


def test_the_beat_task_makes_due_effects_and_leaves_its_heartbeat(
    cast, django_capture_on_commit_callbacks
):
    from apps.core.models import JobHeartbeat

    change = absorption(cast, sam=False, effective_on=timezone.localdate())
    round = open_round(cast, change, django_capture_on_commit_callbacks, now=timezone.now())
    consensus_round_cancel(round=round, actor=cast.secretariat, reason="Wrong text")
    assert reloaded(change)[0].state == ChangeState.PROPOSED
    round = open_round(cast, change, django_capture_on_commit_callbacks, now=timezone.now())
    for acronym in ("ESA", "JAXA"):
        position_record(
            round=round,
            actor=cast.delegates[acronym],
            agency=cast.agencies[acronym],
            position="concur",
        )
    with pytest.raises(ApplicationError):  # NASA has not answered, the deadline is ahead
        consensus_round_close(round=round, actor=cast.secretariat, reason="Enough")
    position_record(
        round=round, actor=cast.delegates["NASA"], agency=cast.agencies["NASA"], position="abstain"
    )
    assert reloaded(cast.swg)[0].status == GroupStatus.ABSORBED  # effective today: at once
    assert take_effect.delay().get() == 0
    assert JobHeartbeat.objects.get(job="structural-changes-take-effect").count == 0


def test_withdrawn_only_while_proposed_and_kept(cast, django_capture_on_commit_callbacks):
    change = absorption(cast)
    open_round(cast, change, django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError) as refused:
        structural_change_withdraw(change=change, actor=cast.secretariat, reason="No")
    assert refused.value.code == "illegal_move"
    other = structural_change_propose(
        actor=cast.secretariat,
        kind="closure",
        summary="Close the TWG.",
        effective_on=EFFECTIVE,
        groups=[cast.twg],
    )
    structural_change_withdraw(change=other, actor=cast.secretariat, reason="Not now")
    (other,) = reloaded(other)
    assert other.state == ChangeState.WITHDRAWN
    assert other.history.first().history_change_reason == "Withdrawn: Not now"


def test_an_amendment_from_an_older_copy_is_refused(cast):
    change = absorption(cast)
    structural_change_amend(
        change=change, actor=cast.secretariat, expected_version=change.version, reason="Date",
        effective_on=datetime.date(2026, 9, 1),
    )  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        structural_change_amend(
            change=change, actor=cast.secretariat, expected_version=change.version,
            reason="Mine", summary="Other text",
        )  # fmt: skip
    assert refused.value.code == "stale"
    assert reloaded(change)[0].summary.startswith("The SWG")


# --- the effect of each kind ------------------------------------------------------------------


def decided(cast, capture, **fields):
    change = structural_change_propose(
        actor=cast.secretariat, effective_on=datetime.date(2026, 1, 1), now=OPENED, **fields
    )
    decide_by_silence(cast, change, capture)
    (change,) = reloaded(change)
    assert change.state_label == "in effect"
    return change


def test_an_establishment_sets_up_the_group_with_its_first_mandate(
    cast, django_capture_on_commit_callbacks
):
    change = decided(
        cast,
        django_capture_on_commit_callbacks,
        kind="establishment",
        summary="A Lunar Working Group is set up.",
        new_groups=[{"acronym": "LWG", "name": "Lunar Working Group", "mandate": "Moon."}],
    )
    group = WorkingGroup.objects.get(acronym="LWG")
    assert (group.established_by, group.established_on) == (change, datetime.date(2026, 1, 1))
    version = MandateVersion.objects.get(group=group)
    assert (version.text, version.change, version.in_force_from) == (
        "Moon.",
        change,
        datetime.date(2026, 1, 1),
    )


def test_a_split_closes_the_group_and_sets_up_its_parts(cast, django_capture_on_commit_callbacks):
    change = decided(
        cast,
        django_capture_on_commit_callbacks,
        kind="split",
        summary="The SWG splits in two.",
        groups=[cast.swg],
        new_groups=[
            {"acronym": "LSWG", "name": "Lunar Science WG", "mandate": "Lunar science."},
            {"acronym": "MSWG", "name": "Mars Science WG", "mandate": "Mars science."},
        ],
    )
    (swg,) = reloaded(cast.swg)
    assert (swg.status, swg.status_change) == (GroupStatus.CLOSED, change)
    assert set(change.established_groups.values_list("acronym", flat=True)) == {"LSWG", "MSWG"}


def test_a_mandate_change_is_a_new_version_in_force_from_its_date(
    cast, django_capture_on_commit_callbacks
):
    change = decided(
        cast,
        django_capture_on_commit_callbacks,
        kind="mandate_change",
        summary="The TWG's mandate adds nuclear power.",
        groups=[cast.twg],
        new_mandate="Technology, nuclear power included.",
    )
    version = MandateVersion.objects.get(change=change)
    assert (version.group, version.text) == (cast.twg, "Technology, nuclear power included.")
    assert version.in_force_from == datetime.date(2026, 1, 1)


def test_a_renaming_renames(cast, django_capture_on_commit_callbacks):
    decided(
        cast,
        django_capture_on_commit_callbacks,
        kind="renaming",
        summary="The TWG is renamed.",
        groups=[cast.twg],
        new_name="Technology and Innovation Working Group",
    )
    (twg,) = reloaded(cast.twg)
    assert (twg.acronym, twg.name) == ("TWG", "Technology and Innovation Working Group")


# --- what the report says ---------------------------------------------------------------------


def test_a_report_tells_of_decided_changes_in_effect_only(cast, django_capture_on_commit_callbacks):
    proposed = absorption(cast, effective_on=datetime.date(2026, 3, 1))
    facts = report_facts(year=2026, today=datetime.date(2026, 12, 31))
    assert facts.changes == []
    change = decided(
        cast,
        django_capture_on_commit_callbacks,
        kind="closure",
        summary="The TWG closes.",
        groups=[cast.twg],
    )
    facts = report_facts(year=2026, today=datetime.date(2026, 12, 31))
    assert facts.changes == [change]
    assert proposed not in facts.changes


def test_the_operators_command_makes_due_effects_through_the_same_service(
    cast, django_capture_on_commit_callbacks, capsys
):
    from django.core.management import call_command

    change = absorption(cast, sam=False, effective_on=datetime.date(2026, 6, 1))
    decide_by_silence(cast, change, django_capture_on_commit_callbacks)
    assert reloaded(cast.swg)[0].status == GroupStatus.ACTIVE  # decided in March for June
    call_command("take_structural_changes_effect")  # today is after June 2026
    assert "1 structural change(s) took effect." in capsys.readouterr().out
    assert reloaded(cast.swg)[0].status == GroupStatus.ABSORBED
