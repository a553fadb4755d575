"""What the content model says for a small forum, and the checklist that comes with every draft."""

import datetime
import html as htmllib
import re
from datetime import UTC
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import escape

from apps.reports.content import CHECKLIST_TITLE, MemberTable, Report, report_build
from apps.reports.selectors import report_facts
from tests import factories

from .docx_reading import read_docx, under

pytestmark = pytest.mark.django_db
DRAFTED_ON = datetime.date(2026, 1, 20)


def _build(year: int, today: datetime.date | None = None) -> Report:
    facts = report_facts(year=year, today=today or timezone.localdate())
    return report_build(facts=facts, version=1, drafted_on=DRAFTED_ON)


def _section(report: Report, key: str):
    return next(s for s in report.sections if s.key == key)


def _texts(report: Report, key: str) -> list[str]:
    return [getattr(b, "text", "") for b in _section(report, key).blocks]


def _items(report: Report, contains: str):
    return [i for i in report.checklist if contains in i.what]


@pytest.fixture
def forum(cast):
    """The cast's forum in 2025: NASA chairs; TWG and SWG have co-chairs and plans; CWG neither."""
    nasa = cast.agencies["NASA"]
    factories.ChairAppointmentFactory(
        agency=nasa, starts_on=datetime.date(2024, 12, 1), starts_precision="month"
    )
    cast.cwg = factories.WorkingGroupFactory(acronym="CWG", name="Commercialisation Working Group")
    factories.OutlookItemFactory(year=2026, group=cast.twg, text="TWG will publish its report.")
    factories.OutlookItemFactory(year=2026, group=cast.swg, text="SWG will draft its plan.")
    return cast


def test_a_published_product_without_summary_is_asked_of_its_lead_groups_cochairs(forum):
    forum.deliverable(
        state="published",
        title="Gap report on dust",
        published_on=datetime.date(2025, 6, 1),
        summary="",
    )
    report = _build(2025)
    [item] = _items(report, "has no summary")
    assert item.section == "Highlights, Achievements, and Special Projects in 2025"
    assert item.what.startswith("“Gap report on dust” (technical / gap report) was published")
    assert "was published in 2025 but has no summary" in item.what
    assert item.ask == "TWG co-chairs: Cochair-Twg (JAXA)"
    assert "Summary of “Gap report on dust” missing in the record." in _texts(report, "highlights")


def test_an_active_group_without_outlook_and_empty_cochair_seats_are_listed(forum):
    report = _build(2025)
    [no_outlook] = _items(report, "has no outlook item for 2026")
    assert no_outlook.what == "The CWG is active but has no outlook item for 2026."
    assert no_outlook.ask == "CWG has no co-chair on record: the ISECG chair (NASA)"
    assert "No outlook for 2026 from the CWG." in _texts(report, "outlook")
    [seats] = _items(report, "Co-chair seats empty")
    assert "CWG" in seats.what and "TWG" not in seats.what and "SWG" not in seats.what
    assert seats.ask == "The secretariat and the ISECG chair (NASA)"


def test_missing_priorities_are_asked_of_the_chair(forum):
    report = _build(2025)
    [item] = _items(report, "No ISECG Priorities for 2026")
    assert item.ask == "The ISECG chair (NASA)"
    factories.OutlookItemFactory(year=2026, group=None, text="ISECG will coordinate.")
    report = _build(2025)
    assert not _items(report, "No ISECG Priorities")
    assert "ISECG will coordinate." in _texts(report, "outlook")


def _dated_history(product, *rows) -> None:
    """Rewrite the product's history as states on days (the record's history is as loaded)."""
    product.history.all().delete()
    for when, state in rows:
        product.state = state
        product.save()
        product.history.filter(history_date__gt=datetime.datetime(2026, 1, 1, tzinfo=UTC)).update(
            history_date=datetime.datetime(*when, tzinfo=UTC)
        )


