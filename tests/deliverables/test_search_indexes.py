"""The deliverables search on PostgreSQL: trigram indexes that answer from the index at once."""

import pytest
from django.db import connection

from apps.deliverables.selectors import DeliverableFilter, deliverables_filtered
from tests.factories import DeliverableFactory

pytestmark = pytest.mark.django_db

SEARCHED = ("title", "summary", "status_note", "next_milestone")


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's; SQLite scans its small tables")


def test_every_searched_column_has_a_trigram_index_without_a_pending_list(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions, am.amname FROM pg_class c "
            "JOIN pg_am am ON am.oid = c.relam WHERE c.relname LIKE 'deliverable_%%_trgm'"
        )
        indexes = {name: (options or [], method) for name, options, method in cursor.fetchall()}
    assert set(indexes) == {f"deliverable_{column}_trgm" for column in SEARCHED}
    for name, (options, method) in indexes.items():
        assert method == "gin", name
        # New rows go straight into the index: a search never reads a pending list in full.
        assert "fastupdate=off" in options, (name, options)


def test_a_new_deliverable_is_found_by_any_part_of_any_searched_field(postgresql):
    DeliverableFactory(
        title="Cislunar logistics study", summary="", status_note="", next_milestone=""
    )
    DeliverableFactory(title="Other", summary="", status_note="Awaiting the ESA regolith data")
    DeliverableFactory(title="Other", summary="", status_note="", next_milestone="Gateway PDR")

    def found(term):
        return sorted(
            deliverables_filtered(DeliverableFilter(q=term)).values_list("title", flat=True)
        )

    assert found("lunar log") == ["Cislunar logistics study"]
    assert found("REGOLITH") == ["Other"]
    assert found("way pd") == ["Other"]
    assert found("nothing like this") == []


def test_a_deliverable_is_found_by_the_text_of_its_revisions_from_an_index(postgresql):
    from tests.factories import RevisionFactory

    lss = DeliverableFactory(title="LSS gap report", summary="", status_note="")
    RevisionFactory(deliverable=lss, number=0, text="Dust mitigation for surface habitats")
    RevisionFactory(deliverable=lss, number=1, text="Dust mitigation for surface habitats")
    DeliverableFactory(title="Other", summary="", status_note="")
    found = deliverables_filtered(DeliverableFilter(q="SURFACE HAB"))
    assert list(found.values_list("title", flat=True)) == ["LSS gap report"]  # once
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reloptions, am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
            "WHERE c.relname = 'revision_text_trgm'"
        )
        [(options, method)] = cursor.fetchall()
    assert method == "gin" and "fastupdate=off" in options
