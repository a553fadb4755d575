"""Every role against every move, on real rows: allowed moves happen once, others change nothing."""

import datetime

import pytest

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import deliverable_transition, deliverable_update_progress

pytestmark = pytest.mark.django_db

ROLES = ["secretariat", "cochair", "other_cochair", "delegate", "sam", "reader"]

# Written out by hand from DESIGN.md ("The deliverable workflow"), not derived from the code's
# table, so a wrong row in the table fails here. (source, target, flagged) -> who may.
MATRIX = {
    ("planned", "drafting", False): {"cochair", "secretariat"},
    ("drafting", "wg_review", False): {"cochair"},
    ("wg_review", "drafting", False): {"cochair"},
    ("wg_review", "submitted", False): {"cochair"},
    ("submitted", "drafting", False): {"secretariat"},
    ("approved", "published", False): {"secretariat"},
    ("sam_endorsement", "approved", True): {"sam"},
    ("sam_endorsement", "drafting", True): {"sam"},
    ("planned", "deferred", False): {"cochair", "secretariat"},
    ("drafting", "deferred", False): {"cochair", "secretariat"},
    ("deferred", "planned", False): {"cochair", "secretariat"},
    **{
        (state, "withdrawn", False): {"cochair", "secretariat"}
        for state in ["planned", "drafting", "wg_review", "submitted", "deferred"]
    },
}
CASES = [(*key, role) for key in MATRIX for role in ROLES]

LINK = "https://www.globalspaceexploration.org/x"  # no revision: the published text's address


@pytest.mark.parametrize(("source", "target", "flagged", "role"), CASES)
def test_role_by_move(cast, source, target, flagged, role):
    deliverable = cast.deliverable(source, needs_sam_endorsement=flagged)
    actor = cast.by_role(role)
    history_before = deliverable.history.count()
    extra = (
        {"published_on": datetime.date(2026, 5, 4), "link": LINK} if target == "published" else {}
    )

    if role in MATRIX[(source, target, flagged)]:
        deliverable_transition(
            deliverable=deliverable, actor=actor, to=target, reason="Agreed at the telecon", **extra
        )
        deliverable.refresh_from_db()
        assert deliverable.state == target
        assert deliverable.history.count() == history_before + 1
        latest = deliverable.history.latest()
        assert latest.history_user == actor
        assert latest.history_change_reason.endswith("Agreed at the telecon")
        assert latest.prev_record.state == source
    else:
        with pytest.raises(ApplicationError) as refused:
            deliverable_transition(
                deliverable=deliverable, actor=actor, to=target, reason="Trying", **extra
            )
        assert refused.value.code == "forbidden"
        assert f"it is “{DeliverableState(source).label}”" in refused.value.message
        assert "Moves you may make now:" in refused.value.message
        deliverable.refresh_from_db()
        assert deliverable.state == source
        assert deliverable.history.count() == history_before


def test_illegal_move_names_the_state_and_the_moves_this_user_may_make(cast):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="published", reason="Done"
        )
    error = refused.value
    assert error.code == "illegal_move"
    assert "it is “drafting”" in error.message
    assert "send to WG review (to “WG review”)" in error.message
    assert set(error.extra["allowed"]) == {"wg_review", "withdrawn", "deferred"}
    assert Deliverable.objects.get(pk=deliverable.pk).state == "drafting"


def test_nothing_moves_after_approval_except_publication(cast):
    approved = cast.deliverable("approved")
    with pytest.raises(ApplicationError, match="it is “approved”"):
        deliverable_transition(
            deliverable=approved, actor=cast.secretariat, to="withdrawn", reason="Changed mind"
        )


def test_consensus_moves_go_through_the_round(cast):
    submitted = cast.deliverable("submitted")
    with pytest.raises(ApplicationError, match="open a consensus round") as refused:
        deliverable_transition(
            deliverable=submitted, actor=cast.secretariat, to="in_consensus", reason="Go"
        )
    assert refused.value.code == "illegal_move"
    in_consensus = cast.deliverable("in_consensus")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=in_consensus, actor=cast.secretariat, to="approved", reason="Go"
        )
    assert refused.value.code == "illegal_move"


def test_a_move_needs_a_reason(cast):
    deliverable = cast.deliverable("planned")
    with pytest.raises(ApplicationError, match="Say why"):
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason=" "
        )
    assert deliverable.history.count() == 1


