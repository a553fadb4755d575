"""The outlook admin writes through groups.services: who may, what may change, the version
check and the history row are the service's, and a refusal is a form error that changes
nothing."""

import pytest
from django.urls import reverse

from apps.groups.models import OutlookItem
from apps.groups.services import outlook_item_update
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:groups_outlookitem_add")


def change_url(item) -> str:
    return reverse("admin:groups_outlookitem_change", args=[item.pk])


def staff(user):
    user.is_staff = True
    user.save()
    return user


def state(item) -> tuple:
    item.refresh_from_db()
    return (item.group_id, item.year, item.position, item.text, item.version,
            item.history.count())  # fmt: skip


def change(item, **fields) -> dict:
    return {
        "text": item.text,
        "assessment": item.assessment,
        "assessment_note": item.assessment_note,
        "seen_version": item.version,
        "change_reason": "",
        **fields,
    }


@pytest.fixture
def ours(cast):
    return factories.OutlookItemFactory(group=cast.twg, year=2027, position=1, text="Ours.")


@pytest.fixture
def theirs(cast):
    return factories.OutlookItemFactory(group=cast.swg, year=2027, position=1, text="Theirs.")


def test_a_cochair_edits_their_groups_paragraph_through_the_service(client, cast, ours):
    client.force_login(staff(cast.cochair_twg))
    roadmap = cast.deliverable("drafting", title="Roadmap")
    response = client.post(
        change_url(ours),
        change(ours, text="Ours, revised.", change_reason="After the May telecon",
               planned_deliverables=[roadmap.pk]),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert state(ours)[3:] == ("Ours, revised.", 2, 2)
    latest = ours.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.cochair_twg,
        "Edited in the admin: After the May telecon",
    )
    assert list(ours.planned_deliverables.all()) == [roadmap]
    client.post(change_url(ours), change(ours, text="Ours, again."))
    assert ours.history.latest().history_change_reason == "Edited in the admin"


def test_a_forged_post_cannot_move_a_paragraph(client, cast, ours):
    client.force_login(staff(cast.secretariat))
    other = factories.OutlookItemFactory(group=cast.twg, year=2027, position=2, text="Next.")
    before = state(other)
    for forged in ({"group": cast.swg.pk}, {"year": 2030}, {"position": 1}, {"version": 99}):
        response = client.post(change_url(other), change(other, text="Next, revised.", **forged))
        assert response.status_code == 200, forged
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        assert f"{next(iter(forged))} cannot be changed here" in errors
        assert state(other) == before
    assert state(ours) == (cast.twg.pk, 2027, 1, "Ours.", 1, 1)
    # The same values as stored are no change: the edit is saved.
    same = change(other, text="Next, revised.", group=cast.twg.pk, year=2027, position=2)
    assert client.post(change_url(other), same).status_code == 302
    assert state(other) == (cast.twg.pk, 2027, 2, "Next, revised.", 2, 2)


def test_a_stale_copy_is_refused_with_the_current_text_and_nothing_changes(client, cast, ours):
    client.force_login(staff(cast.cochair_twg))
    opened = change(ours, text="My edit.")  # the form as opened, at version 1
    outlook_item_update(item=ours, actor=cast.secretariat, text="Theirs now.", expected_version=1)
    before = state(ours)

    response = client.post(change_url(ours), opened)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "“Theirs now.”" in errors and "version 2" in errors
    assert state(ours) == before
    html = response.content.decode()
    assert "My edit.</textarea>" in html  # what was typed is kept
    assert 'name="seen_version" value="2"' in html  # and saving again replaces what was shown


def test_a_post_without_the_version_changes_nothing(client, cast, ours):
    client.force_login(staff(cast.secretariat))
    data = change(ours, text="Blind.")
    del data["seen_version"]
    response = client.post(change_url(ours), data)
    assert response.status_code == 200
    assert "seen_version" in response.context["adminform"].form.errors
    assert state(ours)[3:] == ("Ours.", 1, 1)


def test_a_cochair_may_not_change_another_groups_paragraph(client, cast, theirs):
    client.force_login(staff(cast.cochair_twg))
    page = client.get(change_url(theirs))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(change_url(theirs), change(theirs, text="Hijacked."))
    assert response.status_code == 403
    assert state(theirs)[3:] == ("Theirs.", 1, 1)


def test_only_the_secretariat_adds_in_the_admin_numbered_by_the_service(client, cast, ours):
    client.force_login(staff(cast.cochair_twg))
    data = {"group": cast.twg.pk, "year": 2027, "text": "Added.", "change_reason": ""}
    assert client.post(ADD, data).status_code == 403
    client.force_login(staff(cast.secretariat))
    response = client.post(ADD, data | {"position": 1})
    assert response.status_code == 302, response.content.decode()[-3000:]
    added = OutlookItem.objects.get(text="Added.")
    assert (added.group, added.year, added.position, added.version) == (cast.twg, 2027, 2, 1)
    history = added.history.get()
    assert (history.history_user, history.history_change_reason) == (
        cast.secretariat,
        "Added in the admin",
    )
    priorities = client.post(
        ADD, {"group": "", "year": 2027, "text": "A priority.", "change_reason": ""}
    )
    assert priorities.status_code == 302
    assert OutlookItem.objects.get(text="A priority.").group is None


def test_a_refused_add_is_a_form_error(client, cast):
    client.force_login(staff(cast.secretariat))
    response = client.post(
        ADD, {"group": cast.twg.pk, "year": 1999, "text": "Old.", "change_reason": ""}
    )
    assert response.status_code == 200
    assert "2007" in str(response.context["adminform"].form.errors)
    assert not OutlookItem.objects.exists()


def test_the_change_history_and_past_version_pages_show(client, cast, ours):
    client.force_login(staff(cast.cochair_twg))
    client.post(change_url(ours), change(ours, text="Ours, revised."))
    history = ours.history.earliest()
    past = reverse("admin:groups_outlookitem_simple_history", args=[ours.pk, history.history_id])
    assert client.get(past).status_code == 200
    assert (
        client.get(reverse("admin:groups_outlookitem_history", args=[ours.pk])).status_code == 200
    )
    client.force_login(staff(cast.reader))
    assert client.get(change_url(ours)).status_code == 200
