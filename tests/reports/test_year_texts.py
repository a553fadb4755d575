"""A year's own texts and names in its report: highlights written for the year (never another
year's), how the year's report names and orders its lists, and the checklist items they bring."""

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.reports.content import Report, report_build
from apps.reports.models import ReportHighlight, ReportListing
from apps.reports.selectors import report_facts
from tests import factories

pytestmark = pytest.mark.django_db
DRAFTED_ON = datetime.date(2026, 1, 20)
HIGHLIGHTS = "highlights"


def _build(year: int) -> Report:
    facts = report_facts(year=year, today=timezone.localdate())
    return report_build(facts=facts, version=1, drafted_on=DRAFTED_ON)


def _blocks(report: Report, key: str) -> list[tuple[str, str]]:
    section = next(s for s in report.sections if s.key == key)
    return [(b.kind, getattr(b, "text", "")) for b in section.blocks]


def _items(report: Report, contains: str):
    return [i for i in report.checklist if contains in i.what]


@pytest.fixture
def roadmap(cast):
    return cast.deliverable(
        state="published",
        kind="roadmap",
        title="Roadmap 2024",
        published_on=datetime.date(2024, 8, 1),
        published_precision="month",
        summary="The roadmap's standing summary.",
        link="https://example.org/roadmap",
    )


def test_a_years_highlight_is_told_in_its_words_and_never_in_another_year(cast, roadmap):
    ReportHighlight.objects.create(
        year=2024, position=1, heading="The 2024 Roadmap", text="Written for 2024.\n\nMore.",
        deliverable=roadmap,
    )  # fmt: skip
    factories.ActivityFactory(
        kind="talk", title="Talk", occurred_on=datetime.date(2025, 5, 1), event="GLEX 2025"
    ).deliverables.set([roadmap])
    in_2024 = _blocks(_build(2024), HIGHLIGHTS)
    assert in_2024 == [
        ("heading", "The 2024 Roadmap"),
        ("paragraph", "Written for 2024."),
        ("paragraph", "More."),
    ]  # not the standing summary beside it
    assert not _items(_build(2024), "standing summary")
    in_2025 = _blocks(_build(2025), HIGHLIGHTS)
    assert ("paragraph", "Written for 2024.") not in in_2025
    # 2025 has no highlight of its own: the standing summary, marked as a draft, and an item.
    assert in_2025[0] == ("heading", "Promoting Roadmap 2024")
    assert in_2025[1][0] == "note" and "standing summary" in in_2025[1][1]
    assert ("paragraph", "The roadmap's standing summary.") in in_2025
    [item] = _items(_build(2025), "standing summary")
    assert item.fix_at == f"{settings.SITE_URL}/reports/summary/2025/#highlights"


def test_a_left_out_highlight_is_not_told_and_a_chapter_goes_with_its_product(cast, roadmap):
    chapter = cast.deliverable(
        state="published", kind="technical_report", title="Chapter 8",
        published_on=datetime.date(2024, 8, 1), part_of=roadmap, summary="Chapter text.",
    )  # fmt: skip
    ReportHighlight.objects.create(
        year=2024, position=1, heading="Roadmap", text="Told.", deliverable=roadmap
    )
    ReportHighlight.objects.create(
        year=2024, position=2, heading="TWG's year", text="Gap teams.", group=cast.twg
    )
    ReportHighlight.objects.create(
        year=2024, position=3, heading="Dropped", text="Not told.", shown=False
    )
    blocks = _blocks(_build(2024), HIGHLIGHTS)
    assert [t for k, t in blocks if k == "heading"] == ["Roadmap", "TWG's year"]
    assert ("paragraph", "Chapter text.") not in blocks  # told with the roadmap it is part of
    assert chapter.pk


def test_a_highlight_tells_of_one_thing_at_most(cast, roadmap):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportHighlight.objects.create(
            year=2024, position=1, heading="Both", text="x", deliverable=roadmap, group=cast.twg
        )


