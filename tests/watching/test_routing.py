"""The routing table as watchers meet it: each change, made through the real services, reaches
the watchers its row names, at the levels it names, and never the person who made it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.deliverables.services import (
    deliverable_create,
    deliverable_edit,
    deliverable_transition,
    deliverable_update_progress,
)
from apps.documents.services import revision_status_set, revision_upload
from apps.plenary.models import Objection
from apps.plenary.objections import objection_answer
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_extend,
    consensus_round_open,
    consensus_rounds_close_expired,
    position_record,
)
from apps.watching import checks, routes
from apps.watching.events import emitted_events
from apps.watching.models import Notification
from apps.watching.services import watch_stop
from tests import factories

from .conftest import events_of, told

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="text.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES)


def open_round(cast, deliverable, **kwargs):
    return consensus_round_open(
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
        unreachable_acknowledged=True,
        **kwargs,
    )


def test_the_table_and_the_classifier_agree():
    assert checks.every_event_has_its_route(None) == []
    assert emitted_events() == set(routes.EVENTS)


def test_an_event_without_a_row_stops_the_start(monkeypatch):
    without = {k: v for k, v in routes.EVENTS.items() if k != "round.closed"}
    monkeypatch.setattr(checks, "EVENTS", without)
    [error] = checks.every_event_has_its_route(None)
    assert error.id == "watching.E001" and "round.closed" in error.msg


def test_a_move_reaches_the_deliverable_group_and_everything_watchers_not_others(cast, watcher):
    deliverable = cast.deliverable("planned")
    other = cast.deliverable("planned", lead_group=cast.swg)
    of_deliverable, of_group, of_all = watcher(deliverable), watcher(cast.twg), watcher(None)
    of_other, of_swg = watcher(other), watcher(cast.swg)

    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Started"
    )

    for user in (of_deliverable, of_group, of_all):
        [notification] = told(user)
        assert notification.event == "deliverable.moved"
        assert notification.deliverable == deliverable
        assert "Start drafting" in notification.title and "now drafting" in notification.title
        assert "Cochair-Twg" in notification.body and "Started" in notification.body
        assert notification.url == deliverable.get_absolute_url()
        assert notification.actor == cast.cochair_twg
    assert told(of_other) == [] and told(of_swg) == []


def test_the_person_who_made_the_change_is_never_told(cast, watcher):
    deliverable = cast.deliverable("planned")
    from apps.watching.services import watch_start

    watch_start(actor=cast.cochair_twg, target=deliverable, level="all", digest=False)
    watch_start(actor=cast.cochair_twg, target=None, level="all", digest=False)
    someone = watcher(deliverable)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Started"
    )
    assert told(cast.cochair_twg) == []
    assert events_of(someone) == ["deliverable.moved"]


def test_significant_watchers_hear_of_moves_but_not_of_progress(cast, watcher):
    deliverable = cast.deliverable("drafting")
    everything, significant = (
        watcher(deliverable, level="all"),
        watcher(deliverable, level="significant"),
    )
    deliverable_update_progress(
        deliverable=deliverable, actor=cast.cochair_twg, expected_version=1, percent_complete=40
    )
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="wg_review", reason="Ready"
    )
    assert events_of(everything) == ["deliverable.edited", "deliverable.moved"]
    assert events_of(significant) == ["deliverable.moved"]
    [edited, _] = told(everything)
    assert "progress (%) changed" in edited.title


def test_one_person_with_several_watches_is_told_once_under_the_most_specific(cast):
    from apps.watching.services import watch_start

    deliverable = cast.deliverable("planned")
    person = factories.UserFactory()
    watch_start(actor=person, target=None, level="all", digest=False)
    watch_start(actor=person, target=cast.twg, level="all", digest=True)
    watch_start(actor=person, target=deliverable, level="all", digest=False)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
    )
    [notification] = told(person)
    assert notification.delivery == Notification.Delivery.MAIL  # the deliverable's watch decides


def test_a_stopped_watch_hears_nothing_and_its_row_stays(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    watch = watch_stop(actor=person, target=deliverable)
    assert watch.stopped_at is not None
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
    )
    assert told(person) == []
    assert [h.history_change_reason for h in watch.history.order_by("history_id")] == [
        "Started watching",
        "Stopped watching",
    ]


def test_a_deactivated_watcher_is_not_told(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    person.is_active = False
    person.save()
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="Go"
    )
    assert told(person) == []


def test_a_new_deliverable_reaches_its_groups_watchers_once(cast, watcher):
    of_group = watcher(cast.twg, level="all")
    of_all_significant = watcher(None, level="significant")
    deliverable_create(
        actor=cast.secretariat,
        title="Lunar gap report",
        kind="technical_report",
        lead_group=cast.twg,
        contributing_groups=[cast.swg],
    )
    # The links set after the first save write a second history row: still one event.
    assert events_of(of_group) == ["deliverable.added"]
    assert told(of_all_significant) == []


def test_an_edit_of_the_links_alone_is_one_edit(cast, watcher):
    deliverable = cast.deliverable("planned")
    person = watcher(deliverable)
    deliverable_edit(
        deliverable=deliverable,
        actor=cast.secretariat,
        expected_version=1,
        reason="SWG joins",
        changes={"contributing_groups": [cast.swg]},
    )
    [edited] = told(person)
    assert edited.event == "deliverable.edited"
    assert "contributing groups" in edited.title


def test_a_rounds_life_is_told_by_the_round_not_twice_by_the_moves(cast, watcher):
    deliverable = cast.deliverable("submitted")
    person = watcher(deliverable, level="all")
    now = timezone.now()
    round = open_round(
        cast, deliverable, deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=round.deadline + datetime.timedelta(days=7),
        reason="More time",
    )
    consensus_round_cancel(round=round, actor=cast.secretariat, reason="Wrong text")
    again = open_round(cast, deliverable, deadline=timezone.localdate())
    consensus_rounds_close_expired(now=now + datetime.timedelta(days=2))
    assert events_of(person) == [
        "round.opened",
        "round.extended",
        "round.cancelled",
        "round.opened",
        "round.closed",
    ]
    closed = told(person)[-1]
    assert f"#{again.pk}" in closed.title and "consensus (no standing objection)" in closed.title
    assert closed.actor is None
    assert "the tracker" in closed.body  # nobody closed it: the deadline passed
    assert closed.url == again.get_absolute_url()


def test_significant_watchers_hear_of_rounds_opening_and_closing_not_extensions(cast, watcher):
    deliverable = cast.deliverable("submitted")
    person = watcher(deliverable, level="significant")
    round = open_round(
        cast, deliverable, deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=round.deadline + datetime.timedelta(days=7),
        reason="More time",
    )
    assert events_of(person) == ["round.opened"]


def test_revisions_and_objections(cast, watcher):
    deliverable = cast.deliverable("drafting")
    person = watcher(cast.twg, level="all")
    significant = watcher(cast.twg, level="significant")
    first = revision_upload(deliverable=deliverable, actor=cast.cochair_twg, file=pdf(), note="00")
    revision_status_set(
        revision=first, actor=cast.cochair_twg, status="superseded", reason="Wrong file"
    )
    revision_upload(deliverable=deliverable, actor=cast.cochair_twg, file=pdf(), note="01")
    for to in ("wg_review", "submitted"):
        deliverable_transition(deliverable=deliverable, actor=cast.cochair_twg, to=to, reason="Ok")
    round = open_round(cast, deliverable)
    position_record(
        round=round,
        actor=cast.delegates["NASA"],
        agency=cast.agencies["NASA"],
        position="object",
        rationale="Section 3 is wrong.",
    )
    item = Objection.objects.get(round=round)
    objection_answer(objection=item, actor=cast.delegates["NASA"], status="withdrawn", response="")
    assert events_of(person) == [
        "revision.uploaded",
        "revision.status_changed",
        "revision.uploaded",
        "deliverable.moved",
        "deliverable.moved",
        "round.opened",
        "objection.raised",
        "objection.answered",
    ]
    assert events_of(significant) == [
        "revision.uploaded",
        "revision.uploaded",
        "deliverable.moved",
        "deliverable.moved",
        "round.opened",
    ]
    raised = told(person)[-2]
    assert raised.title.startswith("NASA objects in round")
    assert raised.url.endswith("#objections")


def test_publication_is_its_own_event(cast, watcher):
    deliverable = cast.deliverable("approved")
    person = watcher(deliverable, level="significant")
    deliverable_transition(
        deliverable=deliverable,
        actor=cast.secretariat,
        to="published",
        reason="Out",
        published_on=timezone.localdate(),
        link="https://www.globalspaceexploration.org/report",
    )
    assert events_of(person) == ["deliverable.published"]


def test_the_longest_title_and_reason_fit_the_notification(cast, watcher):
    deliverable = cast.deliverable("planned", title="T" * 300, edition="E" * 50)
    person = watcher(deliverable)
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="drafting", reason="R" * 2000
    )
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="wg_review", reason="R"
    )
    deliverable_transition(
        deliverable=deliverable, actor=cast.cochair_twg, to="submitted", reason="R"
    )
    round = open_round(cast, deliverable, deadline=timezone.localdate())
    consensus_rounds_close_expired(now=timezone.now() + datetime.timedelta(days=2))
    notifications = told(person)
    closed = notifications[-1]
    assert closed.event == "round.closed"
    # The name is cut, never what happened to it.
    assert closed.title.startswith(f"Consensus round #{round.pk} on TTT")
    assert closed.title.endswith("… closed: consensus (no standing objection)")
    for notification in notifications:
        assert len(notification.title) <= 400 and len(notification.body) <= 2000
