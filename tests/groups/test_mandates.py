"""A group's mandate is its dated versions: the one in force on a day, the record's versions as
Annex III gives them, and every door (pages, API, admin, lineage) reading or writing them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from apps.groups.lineage import take_effect_if_due
from apps.groups.models import MandateVersion, StructuralChange, WorkingGroup
from apps.groups.selectors import mandate_on, mandates_at, with_mandates
from tests import factories

pytestmark = pytest.mark.django_db

SCWG_2024 = (
    "The objectives of the SCWG are to provide a clear, consistent and coordinated communication "
    "of the ISECG mandate, its products and activities, to support the development of ISECG "
    "products, as well as to support the exchange amongst members on stakeholder engagement "
    "activities. Major activities of the SCWG include the development of ISECG webnews, the "
    "preparation of the ISECG Annual Report and the facilitation of topical exchanges amongst "
    "members. The SCWG is fostering an exchange on lessons learned and best practices among ISECG "
    "members in communicating and delivering benefits resulting from investments in space "
    "exploration."
)
ABSORBED = (
    " In 2025, the SCWG absorbed the Emerging Space Agencies Working Group to align and foster "
    "outreach to new and smaller space agencies."
)
DAY = datetime.date


def test_the_group_has_no_mandate_field_any_more():
    assert "mandate" not in {f.name for f in WorkingGroup._meta.get_fields()}


def test_the_mandate_in_force_is_the_latest_begun_on_or_before_the_day():
    group = factories.WorkingGroupFactory(mandate__text="First known.")
    factories.MandateVersionFactory(
        group=group, text="From 2025.", in_force_from=DAY(2025, 1, 1), in_force_precision="year"
    )
    factories.MandateVersionFactory(
        group=group, text="From March 2026.", in_force_from=DAY(2026, 3, 1)
    )
    assert mandate_on(group, DAY(2024, 12, 31)).text == "First known."
    assert mandate_on(group, DAY(2025, 1, 1)).text == "From 2025."
    assert mandate_on(group, DAY(2026, 2, 28)).text == "From 2025."
    assert mandate_on(group, DAY(2026, 3, 1)).text == "From March 2026."
    assert mandates_at(DAY(2024, 12, 31))[group.pk].text == "First known."


def test_a_group_with_no_version_has_no_mandate():
    group = factories.WorkingGroupFactory(mandate=None)
    assert mandate_on(group, DAY(2025, 1, 1)) is None
    assert group.current_mandate == ""


def test_a_list_reads_every_mandate_in_one_query(django_assert_num_queries):
    for _ in range(3):
        factories.WorkingGroupFactory()
    with django_assert_num_queries(2):
        texts = [g.current_mandate for g in with_mandates(WorkingGroup.objects.all())]
    assert texts == ["Coordinates what its name says."] * 3


# --- the record -------------------------------------------------------------------------------


def test_the_record_keeps_scwgs_2024_text_and_its_2025_one_from_the_consolidation(isecg_record):
    scwg = WorkingGroup.objects.get(acronym="SCWG")
    first, second = scwg.mandates.order_by("pk")
    assert (first.text, first.in_force_from) == (SCWG_2024, None)
    assert first.source == "ISECG 2024 Annual Report (May 2025), Annex III (SCWG)"
    assert second.text == SCWG_2024 + ABSORBED
    assert (second.in_force_from, second.in_force_precision) == (DAY(2025, 1, 1), "year")
    assert second.change == StructuralChange.objects.get(pk=1)
    assert second.source == "ISECG 2025 Annual Report (March 2026), Annex III (SCWG)"
    assert mandate_on(scwg, DAY(2024, 12, 31)) == first
    assert mandate_on(scwg, DAY(2025, 12, 31)) == second


def test_the_other_groups_have_one_version_each_in_force_through_2025(isecg_record):
    for group in WorkingGroup.objects.exclude(acronym="SCWG"):
        (version,) = group.mandates.all()
        assert version.in_force_from is None, group.acronym
        assert "Annex III" in version.source and "seed" not in version.source
        assert mandate_on(group, DAY(2025, 12, 31)) == version
    esawg = WorkingGroup.objects.get(acronym="ESAWG").mandates.get()
    assert esawg.text.startswith("The ESAWG will consider methods to integrate small and large")
    assert esawg.source == "ISECG 2024 Annual Report (May 2025), Annex III (ESAWG)"
    assert MandateVersion.history.count() == MandateVersion.objects.count() == 8


# --- the doors --------------------------------------------------------------------------------


def test_a_mandate_change_adds_a_version_and_leaves_the_group_unchanged(cast):
    change = factories.StructuralChangeFactory(
        kind="mandate_change",
        state="decided",
        effective_on=DAY(2026, 1, 1),
        new_mandate="Technology, nuclear power included.",
        source="Minutes of the plenary",
    )
    change.groups.set([cast.twg])
    rows_before = cast.twg.history.count()
    take_effect_if_due(change, actor=cast.secretariat, now=timezone.now())
    assert cast.twg.history.count() == rows_before
    assert mandate_on(cast.twg, DAY(2025, 12, 31)).text == "Coordinates what its name says."
    new = mandate_on(cast.twg, DAY(2026, 1, 1))
    assert (new.text, new.change, new.source) == (
        "Technology, nuclear power included.",
        change,
        "Minutes of the plenary",
    )
    assert new.history.get().history_change_reason == f"Mandate change #{change.pk} took effect"


def test_the_group_page_and_list_show_the_mandate_in_force(client, isecg_record):
    reader = factories.UserFactory(username="reader-mandates")
    client.force_login(reader)
    scwg = WorkingGroup.objects.get(acronym="SCWG")
    page = client.get(reverse("web:group", args=[scwg.pk])).content.decode()
    assert "absorbed the Emerging Space Agencies Working Group" in page
    assert "In force from 2025" in page
    assert "Every version (2)" in page and "First known" in page
    listing = client.get(reverse("web:groups")).content.decode()
    assert "The objectives of the SCWG are to provide" in listing


def test_the_api_keeps_mandate_as_the_current_text_beside_every_version(cast, client):
    client.force_login(cast.reader)
    factories.MandateVersionFactory(
        group=cast.twg, text="Newer.", in_force_from=DAY(2025, 1, 1), in_force_precision="year"
    )
    body = client.get(reverse("api:working-group-detail", args=[cast.twg.pk])).json()
    assert body["mandate"] == "Newer."
    assert [(v["text"], v["in_force_from"], v["in_force_display"]) for v in body["mandates"]] == [
        ("Coordinates what its name says.", None, ""),
        ("Newer.", "2025-01-01", "2025"),
    ]
    listed = client.get(reverse("api:working-group-list")).json()["results"]
    assert {g["acronym"]: g["mandate"] for g in listed}["TWG"] == "Newer."


def test_the_admin_shows_the_versions_and_writes_none(client, cast):
    cast.secretariat.is_staff = True
    cast.secretariat.save()
    client.force_login(cast.secretariat)
    page = client.get(reverse("admin:groups_workinggroup_change", args=[cast.twg.pk]))
    assert "Coordinates what its name says." in page.content.decode()
    found = client.get(reverse("admin:groups_workinggroup_changelist"), {"q": "what its name"})
    assert found.context["cl"].result_count == 2  # searched in the versions' texts
    assert client.get(reverse("admin:groups_mandateversion_add")).status_code == 403
    version = cast.twg.mandates.get()
    change_url = reverse("admin:groups_mandateversion_change", args=[version.pk])
    client.post(change_url, {"text": "Forged.", "group": cast.twg.pk})
    version.refresh_from_db()
    assert version.text == "Coordinates what its name says."
    assert version.history.count() == 1


# --- the data migration -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_mandate_a_group_held_as_a_version():
    executor = MigrationExecutor(connection)
    executor.migrate([("groups", "0006_record_notes_apart_from_printed_text")])
    old = executor.loader.project_state(
        [("groups", "0006_record_notes_apart_from_printed_text")]
    ).apps
    Group = old.get_model("groups", "WorkingGroup")
    History = old.get_model("groups", "HistoricalWorkingGroup")
    group = Group.objects.create(acronym="TWG", name="Technology WG", mandate="Now.", source="S")
    earlier = timezone.now() - datetime.timedelta(days=400)
    for text, when in (("At first.", earlier), ("Now.", earlier + datetime.timedelta(days=30))):
        History.objects.create(
            id=group.pk, acronym="TWG", name="Technology WG", mandate=text, source="S",
            status="active", established_precision="day", history_date=when,
            history_type="~", history_change_reason="edited",
        )  # fmt: skip
    quiet = Group.objects.create(acronym="SWG", name="Science WG", mandate="Science.", source="T")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    twg = MandateVersion.objects.filter(group_id=group.pk).order_by("pk")
    assert [(v.text, v.in_force_from, v.in_force_precision) for v in twg] == [
        ("At first.", None, "day"),
        ("Now.", timezone.localdate(earlier + datetime.timedelta(days=30)), "on_or_before"),
    ]
    (swg,) = MandateVersion.objects.filter(group_id=quiet.pk)
    assert (swg.text, swg.in_force_from, swg.source) == ("Science.", None, "T")
    assert swg.history.get().history_change_reason.startswith("Kept as a mandate version")