def test_a_product_planned_this_year_that_stood_still_all_year_is_listed(forum):
    still = forum.deliverable(state="drafting", title="Science plan", lead_group=forum.swg)
    moved = forum.deliverable(state="planned", title="Technology portfolio")
    assessed = forum.deliverable(state="drafting", title="Assessed plan", lead_group=forum.swg)
    unknown = forum.deliverable(state="drafting", title="Loaded later", lead_group=forum.swg)
    next_year = forum.deliverable(state="planned", title="Next year's plan", lead_group=forum.swg)
    plan = factories.OutlookItemFactory(year=2025, group=forum.swg, text="SWG plans.")
    plan.planned_deliverables.add(still, moved, unknown)
    done = factories.OutlookItemFactory(
        year=2025, group=forum.swg, position=2, text="Assessed.", assessment="carried_over"
    )
    done.planned_deliverables.add(assessed)
    forum.swg.outlook_items.get(year=2026).planned_deliverables.add(next_year)
    _dated_history(still, ((2024, 11, 2), "drafting"))
    _dated_history(assessed, ((2024, 11, 2), "drafting"))
    _dated_history(next_year, ((2024, 11, 2), "planned"))
    _dated_history(moved, ((2024, 11, 2), "planned"), ((2025, 3, 3), "drafting"))
    # `unknown` keeps the history it was created with: after 2025, so the record cannot tell.
    report = _build(2025)
    [item] = _items(report, "did not move")
    assert item.what == (
        "“Science plan” is in the 2025 outlook but its state did not move in 2025 (it is "
        "drafting), and the outlook item has no year-end assessment."
    )
    assert item.ask == "SWG co-chairs: Cochair-Swg (ESA)"


def test_an_outlook_item_without_year_end_assessment_is_listed(forum):
    factories.OutlookItemFactory(year=2025, group=forum.twg, position=7, text="Finish the LSS.")
    report = _build(2025)
    [item] = _items(report, "has no year-end assessment")
    assert item.what.startswith("The 2025 outlook item TWG #7 (“Finish the LSS.")


def test_entries_without_link_are_counted_and_named(forum):
    factories.ActivityFactory(title="News one", occurred_on=datetime.date(2025, 2, 1))
    factories.ActivityFactory(
        title="News two", occurred_on=datetime.date(2025, 3, 1), link="https://example.org/2"
    )
    report = _build(2025)
    [item] = _items(report, "webnews items has no link")
    assert item.what.startswith("1 of the 2 webnews items has no link")
    assert "“News one”" in item.what and "News two" not in item.what


def test_all_or_the_one_entry_without_link_is_said_so(forum):
    factories.ActivityFactory(title="News one", occurred_on=datetime.date(2025, 2, 1))
    [item] = _items(_build(2025), "no link (the published")
    assert item.what == (
        "The one webnews item has no link (the published reports link each entry): “News one”."
    )
    factories.ActivityFactory(title="News two", occurred_on=datetime.date(2025, 3, 1))
    [item] = _items(_build(2025), "no link (the published")
    assert item.what.startswith("All 2 webnews items have no link")
    assert item.what.endswith(": “News two”; “News one”.")  # newest first, as Annex I lists them


