"""The admin is a door like the others: every save goes through deliverables.services.

Each test posts what an editor with admin access posted to go around the workflow, and finds
nothing changed and a message that says why.
"""

import datetime

import pytest
from django.urls import reverse

from apps.deliverables.models import Deliverable
from apps.plenary.services import consensus_round_open, position_record

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save()
    return user


def change_url(deliverable) -> str:
    return reverse("admin:deliverables_deliverable_change", args=[deliverable.pk])


def as_the_page_sends_it(client, deliverable, **changes) -> dict:
    """The change form's fields with their shown values (what the browser posts), changed."""
    form = client.get(change_url(deliverable)).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def snapshot(deliverable) -> dict:
    deliverable = Deliverable.objects.get(pk=deliverable.pk)
    fields = [f.attname for f in Deliverable._meta.concrete_fields if f.name != "updated_at"]
    return {name: getattr(deliverable, name) for name in fields}


def errors_of(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_a_cochair_sees_only_the_progress_editable(client, cast):
    client.force_login(staff(cast.cochair_twg))
    deliverable = cast.deliverable("drafting")
    form = client.get(change_url(deliverable)).context["adminform"].form
    assert set(form.fields) == {
        "percent_complete",
        "rag",
        "next_milestone",
        "target_date",
        "target_precision",
        "status_note",
        "seen_version",
        "change_reason",
    }


def test_a_cochair_saves_progress_through_the_service_with_history(client, cast):
    client.force_login(staff(cast.cochair_twg))
    deliverable = cast.deliverable("drafting")
    data = as_the_page_sends_it(
        client, deliverable, percent_complete=40, change_reason="Chapter 3 drafted"
    )
    assert client.post(change_url(deliverable), data).status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.percent_complete, deliverable.version) == (40, 2)
    latest = deliverable.history.latest()
    assert latest.history_user == cast.cochair_twg
    assert latest.history_change_reason == "Edited in the admin: Chapter 3 drafted"


@pytest.mark.parametrize(
    ("forged", "why"),
    [
        ({"lead_group": "other"}, "the lead group is the secretariat's"),
        ({"published_on": "2026-01-15", "link": "https://example.org/x"}, "workflow move"),
        ({"state": "published"}, "workflow move"),
        ({"title": "Rewritten"}, "secretariat"),
        ({"version": "99"}, "workflow move"),
    ],
)
def test_a_forged_post_of_a_field_the_cochair_may_not_change_changes_nothing(
    client, cast, forged, why
):
    client.force_login(staff(cast.cochair_twg))
    deliverable = cast.deliverable("drafting")
    before = snapshot(deliverable)
    if forged.get("lead_group") == "other":
        forged = {"lead_group": str(cast.swg.pk)}
    data = as_the_page_sends_it(client, deliverable, percent_complete=55, **forged)
    response = client.post(change_url(deliverable), data)
    assert response.status_code == 200
    assert why in errors_of(response)
    assert snapshot(deliverable) == before


def test_a_published_product_keeps_its_summary_and_progress(client, cast):
    published = cast.deliverable(
        "published", published_on=datetime.date(2025, 6, 1), percent_complete=100
    )
    before = snapshot(published)
    for who in (cast.cochair_twg, cast.secretariat):
        client.force_login(staff(who))
        form = client.get(change_url(published)).context["adminform"].form
        assert "percent_complete" not in form.fields
        assert "summary" not in form.fields
        data = as_the_page_sends_it(client, published, summary="Rewritten", percent_complete="20")
        response = client.post(change_url(published), data)
        assert response.status_code == 200
        assert "final" in errors_of(response) or "frozen" in errors_of(response)
    assert snapshot(published) == before


def test_the_title_is_frozen_while_agencies_vote(client, cast):
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
    )
    deliverable = round.deliverable
    before = snapshot(deliverable)
    client.force_login(staff(cast.secretariat))
    response = client.post(
        change_url(deliverable), as_the_page_sends_it(client, deliverable, title="Renamed")
    )
    assert response.status_code == 200
    assert "frozen once a round opens" in errors_of(response)
    assert snapshot(deliverable) == before


def test_unticking_the_sam_flag_in_consensus_does_not_skip_the_sams(client, cast):
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted", needs_sam_endorsement=True),
        actor=cast.secretariat,
        channel="plenary",
    )
    deliverable = round.deliverable
    client.force_login(staff(cast.secretariat))
    # The checkbox is read-only: an unticked box is simply not posted, so nothing arrives;
    # a forged "off" value is refused.
    for forged in ({"needs_sam_endorsement": None}, {"needs_sam_endorsement": ""}):
        data = as_the_page_sends_it(client, deliverable, status_note="checked", **forged)
        client.post(change_url(deliverable), data)
        deliverable.refresh_from_db()
        assert deliverable.needs_sam_endorsement is True
    for acronym, delegate in cast.delegates.items():
        position_record(
            round=round, actor=delegate, agency=cast.agencies[acronym], position="concur"
        )
    deliverable.refresh_from_db()
    assert deliverable.state == "sam_endorsement"


def test_clearing_the_publication_date_of_a_published_product_is_refused_not_a_500(client, cast):
    published = cast.deliverable("published", published_on=datetime.date(2025, 6, 1))
    client.force_login(staff(cast.secretariat))
    response = client.post(
        change_url(published), as_the_page_sends_it(client, published, published_on="")
    )
    assert response.status_code == 200
    assert "workflow move" in errors_of(response)
    published.refresh_from_db()
    assert published.published_on == datetime.date(2025, 6, 1)


def test_the_secretariat_edits_the_record_before_submission(client, cast):
    deliverable = cast.deliverable("drafting")
    client.force_login(staff(cast.secretariat))
    data = as_the_page_sends_it(
        client,
        deliverable,
        title="Gap report, second edition",
        lead_group=str(cast.swg.pk),
        contributing_groups=[str(cast.twg.pk)],
    )
    assert client.post(change_url(deliverable), data).status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.title == "Gap report, second edition"
    assert deliverable.lead_group == cast.swg
    assert list(deliverable.contributing_groups.all()) == [cast.twg]
    assert deliverable.history.latest().history_user == cast.secretariat


def test_the_admin_adds_a_planned_deliverable_through_the_service(client, cast):
    client.force_login(staff(cast.secretariat))
    url = reverse("admin:deliverables_deliverable_add")
    form = client.get(url).context["adminform"].form
    assert not {"state", "published_on", "link"} & set(form.fields)
    data = {
        "title": "Moon Village white paper",
        "kind": "white_paper",
        "lead_group": cast.twg.pk,
        "target_precision": "month",
        "percent_complete": 0,
    }
    forged = client.post(url, {**data, "state": "published"})
    assert forged.status_code == 200
    assert "starts planned" in errors_of(forged)
    assert not Deliverable.objects.filter(title="Moon Village white paper").exists()
    assert client.post(url, data).status_code == 302
    added = Deliverable.objects.get(title="Moon Village white paper")
    assert added.state == "planned"
    assert added.history.latest().history_user == cast.secretariat
