"""Reading the record over HTTP: every collection, detail and history, for every role."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

COLLECTIONS = {
    "agency": lambda cast, record: cast.agencies["NASA"],
    "working-group": lambda cast, record: cast.twg,
    "cochair-appointment": lambda cast, record: record["appointment"],
    "outlook-item": lambda cast, record: record["outlook"],
    "deliverable": lambda cast, record: record["roadmap"],
    "activity": lambda cast, record: record["activity"],
    "meeting": lambda cast, record: record["meeting"],
    "consensus-round": lambda cast, record: record["round"],
    "report-draft": lambda cast, record: record["draft"],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_every_role_reads_every_collection_detail_and_history(cast, record, as_role, name, role):
    client = as_role(role)
    obj = COLLECTIONS[name](cast, record)

    listing = client.get(reverse(f"api:{name}-list"))
    assert listing.status_code == 200
    assert obj.pk in [item["id"] for item in listing.json()["results"]]

    detail = client.get(reverse(f"api:{name}-detail", args=[obj.pk]))
    assert detail.status_code == 200
    assert detail.json()["id"] == obj.pk
    assert detail.json()["history_url"].endswith(reverse(f"api:{name}-history", args=[obj.pk]))

    history = client.get(detail.json()["history_url"])
    assert history.status_code == 200
    assert history.json()["results"][-1]["action"] == "created"


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_an_unknown_id_is_a_json_404_naming_the_list(cast, as_role, name):
    client = as_role("reader")
    for pk in ["999999", "abc", str(2**70)]:
        response = client.get(reverse(f"api:{name}-detail", args=[pk]))
        assert response.status_code == 404, pk
        assert response.json()["code"] == "not_found"
        assert reverse(f"api:{name}-list") in response.json()["detail"]


def test_reads_are_read_only(cast, record, as_role):
    """The record is changed in the admin and through the workflow, not by PUT/DELETE here."""
    client = as_role("secretariat")
    url = reverse("api:agency-detail", args=[cast.agencies["ESA"].pk])
    assert client.delete(url).status_code == 405
    assert client.put(url, {"name": "x"}).status_code == 405
    assert client.post(reverse("api:agency-list"), {"name": "x"}).status_code == 405
    assert (
        client.put(reverse("api:deliverable-detail", args=[record["roadmap"].pk])).status_code
        == 405
    )
    assert client.delete(reverse("api:deliverable-detail", args=[record["roadmap"].pk])).json() == {
        "detail": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
    }


# --- filters -------------------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_agencies_member_on_a_date(cast, as_role):
    hsc = factories.AgencyFactory(acronym="HSC", joined_on=datetime.date(2025, 1, 1))
    gone = factories.AgencyFactory(
        acronym="OLD", joined_on=datetime.date(2008, 1, 1), left_on=datetime.date(2020, 1, 1)
    )
    client = as_role("reader")
    founders = {agency.pk for agency in cast.agencies.values()}
    assert ids(client.get("/api/v1/agencies/", {"member_on": "2024-12-31"})) == founders
    assert ids(client.get("/api/v1/agencies/", {"member_on": "2025-01-01"})) == founders | {hsc.pk}
    assert ids(client.get("/api/v1/agencies/", {"member_on": "2019-06-01"})) == founders | {gone.pk}
    assert len(ids(client.get("/api/v1/agencies/"))) == 5


def test_working_groups_active_on_a_date(cast, as_role):
    change = factories.StructuralChangeFactory(effective_on=datetime.date(2025, 1, 1))
    esawg = factories.WorkingGroupFactory(
        acronym="ESAWG", status="absorbed", status_change=change, successor=cast.twg
    )
    client = as_role("reader")
    assert esawg.pk in ids(client.get("/api/v1/working-groups/", {"active_on": "2024-12-31"}))
    assert esawg.pk not in ids(client.get("/api/v1/working-groups/", {"active_on": "2025-01-01"}))
    absorbed = client.get("/api/v1/working-groups/", {"status": "absorbed"}).json()["results"]
    assert [group["successor"]["acronym"] for group in absorbed] == ["TWG"]
    assert ids(client.get("/api/v1/working-groups/", {"acronym": "TWG"})) == {cast.twg.pk}


def test_cochair_appointments_by_group_agency_and_day(cast, as_role):
    ended = factories.CoChairAppointmentFactory(
        group=cast.twg,
        agency=cast.agencies["NASA"],
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2020, 1, 1),
    )
    client = as_role("reader")
    twg = ids(client.get("/api/v1/cochair-appointments/", {"group": "TWG"}))
    assert len(twg) == 2 and ended.pk in twg
    assert ids(
        client.get("/api/v1/cochair-appointments/", {"group": "TWG", "on": "2024-05-01"})
    ) == {cast.cochair_twg.cochair_appointments.get().pk}
    assert ids(client.get("/api/v1/cochair-appointments/", {"agency": "NASA"})) == {ended.pk}


def test_outlook_items_by_year_group_and_priorities(cast, record, as_role):
    client = as_role("reader")
    assert ids(client.get("/api/v1/outlook-items/", {"year": 2026, "group": "TWG"})) == {
        record["outlook"].pk
    }
    assert ids(client.get("/api/v1/outlook-items/", {"priorities": "true"})) == {
        record["priorities"].pk
    }
    assert ids(client.get("/api/v1/outlook-items/", {"year": 2025})) == set()


def test_deliverables_filters(cast, record, as_role):
    client = as_role("reader")
    roadmap, gap, lunar = record["roadmap"], record["gap"], record["round"].deliverable
    get = lambda **query: ids(client.get("/api/v1/deliverables/", query))  # noqa: E731
    assert get(group="TWG") == {roadmap.pk, lunar.pk}
    assert get(group="SWG") == {gap.pk}
    assert get(state="published") == {gap.pk}
    assert get(kind="roadmap") == {roadmap.pk}
    assert get(year=2025) == {gap.pk}  # published in 2025
    assert get(year=2026) == {roadmap.pk}  # target in 2026
    assert get(rag="green") == {roadmap.pk}
    assert get(search="exploration") == {roadmap.pk}
    assert get(group="TWG", state="drafting") == {roadmap.pk}


def test_deliverables_ordering_and_pagination(cast, as_role):
    for title in ["Charlie", "Alpha", "Bravo"]:
        cast.deliverable(title=title)
    client = as_role("reader")
    titles = lambda response: [item["title"] for item in response.json()["results"]]  # noqa: E731
    assert titles(client.get("/api/v1/deliverables/", {"ordering": "title"})) == [
        "Alpha",
        "Bravo",
        "Charlie",
    ]
    assert titles(client.get("/api/v1/deliverables/", {"ordering": "-title"}))[0] == "Charlie"
    page = client.get("/api/v1/deliverables/", {"ordering": "title", "page": 1})
    assert page.json()["count"] == 3 and page.json()["next"] is None
    assert client.get("/api/v1/deliverables/", {"page": 9}).status_code == 404


def test_activities_and_meetings_filters(cast, record, as_role):
    client = as_role("reader")
    activity, meeting = record["activity"], record["meeting"]
    assert ids(client.get("/api/v1/activities/", {"year": 2025, "kind": "webnews"})) == {
        activity.pk
    }
    assert ids(client.get("/api/v1/activities/", {"deliverable": record["roadmap"].pk})) == {
        activity.pk
    }
    assert ids(client.get("/api/v1/activities/", {"group": "SWG"})) == set()
    assert ids(client.get("/api/v1/meetings/", {"year": 2025, "kind": "plenary"})) == {meeting.pk}
    assert ids(client.get("/api/v1/meetings/", {"kind": "teleconference"})) == set()


def test_consensus_rounds_filters(cast, record, as_role):
    client = as_role("reader")
    round = record["round"]
    assert ids(client.get("/api/v1/consensus-rounds/", {"state": "open"})) == {round.pk}
    assert ids(client.get("/api/v1/consensus-rounds/", {"state": "closed"})) == set()
    assert ids(client.get("/api/v1/consensus-rounds/", {"deliverable": round.deliverable_id})) == {
        round.pk
    }


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("/api/v1/agencies/", {"member_on": "31/12/2024"}, "member_on"),
        ("/api/v1/working-groups/", {"active_on": "yesterday"}, "active_on"),
        ("/api/v1/working-groups/", {"status": "asleep"}, "status"),
        ("/api/v1/deliverables/", {"state": "done"}, "state"),
        ("/api/v1/deliverables/", {"kind": "novel"}, "kind"),
        ("/api/v1/deliverables/", {"year": "twenty"}, "year"),
        ("/api/v1/deliverables/", {"year": "1999"}, "year"),
        ("/api/v1/deliverables/", {"rag": "purple"}, "rag"),
        ("/api/v1/deliverables/", {"ordering": "colour"}, "ordering"),
        ("/api/v1/outlook-items/", {"priorities": "perhaps"}, "priorities"),
        ("/api/v1/consensus-rounds/", {"deliverable": "0"}, "deliverable"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(cast, as_role, url, query, field):
    response = as_role("reader").get(url, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert body["detail"].startswith(f"Check your input. {field}: ")


# --- history -------------------------------------------------------------------------------------


def test_history_says_who_when_what_from_what_to_what_and_why(cast, record, as_role):
    roadmap = record["roadmap"]
    roadmap.rag = "amber"
    roadmap.lead_group = cast.swg
    roadmap._history_user = cast.secretariat
    roadmap._change_reason = "Handed over to SWG at the plenary"
    roadmap.save()
    roadmap.contributing_groups.set([cast.twg])

    entries = as_role("reader").get(f"/api/v1/deliverables/{roadmap.pk}/history/").json()
    # newest first: the m2m set() writes two rows (remove, then add) after the save
    added, removed, handover = entries["results"][:3]
    assert handover["who"] == {
        "id": cast.secretariat.pk,
        "username": "secretariat",
        "name": "Secretariat",
    }
    assert handover["reason"] == "Handed over to SWG at the plenary"
    assert handover["action"] == "changed"
    changes = {change["field"]: change for change in handover["changes"]}
    assert set(changes) == {"rag", "lead_group"}
    assert changes["rag"] == {
        "field": "rag",
        "old": "green",
        "new": "amber",
        "old_display": "green",
        "new_display": "amber",
    }
    assert changes["lead_group"]["old"] == cast.twg.pk
    assert changes["lead_group"]["new_display"] == str(cast.swg)
    assert removed["changes"] == [
        {
            "field": "contributing_groups",
            "old": [cast.swg.pk],
            "new": [],
            "old_display": str(cast.swg),
            "new_display": "",
        }
    ]
    assert added["changes"][0]["new"] == [cast.twg.pk]
    assert added["changes"][0]["new_display"] == str(cast.twg)


def test_history_pages_diff_across_the_page_boundary(cast, as_role):
    agency = cast.agencies["ESA"]
    for website in ["https://esa.int/1", "https://esa.int/2", "https://esa.int/3"]:
        agency.website = website
        agency.save()
    client = as_role("reader")
    second = client.get(
        f"/api/v1/agencies/{agency.pk}/history/", {"page": 2, "page_size": 2}
    ).json()
    assert second["count"] == 4
    assert second["results"][0]["changes"][0]["old"] == ""
    assert second["results"][0]["changes"][0]["new"] == "https://esa.int/1"
    assert second["results"][1]["action"] == "created"


# --- query budgets -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_a_page_costs_a_fixed_number_of_queries(
    cast, record, as_role, name, django_assert_max_num_queries
):
    client = as_role("reader")
    for _ in range(5):
        factories.DeliverableFactory(lead_group=cast.swg).contributing_groups.add(cast.twg)
        factories.ActivityFactory(group=cast.twg)
        factories.OutlookItemFactory(group=cast.swg)
    with django_assert_max_num_queries(10):
        assert client.get(reverse(f"api:{name}-list")).status_code == 200
    obj = COLLECTIONS[name](cast, record)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(f"api:{name}-history", args=[obj.pk])).status_code == 200
