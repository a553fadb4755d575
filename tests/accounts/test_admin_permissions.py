"""The admin asks the same permissions module as the services."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.plenary.services import consensus_round_open

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def staff(user):
    user.is_staff = True
    user.save()
    return user


def test_a_cochair_in_the_admin_may_edit_only_their_groups_deliverables(client, cast):
    client.force_login(staff(cast.cochair_twg))
    ours = cast.deliverable("drafting")
    theirs = cast.deliverable("drafting", lead_group=cast.swg)
    assert client.get(change_url(ours)).context["has_change_permission"] is True
    assert client.get(change_url(theirs)).context["has_change_permission"] is False
    response = client.post(change_url(theirs), {"title": "Hijacked"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title != "Hijacked"


def test_a_reader_with_admin_access_changes_nothing(client, cast):
    client.force_login(staff(cast.reader))
    agency = cast.agencies["ESA"]
    assert client.get(change_url(agency)).status_code == 200  # may read
    assert client.post(change_url(agency), {"name": "Renamed"}).status_code == 403
    assert client.get(reverse("admin:agencies_agency_add")).status_code == 403
    agency.refresh_from_db()
    assert agency.name != "Renamed"


def test_the_admin_never_edits_the_state_and_refuses_a_stale_copy(client, cast):
    client.force_login(staff(cast.secretariat))
    deliverable = cast.deliverable("drafting")
    page = client.get(change_url(deliverable))
    assert "state" not in page.context["adminform"].form.fields
    form_data = {
        "title": "Gap report, revised",
        "kind": deliverable.kind,
        "lead_group": deliverable.lead_group_id,
        "target_precision": "day",
        "percent_complete": 30,
        "published_precision": "day",
        "seen_version": deliverable.version,
    }
    deliverable.percent_complete = 50  # someone else saves meanwhile
    deliverable.version += 1
    deliverable.save()
    stale = client.post(change_url(deliverable), form_data)
    assert stale.status_code == 200
    assert "Someone else changed this deliverable" in stale.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.percent_complete == 50

    form_data["seen_version"] = deliverable.version
    fresh = client.post(change_url(deliverable), form_data)
    assert fresh.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.title, deliverable.state) == ("Gap report, revised", "drafting")
    assert deliverable.history.latest().history_change_reason == "Edited in the admin"


def test_rounds_are_read_only_in_the_admin(client, cast):
    client.force_login(staff(cast.secretariat))
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
    )
    assert client.get(change_url(round)).context["has_change_permission"] is False
    assert client.post(change_url(round), {"state": "closed"}).status_code == 403


def test_close_expired_rounds_command(cast, capsys):
    call_command("close_expired_rounds")
    assert "Closed 0 expired consensus round(s)." in capsys.readouterr().out


def test_the_admin_is_no_door_around_a_structural_decision(client, cast):
    """Setting up, renaming or ending a group is a structural change the plenary decides: the
    admin adds no group, and a forged post of a group's status, successor or name writes none
    of them."""
    client.force_login(staff(cast.secretariat))
    add = reverse("admin:groups_workinggroup_add")
    assert client.post(add, {"acronym": "NEW", "name": "New group"}).status_code == 403
    page = client.get(change_url(cast.swg))
    assert {"status", "successor", "acronym", "name"} <= set(
        page.context["adminform"].readonly_fields
    )
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "status": "absorbed",
            "successor": cast.twg.pk,
            "name": "Renamed by hand",
            "notes": "Checked against the 2025 report.",
        }
    )
    for inline in page.context["inline_admin_formsets"]:  # the inlines left as they are
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(change_url(cast.swg), data)
    assert response.status_code == 302
    cast.swg.refresh_from_db()
    assert (cast.swg.status, cast.swg.successor, cast.swg.name) == (
        "active",
        None,
        "Working Group SWG",
    )
    assert cast.swg.notes == "Checked against the 2025 report."