def test_the_drafted_summary_states_the_years_facts(forum):
    esa = forum.agencies["ESA"]
    # ESA handed over to NASA in December 2024 (NASA's appointment is the forum's).
    factories.ChairAppointmentFactory(
        agency=esa, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2024, 12, 1)
    )
    factories.AgencyFactory(
        acronym="HSC", name="Hellenic Space Centre", country="Greece", joined_on="2025-01-01"
    )
    change = factories.StructuralChangeFactory(
        kind="absorption",
        effective_on=datetime.date(2025, 1, 1),
        effective_precision="year",
        into_group=forum.twg,
        decision="Approved by the senior agency managers (SAMs)",
        # A decided change in effect: only such a one is a report's event.
        state="decided",
        applied_at=timezone.now(),
    )
    change.meeting = factories.PlenaryMeetingFactory(title="Plenary in Cologne")
    change.save()
    change.groups.set([forum.cwg, forum.twg])
    forum.cwg.status, forum.cwg.status_change, forum.cwg.successor = "absorbed", change, forum.twg
    forum.cwg.save()
    report_2024, report_2025 = _build(2024), _build(2025)
    summary = _texts(report_2025, "executive_summary")
    assert summary[0].startswith("Drafted from the record for the secretariat to rewrite")
    assert summary[1] == (
        "At the end of 2025, ISECG counted 4 member agencies. Hellenic Space Centre (HSC) "
        "joined in 2025."
    )
    assert summary[2] == "The Agency NASA (NASA) chaired ISECG throughout 2025."
    assert summary[3] == (
        "The Commercialisation Working Group (CWG) was absorbed into the Working Group TWG "
        "(TWG) (approved by the senior agency managers (SAMs))."
    )
    assert _texts(report_2024, "executive_summary")[2] == (
        "In December 2024, the ISECG chair passed from the Agency ESA (ESA) to the Agency NASA "
        "(NASA)."
    )
    assert (
        "Decision: Approved by the senior agency managers (SAMs) (Plenary in Cologne "
        "(1 June 2025))." in _texts(report_2025, "highlights")
    )
    # CWG was absorbed "in 2025": still in the 2024 report's outlook for 2025, gone from 2025's
    # Annex III, where its successor notes the absorption.
    outlook_2025 = [t for t in _texts(report_2024, "outlook") if "CWG" in t]
    assert outlook_2025 and "Commercialisation Working Group (CWG)" in outlook_2025[0]
    annex = _texts(report_2025, "working_groups")
    assert "Commercialisation Working Group (CWG)" not in annex
    assert "In 2025, the TWG absorbed the Commercialisation Working Group (CWG)." in annex


def test_members_carry_the_name_they_had_at_the_end_of_the_year(isecg_record):
    def korea(year: int) -> list[str]:
        [table] = [
            b for b in _section(_build(year), "members").blocks if isinstance(b, MemberTable)
        ]
        return next(r.agencies for r in table.rows if r.country == "Republic of Korea")

    # No source spells KARI out: the record keeps the acronym as the name, printed once.
    assert korea(2023) == ["KARI"]
    assert korea(2024) == ["Korea AeroSpace Administration (KASA)"]


def test_the_checklist_is_the_last_section_of_the_docx_and_of_the_html(forum, draft_year):
    forum.deliverable(state="published", title="Unsummarised", published_on="2025-05-01")
    draft = draft_year(2025)
    parts = read_docx(default_storage.path(draft.docx.name))
    assert [p.text for p in parts if p.kind == "heading" and p.level == 1][-1] == CHECKLIST_TITLE
    checklist = under(parts, CHECKLIST_TITLE, level=1)
    [table] = [p for p in checklist if p.kind == "table"]
    header, *rows = table.rows
    assert header == [["Section"], ["What is missing"], ["Who to ask"]]
    assert len(rows) == draft.checklist_items
    assert rows[0][0] == ["Title page"]
    assert any("“Unsummarised”" in row[1][0] for row in rows)
    page = htmllib.unescape(Path(default_storage.path(draft.html.name)).read_text())
    assert f"{draft.checklist_items} items on the secretariat's checklist" in page
    shown = " ".join(re.sub(r"<[^>]+>", " ", page).split())  # the text, links as their words
    for row in rows:
        assert row[1][0] in shown


