"""The consensus rule as ISECG works, on real rows."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.plenary.models import ConsensusRound, Position
from apps.plenary.selectors import round_facts
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)
from tests import factories

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DURING = OPENED + datetime.timedelta(days=3)
AFTER_DEADLINE = OPENED + datetime.timedelta(days=15)  # deadline is 16 March, end of day


@pytest.fixture
def round(cast, django_capture_on_commit_callbacks):
    deliverable = cast.deliverable("submitted")
    # The notices go out after the commit: each agency is then told, so its silence counts.
    with django_capture_on_commit_callbacks(execute=True):
        return consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="written_procedure",
            now=OPENED,
        )


def answer(cast, round, acronym, position, rationale="", actor=None, now=DURING):
    return position_record(
        round=round,
        actor=actor or cast.delegates[acronym],
        agency=cast.agencies[acronym],
        position=position,
        rationale=rationale,
        now=now,
    )


def state_of(round) -> tuple[str, str, str]:
    round.refresh_from_db()
    round.deliverable.refresh_from_db()
    return round.state, round.outcome, round.deliverable.state


def test_opening_freezes_the_members_of_the_day_and_defaults_to_14_days(cast, round):
    assert round.deadline == datetime.date(2026, 3, 16)
    assert set(round.eligible_agencies.values_list("acronym", flat=True)) == {"ESA", "JAXA", "NASA"}
    assert round.deliverable.state == "in_consensus"
    assert round.deliverable.history.latest().history_user == cast.secretariat


def test_silence_counts_as_no_objection_at_the_deadline(cast, round):
    answer(cast, round, "ESA", "concur")
    assert consensus_rounds_close_expired(now=DURING) == 0  # not yet
    assert consensus_rounds_close_expired(now=AFTER_DEADLINE) == 1
    assert state_of(round) == ("closed", "consensus", "approved")
    reason = round.deliverable.history.latest().history_change_reason
    assert "2 silent, counted as no objection" in reason
    assert round.closed_by is None


def test_one_standing_objection_returns_it_to_drafting_with_the_objection(cast, round):
    answer(cast, round, "ESA", "concur")
    answer(cast, round, "JAXA", "object", rationale="Chapter 4 misstates our lunar plans")
    answer(cast, round, "NASA", "no_objection")  # last answer closes the round
    assert state_of(round) == ("closed", "objected", "drafting")
    latest = round.deliverable.history.latest()
    assert "JAXA: Chapter 4 misstates our lunar plans" in latest.history_change_reason


def test_abstention_does_not_block(cast, round):
    answer(cast, round, "ESA", "abstain")
    answer(cast, round, "JAXA", "concur")
    answer(cast, round, "NASA", "no_objection")
    assert state_of(round) == ("closed", "consensus", "approved")


def test_a_withdrawn_objection_no_longer_blocks_and_every_position_is_kept(cast, round):
    answer(cast, round, "JAXA", "object", rationale="Missing our mission")
    answer(cast, round, "JAXA", "concur", now=DURING + datetime.timedelta(hours=2))
    facts = round_facts(round=round, today=DURING.date())
    jaxa = next(row for row in facts.rows if row.agency.acronym == "JAXA")
    assert jaxa.latest.position == "concur"
    assert [p.position for p in jaxa.earlier] == ["object"]
    assert facts.objections == ()
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    assert state_of(round) == ("closed", "consensus", "approved")
    assert Position.objects.filter(round=round).count() == 2


def test_an_objection_needs_a_rationale(cast, round):
    with pytest.raises(ApplicationError, match="must give its rationale"):
        answer(cast, round, "ESA", "object", rationale="  ")
    assert not Position.objects.exists()


def test_the_secretariat_may_not_close_early(cast, round):
    answer(cast, round, "ESA", "concur")
    with pytest.raises(ApplicationError) as refused:
        consensus_round_close(round=round, actor=cast.secretariat, reason="Enough", now=DURING)
    assert "cannot close before its deadline (16 March 2026)" in refused.value.message
    assert "JAXA, NASA" in refused.value.message or "NASA, JAXA" in refused.value.message
    assert state_of(round) == ("open", "", "in_consensus")
    consensus_round_close(
        round=round, actor=cast.secretariat, reason="Deadline passed", now=AFTER_DEADLINE
    )
    assert state_of(round) == ("closed", "consensus", "approved")
    assert round.closed_by == cast.secretariat


def test_a_round_closes_once(cast, round):
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    with pytest.raises(ApplicationError, match="already closed"):
        consensus_round_close(
            round=round, actor=cast.secretariat, reason="Again", now=AFTER_DEADLINE
        )
    assert consensus_rounds_close_expired(now=AFTER_DEADLINE) == 0
    closes = [h for h in round.deliverable.history.all() if h.state == "approved"]
    assert len(closes) == 1


def test_an_agency_that_joins_after_opening_is_not_eligible(cast, round):
    newcomer = factories.AgencyFactory(acronym="HSC", joined_on=DURING.date())
    delegate = factories.DelegateAppointmentFactory(agency=newcomer, starts_on=DURING.date()).person
    with pytest.raises(ApplicationError, match="HSC is not eligible"):
        position_record(
            round=round, actor=delegate, agency=newcomer, position="object",
            rationale="Late", now=DURING,
        )  # fmt: skip
    answer(cast, round, "ESA", "concur")
    answer(cast, round, "JAXA", "concur")
    answer(cast, round, "NASA", "concur")
    assert state_of(round) == ("closed", "consensus", "approved")


def test_a_delegate_speaks_only_for_their_agency(cast, round):
    with pytest.raises(ApplicationError, match="may not record a position for ESA") as refused:
        answer(cast, round, "ESA", "object", rationale="x", actor=cast.delegates["NASA"])
    assert refused.value.code == "forbidden"
    for role in ["reader", "cochair", "sam"]:
        with pytest.raises(ApplicationError):
            answer(cast, round, "ESA", "concur", actor=cast.by_role(role))
    assert not Position.objects.exists()


def test_the_secretariat_records_on_an_agencys_behalf(cast, round):
    position = answer(cast, round, "ESA", "concur", actor=cast.secretariat)
    assert position.on_behalf is True
    assert position.recorded_by == cast.secretariat
    own = answer(cast, round, "NASA", "concur")
    assert own.on_behalf is False


def test_no_position_after_the_deadline_or_the_close(cast, round):
    with pytest.raises(ApplicationError, match=r"deadline .* has passed"):
        answer(cast, round, "ESA", "concur", now=AFTER_DEADLINE)
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    with pytest.raises(ApplicationError, match="is closed"):
        answer(cast, round, "ESA", "concur", now=DURING)


def test_extending_the_deadline(cast, round):
    with pytest.raises(ApplicationError, match="after the current one"):
        consensus_round_extend(
            round=round,
            actor=cast.secretariat,
            deadline=datetime.date(2026, 3, 10),
            reason="x",
            now=DURING,
        )
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=datetime.date(2026, 3, 30),
        reason="Plenary postponed",
        now=DURING,
    )
    assert consensus_rounds_close_expired(now=AFTER_DEADLINE) == 0
    round.refresh_from_db()
    assert round.history.latest().history_change_reason.startswith(
        "Deadline extended from 2026-03-16"
    )


def test_cancelling_sends_it_back_to_submitted(cast, round):
    consensus_round_cancel(
        round=round, actor=cast.secretariat, reason="Wrong file circulated", now=DURING
    )
    assert state_of(round) == ("cancelled", "", "submitted")
    again = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=round.deliverable,
        actor=cast.secretariat,
        channel="plenary",
        now=DURING,
    )
    assert again.state == "open"


@pytest.mark.parametrize("role", ["cochair", "delegate", "sam", "reader"])
def test_only_the_secretariat_runs_rounds(cast, role):
    deliverable = cast.deliverable("submitted")
    with pytest.raises(ApplicationError, match="Only the secretariat") as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.by_role(role),
            channel="plenary",
        )
    assert refused.value.code == "forbidden"
    assert not ConsensusRound.objects.exists()


def test_a_round_opens_only_on_a_submitted_deliverable(cast):
    drafting = cast.deliverable("drafting")
    with pytest.raises(ApplicationError, match=r"only on a submitted deliverable; .* is drafting"):
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=drafting,
            actor=cast.secretariat,
            channel="plenary",
        )


def test_flagged_deliverables_await_sam_endorsement(cast):
    from apps.deliverables.services import deliverable_transition

    deliverable = cast.deliverable("submitted", needs_sam_endorsement=True)
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="plenary",
        now=OPENED,
    )
    consensus_rounds_close_expired(now=AFTER_DEADLINE)
    assert state_of(round) == ("closed", "consensus", "sam_endorsement")
    deliverable_transition(
        deliverable=deliverable, actor=cast.sam, to="approved", reason="Endorsed by SAMs"
    )
    deliverable.refresh_from_db()
    assert deliverable.state == "approved"


def test_withdrawing_in_consensus_cancels_the_round(cast, round):
    from apps.deliverables.services import deliverable_transition

    deliverable_transition(
        deliverable=round.deliverable, actor=cast.cochair_twg, to="withdrawn", reason="Superseded"
    )
    assert state_of(round) == ("cancelled", "", "withdrawn")


def test_round_facts_tally_silence_and_time_left(cast, round, django_assert_max_num_queries):
    answer(cast, round, "ESA", "concur")
    answer(cast, round, "JAXA", "object", rationale="Needs work")
    with django_assert_max_num_queries(3):
        facts = round_facts(round=round, today=DURING.date())
    assert facts.tally == {"concur": 1, "no_objection": 0, "abstain": 0, "object": 1}
    assert [agency.acronym for agency in facts.not_answered] == ["NASA"]
    assert facts.days_left == 11
    assert not facts.may_close_now
    assert timezone.is_aware(round.opened_at)
