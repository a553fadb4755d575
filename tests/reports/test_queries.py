"""Drafting costs the same number of queries for one deliverable as for a thousand."""

import datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.deliverables.models import Activity, Deliverable
from apps.groups.models import OutlookItem
from apps.reports.models import ReportDraft
from apps.reports.services import report_draft_request
from apps.reports.tasks import draft_annual_report
from tests import factories

pytestmark = pytest.mark.django_db


def _add_products(cast, count: int, start: int) -> None:
    """`count` products touching every part of the report: published in 2025 with a summary (or
    not), promoted at an event, planned in the 2026 outlook, some still drafting."""
    groups = [cast.twg, cast.swg]
    products = Deliverable.objects.bulk_create(
        Deliverable(
            title=f"Product {n}",
            kind=Deliverable.Kind.TECHNICAL_REPORT,
            lead_group=groups[n % 2],
            state="published" if n % 3 else "drafting",
            published_on=datetime.date(2025, 1 + n % 12, 1) if n % 3 else None,
            summary=f"What product {n} says." if n % 5 else "",
        )
        for n in range(start, start + count)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            kind=Activity.Kind.TALK if n % 2 else Activity.Kind.WEBNEWS,
            title=f"Talk {n}",
            occurred_on=datetime.date(2025, 1 + n % 12, 2),
            event=f"Conference {n % 4}",
        )
        for n in range(start, start + count)
    )
    Activity.deliverables.through.objects.bulk_create(
        Activity.deliverables.through(activity_id=a.pk, deliverable_id=d.pk)
        for a, d in zip(activities, products, strict=True)
    )
    items = {item.group_id: item for item in OutlookItem.objects.filter(year=2026)}
    OutlookItem.planned_deliverables.through.objects.bulk_create(
        OutlookItem.planned_deliverables.through(
            outlookitem_id=items[d.lead_group_id].pk, deliverable_id=d.pk
        )
        for d in products
    )


def _queries_to_draft(cast) -> int:
    draft = report_draft_request(year=2025, actor=cast.secretariat)
    with CaptureQueriesContext(connection) as queries:
        # The task itself, run here: what a worker does with the draft's id.
        assert draft_annual_report.apply(args=[draft.pk]).get() == "done"
    return len(queries)


def test_query_count_is_the_same_for_1_and_1000_deliverables(cast):
    factories.ChairAppointmentFactory(agency=cast.agencies["NASA"])
    for group in (cast.twg, cast.swg):
        factories.OutlookItemFactory(year=2026, group=group, position=1)
        factories.OutlookItemFactory(year=2025, group=group, position=1)
    _add_products(cast, 1, start=0)
    with_one = _queries_to_draft(cast)
    _add_products(cast, 999, start=1)
    assert Deliverable.objects.count() == 1000
    with_a_thousand = _queries_to_draft(cast)
    assert with_one == with_a_thousand, (with_one, with_a_thousand)
    biggest = ReportDraft.objects.get(version=2)
    preview = Path(default_storage.path(biggest.html.name)).read_text()
    assert "Product 999" in preview and "Talk 998" in preview  # the thousand are in the draft
    assert with_one < 60  # a fixed, small budget: reads in bulk, one update per step