def test_highlights_tell_each_product_with_the_activities_that_promoted_it(forum):
    roadmap = forum.deliverable(
        state="published",
        kind="roadmap",
        title="Roadmap",
        published_on="2024-08-01",
        summary="The roadmap.",
    )
    paper = forum.deliverable(
        state="published", kind="conference_paper", title="GLEX paper", published_on="2025-05-01"
    )
    talk = factories.ActivityFactory(
        kind="talk",
        title="Talk on the roadmap",
        occurred_on=datetime.date(2025, 5, 1),
        occurred_precision="month",
        event="GLEX 2025",
        place="New Delhi, India",
    )
    talk.deliverables.set([paper, roadmap])
    news = factories.ActivityFactory(title="Roadmap news", occurred_on=datetime.date(2025, 6, 1))
    news.deliverables.set([roadmap])
    report = _build(2025)
    highlights = _texts(report, "highlights")
    assert highlights == [
        "Promoting Roadmap",
        "Drafted from the product's standing summary: write the 2025 highlight in the tracker, "
        "or rewrite this one.",
        "The roadmap.",
        "Talk on the roadmap (GLEX 2025, New Delhi, India, May 2025).",
    ]  # the paper is in Annex I and told with its talk; the webnews only in Annex I
    lists = [b for b in _section(report, "publications").blocks if b.kind == "bullets"]
    webnews, publications = ([item.text for item in b.items] for b in lists)
    assert webnews == ["Roadmap news"] and publications == ["GLEX paper"]


def test_outlook_sub_sections_follow_the_order_the_items_were_written(forum):
    """TWG wrote first, then SWG (the forum's items): TWG's sub-section comes first although
    S sorts before T; CWG, which wrote nothing, comes last with its note."""
    headings = [b.text for b in _section(_build(2025), "outlook").blocks if b.kind == "heading"]
    groups = headings[headings.index("ISECG Working Groups") + 1 :]
    assert [h.split("(")[-1].rstrip(")") for h in groups] == ["TWG", "SWG", "CWG"]


def test_webnews_are_listed_newest_first_and_same_dated_ones_last_recorded_first(forum):
    for title, day, precision in [
        ("Old news", datetime.date(2025, 1, 1), "year"),
        ("December news", datetime.date(2025, 12, 1), "month"),
        ("Later news of the same year", datetime.date(2025, 1, 1), "year"),
    ]:
        factories.ActivityFactory(
            kind="webnews", title=title, occurred_on=day, occurred_precision=precision
        )
    blocks = _section(_build(2025), "publications").blocks
    webnews = next(b for b in blocks if b.kind == "bullets")  # the first list: the webnews
    titles = [item.text for item in webnews.items]
    assert titles[:3] == ["December news", "Later news of the same year", "Old news"]


def test_an_undecided_proposal_is_not_reported_but_is_on_the_checklist(forum):
    change = factories.StructuralChangeFactory(
        kind="merger",
        summary="ERWG and TWG intend to merge.",
        effective_on=datetime.date(2025, 1, 1),
        effective_precision="year",
    )
    change.groups.set([forum.twg, forum.swg])
    later = factories.StructuralChangeFactory(
        summary="A plan for 2027.", effective_on=datetime.date(2027, 1, 1)
    )
    report = _build(2025)
    assert not any("intend to merge" in t for t in _texts(report, "highlights"))
    [item] = _items(report, "The proposal")
    assert item.what == (
        "The proposal “ERWG and TWG intend to merge.” (SWG and TWG), to take effect 2025, is "
        "proposed: the draft does not report it as a change. If the plenary has decided it, "
        f"record the decision on its page (/changes/{change.pk}/), then draft again."
    )
    assert later.summary not in " ".join(i.what for i in report.checklist)
    assert item.fix_at == f"{settings.SITE_URL}/changes/{change.pk}/"  # links to where it is fixed


def test_checklist_items_link_to_the_page_where_they_are_fixed(forum):
    item = factories.OutlookItemFactory(year=2025, group=forum.twg, position=7, text="Finish.")
    product = forum.deliverable(
        state="published", title="Gap report", published_on=datetime.date(2025, 6, 1), summary=""
    )
    report = _build(2025)
    [assessment] = _items(report, "has no year-end assessment")
    # The group's page at the item's year, where its edit form is (not the form's POST target).
    at = f"{settings.SITE_URL}/groups/{forum.twg.pk}/?outlook_year=2025#outlook-{item.pk}"
    assert assessment.fix_at == at
    [summary] = _items(report, "has no summary")
    assert summary.fix_at == f"{settings.SITE_URL}{product.get_absolute_url()}"
    from apps.reports.render import render_html

    page = render_html(report)
    assert f'Fix it at <a href="{escape(at)}">{escape(at)}</a>' in page
