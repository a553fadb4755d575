"""Outlook paragraphs: numbered in order, written only by those who may, never over a newer
edit unseen, each write one history row with who and why."""

import pytest

from apps.core.errors import ApplicationError
from apps.groups.models import OutlookItem
from apps.groups.services import outlook_item_create, outlook_item_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_paragraphs_are_numbered_per_group_and_year(cast):
    def add(group, year):
        return outlook_item_create(group=group, year=year, text="Plan.", actor=cast.secretariat)

    assert [add(cast.twg, 2027).position for _ in range(3)] == [1, 2, 3]
    assert add(cast.swg, 2027).position == 1
    assert add(cast.twg, 2028).position == 1
    assert [add(None, 2027).position for _ in range(2)] == [1, 2]
    item = add(cast.twg, 2027)
    assert (item.position, item.version) == (4, 1)
    assert item.history.get().history_user == cast.secretariat
    assert item.history.get().history_change_reason == "Outlook paragraph added"


def test_a_cochair_writes_only_their_groups_outlook(cast):
    with pytest.raises(ApplicationError) as refused:
        outlook_item_create(group=cast.swg, year=2027, text="Hijack.", actor=cast.cochair_twg)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as priorities:
        outlook_item_create(group=None, year=2027, text="Hijack.", actor=cast.cochair_twg)
    assert priorities.value.code == "forbidden"
    item = factories.OutlookItemFactory(group=cast.swg, text="Keep.")
    with pytest.raises(ApplicationError) as edit:
        outlook_item_update(item=item, actor=cast.cochair_twg, text="Hijack.", expected_version=1)
    assert edit.value.code == "forbidden"
    assert OutlookItem.objects.filter(text="Hijack.").count() == 0
    item.refresh_from_db()
    assert (item.text, item.version, item.history.count()) == ("Keep.", 1, 1)


def test_a_bad_year_or_an_empty_text_is_refused(cast):
    with pytest.raises(ApplicationError) as year:
        outlook_item_create(group=cast.twg, year=1999, text="Plan.", actor=cast.cochair_twg)
    assert year.value.code == "invalid" and "2007" in year.value.message
    with pytest.raises(ApplicationError) as empty:
        outlook_item_create(group=cast.twg, year=2027, text="  ", actor=cast.cochair_twg)
    assert "text" in empty.value.extra["fields"]
    assert not OutlookItem.objects.exists()


def test_every_edit_bumps_the_version_with_one_history_row(cast):
    item = outlook_item_create(group=cast.twg, year=2027, text="Draft.", actor=cast.cochair_twg)
    edited = outlook_item_update(
        item=item, actor=cast.cochair_twg, text="Publish.", expected_version=1
    )
    assert edited.version == 2
    assessed = outlook_item_update(
        item=item, actor=cast.secretariat, text="Publish.", expected_version=2,
        assessment="achieved", assessment_note="Published in May.", reason="Year-end review",
    )  # fmt: skip
    assert assessed.version == 3
    rows = list(item.history.order_by("history_date", "history_id"))
    assert [(r.version, r.history_user, r.history_change_reason) for r in rows] == [
        (1, cast.cochair_twg, "Outlook paragraph added"),
        (2, cast.cochair_twg, "Outlook paragraph edited"),
        (3, cast.secretariat, "Year-end review"),
    ]
    item.refresh_from_db()
    assert (item.text, item.assessment, item.version) == ("Publish.", "achieved", 3)


def test_an_edit_from_an_older_copy_is_refused_and_shows_the_newer_text(cast):
    item = outlook_item_create(group=cast.twg, year=2027, text="Draft.", actor=cast.cochair_twg)
    outlook_item_update(
        item=item, actor=cast.secretariat, text="The secretariat's text.", expected_version=1
    )
    with pytest.raises(ApplicationError) as stale:
        outlook_item_update(item=item, actor=cast.cochair_twg, text="My text.", expected_version=1)
    error = stale.value
    assert error.code == "stale"
    assert "“The secretariat's text.”" in error.message
    assert "changed by Secretariat" in error.message
    assert "you have version 1, it is now at version 2" in error.message
    assert error.extra["version"] == 2
    assert error.extra["text"] == "The secretariat's text."
    item.refresh_from_db()
    assert (item.text, item.version, item.history.count()) == ("The secretariat's text.", 2, 2)


def test_links_are_set_in_the_edits_one_history_row(cast):
    item = outlook_item_create(group=cast.twg, year=2027, text="Plan.", actor=cast.cochair_twg)
    roadmap = cast.deliverable("drafting", title="Roadmap")
    outlook_item_update(
        item=item, actor=cast.cochair_twg, text="Plan.", expected_version=1,
        partner_groups=[cast.swg], planned_deliverables=[roadmap],
    )  # fmt: skip
    assert list(item.partner_groups.all()) == [cast.swg]
    assert list(item.planned_deliverables.all()) == [roadmap]
    assert item.history.count() == 2
    latest = item.history.latest()
    assert [link.deliverable for link in latest.planned_deliverables.all()] == [roadmap]
    # Links left out are left as they are.
    outlook_item_update(item=item, actor=cast.cochair_twg, text="Plan!", expected_version=2)
    assert list(item.planned_deliverables.all()) == [roadmap]