def test_publication_needs_its_date_and_a_real_link(cast):
    deliverable = cast.deliverable("approved")
    with pytest.raises(ApplicationError, match="publication date"):
        deliverable_transition(
            deliverable=deliverable, actor=cast.secretariat, to="published", reason="Out"
        )
    with pytest.raises(ApplicationError, match="not a web address"):
        deliverable_transition(
            deliverable=deliverable,
            actor=cast.secretariat,
            to="published",
            reason="Out",
            published_on=datetime.date(2026, 5, 4),
            link="globalspaceexploration",
        )
    deliverable_transition(
        deliverable=deliverable,
        actor=cast.secretariat,
        to="published",
        reason="Out",
        published_on=datetime.date(2026, 5, 4),
        link="https://www.globalspaceexploration.org/",
    )
    deliverable.refresh_from_db()
    assert (deliverable.state, deliverable.published_on) == ("published", datetime.date(2026, 5, 4))


def test_a_cochair_whose_appointment_ended_may_no_longer_move(cast):
    appointment = cast.cochair_twg.cochair_appointments.get()
    appointment.ends_on = datetime.date(2021, 1, 1)
    appointment.save()
    deliverable = cast.deliverable("planned")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
        )
    assert refused.value.code == "forbidden"
    assert "Moves you may make now: none" in refused.value.message


def test_moving_from_a_stale_copy_is_refused(cast):
    deliverable = cast.deliverable("planned")
    seen = deliverable.version
    deliverable_update_progress(
        deliverable=deliverable, actor=cast.secretariat, expected_version=seen, percent_complete=10
    )
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            to="drafting",
            reason="Go",
            expected_version=seen,
        )
    assert refused.value.code == "stale"
    assert "changed by someone else" in refused.value.message


class TestProgress:
    def test_a_cochair_updates_their_groups_deliverable_with_history(self, cast):
        deliverable = cast.deliverable("drafting")
        deliverable_update_progress(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            expected_version=deliverable.version,
            percent_complete=60,
            rag="amber",
            next_milestone="WG review in June",
            target_date=datetime.date(2026, 9, 30),
            status_note="Chapter 3 late",
            reason="Monthly update",
        )
        deliverable.refresh_from_db()
        assert (deliverable.percent_complete, deliverable.rag) == (60, "amber")
        latest = deliverable.history.latest()
        assert latest.history_user == cast.cochair_twg
        assert latest.history_change_reason == "Progress update: Monthly update"
        assert deliverable.history.count() == 2

    @pytest.mark.parametrize("role", ["other_cochair", "delegate", "sam", "reader"])
    def test_nobody_else_may(self, cast, role):
        deliverable = cast.deliverable("drafting")
        with pytest.raises(ApplicationError) as refused:
            deliverable_update_progress(
                deliverable=deliverable,
                actor=cast.by_role(role),
                expected_version=deliverable.version,
                percent_complete=99,
            )
        assert refused.value.code == "forbidden"
        assert "co-chairs of TWG" in refused.value.message
        deliverable.refresh_from_db()
        assert deliverable.percent_complete == 0

    def test_a_stale_copy_never_overwrites_a_newer_change(self, cast):
        deliverable = cast.deliverable("drafting")
        seen = deliverable.version
        deliverable_update_progress(
            deliverable=deliverable, actor=cast.secretariat, expected_version=seen, rag="red"
        )
        with pytest.raises(ApplicationError) as refused:
            deliverable_update_progress(
                deliverable=deliverable, actor=cast.cochair_twg, expected_version=seen, rag="green"
            )
        assert refused.value.code == "stale"
        deliverable.refresh_from_db()
        assert deliverable.rag == "red"

    def test_bad_values_are_refused_per_field_and_change_nothing(self, cast):
        deliverable = cast.deliverable("drafting")
        with pytest.raises(ApplicationError) as refused:
            deliverable_update_progress(
                deliverable=deliverable,
                actor=cast.cochair_twg,
                expected_version=deliverable.version,
                percent_complete=140,
                rag="purple",
            )
        assert set(refused.value.extra["fields"]) >= {"rag"}
        assert "0 to 100" in refused.value.message or "percent_complete" in refused.value.message
        deliverable.refresh_from_db()
        assert (deliverable.percent_complete, deliverable.rag, deliverable.version) == (0, "", 1)

    def test_published_progress_is_final(self, cast):
        deliverable = cast.deliverable("published", published_on=datetime.date(2024, 8, 1))
        with pytest.raises(ApplicationError, match="final"):
            deliverable_update_progress(
                deliverable=deliverable,
                actor=cast.secretariat,
                expected_version=deliverable.version,
                percent_complete=50,
            )


def test_deferring_moves_the_target_to_next_year(cast):
    deliverable = cast.deliverable("drafting", target_date=datetime.date(2028, 2, 29))
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="deferred", reason="No capacity"
    )
    deliverable.refresh_from_db()
    assert (deliverable.state, deliverable.target_date) == ("deferred", datetime.date(2029, 2, 28))
    assert deliverable.history.count() == 2
