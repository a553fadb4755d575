"""Progress updates over HTTP honour ETag/If-Match: a script never overwrites a change it has
not seen."""

import pytest

from apps.deliverables.models import Deliverable

pytestmark = pytest.mark.django_db


def url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/"


def test_get_returns_the_version_as_etag_and_304_when_unchanged(cast, as_role):
    deliverable = cast.deliverable("drafting")
    client = as_role("reader")
    response = client.get(url(deliverable))
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    unchanged = client.get(url(deliverable), HTTP_IF_NONE_MATCH='"1"')
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert client.get(url(deliverable), HTTP_IF_NONE_MATCH='"0"').status_code == 200


def test_a_cochair_updates_progress_with_the_etag(cast, as_role):
    deliverable = cast.deliverable("drafting")
    client = as_role("cochair")
    etag = client.get(url(deliverable))["ETag"]
    response = client.patch(
        url(deliverable),
        {"percent_complete": 60, "rag": "amber", "target_date": "2026-11-30", "reason": "June"},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["percent_complete"], body["rag"], body["target_date"]) == (
        60,
        "amber",
        "2026-11-30",
    )
    latest = Deliverable.objects.get(pk=deliverable.pk).history.latest()
    assert latest.history_user == cast.cochair_twg
    assert latest.history_change_reason == "Progress update: June"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretariat", 200),
        ("cochair", 200),
        ("other_cochair", 403),
        ("delegate", 403),
        ("sam", 403),
        ("reader", 403),
    ],
)
def test_who_may_update_progress(cast, as_role, role, status):
    deliverable = cast.deliverable("drafting")
    response = as_role(role).patch(url(deliverable), {"percent_complete": 10}, HTTP_IF_MATCH='"1"')
    assert response.status_code == status, response.json()
    if status == 403:
        assert response.json()["code"] == "forbidden"
        assert "Only the co-chairs of TWG and the secretariat" in response.json()["detail"]
        assert Deliverable.objects.get(pk=deliverable.pk).version == 1


def test_without_if_match_the_update_is_refused_with_428(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(url(deliverable), {"percent_complete": 10})
    assert response.status_code == 428
    body = response.json()
    assert body["code"] == "precondition_required"
    assert 'If-Match: "1"' in body["detail"]
    star = as_role("cochair").patch(url(deliverable), {"percent_complete": 10}, HTTP_IF_MATCH="*")
    assert star.status_code == 428
    assert Deliverable.objects.get(pk=deliverable.pk).percent_complete == 0


def test_a_stale_etag_is_refused_with_412_and_changes_nothing(cast, as_role):
    deliverable = cast.deliverable("drafting")
    alice, bob = as_role("cochair"), as_role("secretariat")
    etag = alice.get(url(deliverable))["ETag"]
    assert (
        bob.patch(url(deliverable), {"status_note": "Bob's note"}, HTTP_IF_MATCH=etag).status_code
        == 200
    )

    response = alice.patch(url(deliverable), {"status_note": "Alice's note"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale"
    assert "you have version 1, it is now at version 2" in body["detail"]
    assert Deliverable.objects.get(pk=deliverable.pk).status_note == "Bob's note"

    # After reloading, Alice's update goes through.
    fresh = alice.get(url(deliverable))["ETag"]
    assert fresh == '"2"'
    assert (
        alice.patch(url(deliverable), {"status_note": "Both"}, HTTP_IF_MATCH=fresh).status_code
        == 200
    )


def test_a_workflow_move_makes_an_old_etag_stale(cast, as_role):
    deliverable = cast.deliverable("drafting")
    client = as_role("cochair")
    etag = client.get(url(deliverable))["ETag"]
    moved = client.post(
        f"{url(deliverable)}transitions/",
        {"to": "wg_review", "reason": "Ready"},
        HTTP_IF_MATCH=etag,
    )
    assert moved.status_code == 200
    assert client.patch(url(deliverable), {"rag": "red"}, HTTP_IF_MATCH=etag).status_code == 412
    # ... and a move sent with an old ETag is refused too.
    again = client.post(
        f"{url(deliverable)}transitions/", {"to": "drafting", "reason": "Oops"}, HTTP_IF_MATCH=etag
    )
    assert again.status_code == 412
    assert Deliverable.objects.get(pk=deliverable.pk).state == "wg_review"


@pytest.mark.parametrize("header", ['W/"1"', "1", '"7", "1"'])
def test_lenient_etag_forms_are_understood(cast, as_role, header):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(url(deliverable), {"rag": "red"}, HTTP_IF_MATCH=header)
    assert response.status_code == 200


def test_a_garbled_if_match_is_412(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(url(deliverable), {"rag": "red"}, HTTP_IF_MATCH="banana")
    assert response.status_code == 412
    assert "is not an ETag of this deliverable" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"percent_complete": 101}, "percent_complete"),
        ({"percent_complete": -1}, "percent_complete"),
        ({"rag": "purple"}, "rag"),
        ({"target_date": "soon"}, "target_date"),
        ({"title": "New title"}, "title"),
        ({"state": "published"}, "state"),
        ({}, "non_field_errors"),
        ({"reason": "only a reason"}, "non_field_errors"),
    ],
)
def test_invalid_progress_is_a_400_per_field(cast, as_role, body, field):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(url(deliverable), body, HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert Deliverable.objects.get(pk=deliverable.pk).version == 1


def test_a_published_deliverables_progress_is_final(cast, as_role):
    import datetime

    deliverable = cast.deliverable("published", published_on=datetime.date(2025, 1, 1))
    response = as_role("secretariat").patch(url(deliverable), {"rag": "red"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 409
    body = response.json()
    assert body == {
        "detail": body["detail"],
        "code": "illegal_move",
        "state": "published",
        "allowed": [],
    }
    assert "its progress is final" in body["detail"]