def test_the_years_listing_names_and_orders_annex_i_the_outlook_and_annex_iii(cast, roadmap):
    paper = cast.deliverable(
        state="published", kind="white_paper", title="A paper (2nd edition)",
        published_on=datetime.date(2024, 8, 1), published_precision="month",
        link="https://example.org/paper",
    )  # fmt: skip
    cwg = factories.WorkingGroupFactory(acronym="CWG", name="Commercialisation Working Group")
    factories.OutlookItemFactory(year=2025, group=cwg, text="CWG plans.")
    factories.OutlookItemFactory(year=2025, group=cast.twg, text="TWG plans.")
    Section = ReportListing.Section
    ReportListing.objects.create(year=2024, section=Section.PUBLICATIONS, position=1,
                                 deliverable=roadmap, heading="Roadmap (IV edition)")  # fmt: skip
    ReportListing.objects.create(year=2024, section=Section.PUBLICATIONS, position=2,
                                 deliverable=paper, heading="A paper (II edition)")  # fmt: skip
    ReportListing.objects.create(year=2024, section=Section.OUTLOOK, group=cwg,
                                 heading="Commercialisation Working Group")  # fmt: skip
    ReportListing.objects.create(year=2024, section=Section.WORKING_GROUPS, position=1,
                                 group=cast.twg)  # fmt: skip
    ReportListing.objects.create(year=2024, section=Section.WORKING_GROUPS, position=2,
                                 group=cwg, heading="Commercial Working Group (CWG)")  # fmt: skip
    report = _build(2024)
    annex_i = next(s for s in report.sections if s.key == "publications")
    lists = [b for b in annex_i.blocks if b.kind == "bullets"]
    assert [i.text for i in lists[-1].items] == ["Roadmap (IV edition)", "A paper (II edition)"]
    summary = " ".join(t for _, t in _blocks(report, "executive_summary"))
    assert "“Roadmap (IV edition)” and “A paper (II edition)”" in summary  # the same list
    outlook = [t for k, t in _blocks(report, "outlook") if k == "heading"]
    assert "Commercialisation Working Group" in outlook  # as the year's report names it
    assert f"{cast.twg.name} (TWG)" in outlook  # unlisted: the record's name
    annex_iii = [t for k, t in _blocks(report, "working_groups") if k == "heading"]
    assert annex_iii[:2] == [f"{cast.twg.name} (TWG)", "Commercial Working Group (CWG)"]
    assert annex_iii[2:] == [f"{cast.swg.name} (SWG)"]  # unlisted ones after
    # Another year keeps the record's own names.
    assert "Commercial Working Group (CWG)" not in str(_blocks(_build(2025), "working_groups"))


def test_a_listing_names_what_its_list_holds(cast, roadmap):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportListing.objects.create(
            year=2024, section=ReportListing.Section.PUBLICATIONS, group=cast.twg
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportListing.objects.create(
            year=2024, section=ReportListing.Section.WORKING_GROUPS, deliverable=roadmap
        )


def test_a_joint_outlook_item_closes_its_shared_section(cast):
    first = factories.OutlookItemFactory(year=2025, group=cast.twg, position=1, text="TWG one.")
    joint = factories.OutlookItemFactory(year=2025, group=cast.twg, position=2, text="Jointly.")
    joint.partner_groups.set([cast.swg])
    factories.OutlookItemFactory(year=2025, group=cast.swg, position=1, text="SWG one.")
    paragraphs = [t for k, t in _blocks(_build(2024), "outlook") if k == "paragraph"]
    assert paragraphs == ["TWG one.", "SWG one.", "Jointly."]
    assert first.pk < joint.pk


def test_each_unlinked_publication_and_a_year_only_date_are_items_on_its_page(cast):
    product = cast.deliverable(
        state="published", kind="white_paper", title="Undated paper",
        published_on=datetime.date(2024, 1, 1), published_precision="year", link="",
    )  # fmt: skip
    factories.ActivityFactory(
        kind="webnews", title="News", occurred_on=datetime.date(2024, 3, 1), link=""
    )
    report = _build(2024)
    page = f"{settings.SITE_URL}{product.get_absolute_url()}"
    [no_link] = _items(report, "has no link in Annex I")
    assert no_link.what.startswith("“Undated paper” has no link") and no_link.fix_at == page
    [year_only] = _items(report, "has only the year")
    assert year_only.fix_at == page
    [webnews] = _items(report, "The one webnews item has no link")
    assert webnews.fix_at.endswith(
        "/admin/deliverables/activity/?kind__exact=webnews"
        "&occurred_on__gte=2024-01-01&occurred_on__lt=2025-01-01"
    )
