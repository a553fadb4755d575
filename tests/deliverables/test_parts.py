"""A chapter of a product is a part of it, and a product the year's report tells of elsewhere is
not listed as a publication: Annex I and the Executive Summary's count then list exactly the
publications the report lists (the Critical Technology List update is Chapter 8 of the Global
Exploration Roadmap 2024)."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_edit
from apps.reports.content import report_build
from apps.reports.selectors import report_facts

pytestmark = pytest.mark.django_db
AUGUST = datetime.date(2025, 8, 1)


def _edit(deliverable, actor, **changes):
    deliverable.refresh_from_db()
    return deliverable_edit(
        deliverable=deliverable,
        actor=actor,
        expected_version=deliverable.version,
        reason="Annex I",
        changes=changes,
    )


def _published(cast, title, kind="roadmap"):
    return cast.deliverable("published", title=title, kind=kind, published_on=AUGUST,
                            published_precision="month", summary=f"{title}.")  # fmt: skip


def test_the_secretariat_makes_a_chapter_a_part_and_the_history_says_so(cast):
    roadmap, chapter = _published(cast, "Roadmap"), _published(cast, "Chapter 8", "plan")
    _edit(chapter, cast.secretariat, part_of=roadmap)
    chapter.refresh_from_db()
    assert chapter.part_of == roadmap and list(roadmap.parts.all()) == [chapter]
    assert chapter.history.latest().history_change_reason == "Annex I"


@pytest.mark.parametrize("field", ["part_of", "listed_as_publication"])
def test_a_cochair_may_not_change_how_the_report_lists_a_product(cast, field):
    roadmap, chapter = _published(cast, "Roadmap"), cast.deliverable("drafting", title="Ch")
    value = roadmap if field == "part_of" else False
    with pytest.raises(ApplicationError) as refused:
        _edit(chapter, cast.cochair_twg, **{field: value})
    assert refused.value.code == "forbidden"
    chapter.refresh_from_db()
    assert (chapter.part_of_id, chapter.listed_as_publication, chapter.version) == (None, True, 1)


def test_a_part_of_itself_of_a_part_or_with_parts_is_refused_saying_what_to_do(cast):
    roadmap, chapter, page = (_published(cast, t) for t in ("Roadmap", "Chapter", "Page"))
    with pytest.raises(ApplicationError, match="cannot be a part of itself"):
        _edit(roadmap, cast.secretariat, part_of=roadmap)
    _edit(chapter, cast.secretariat, part_of=roadmap)
    with pytest.raises(ApplicationError, match="make this a part of that product instead"):
        _edit(page, cast.secretariat, part_of=chapter)
    with pytest.raises(ApplicationError, match="has parts of its own"):
        _edit(roadmap, cast.secretariat, part_of=page)
    assert Deliverable.objects.filter(part_of__isnull=False).count() == 1


def test_annex_i_and_the_summary_count_list_only_the_reports_publications(cast):
    roadmap = _published(cast, "Roadmap")
    chapter = _published(cast, "Technology chapter", "technical_report")
    paper = _published(cast, "Conference paper", "conference_paper")
    _edit(chapter, cast.secretariat, part_of=roadmap)
    _edit(paper, cast.secretariat, listed_as_publication=False)
    facts = report_facts(year=2025, today=timezone.localdate())
    report = report_build(facts=facts, version=1, drafted_on=datetime.date(2026, 1, 5))
    annex = next(s for s in report.sections if s.key == "publications")
    lists = [b for b in annex.blocks if b.kind == "bullets"]
    assert [i.text for i in lists[-1].items] == ["Roadmap"]
    summary = next(s for s in report.sections if s.key == "executive_summary")
    [count] = [b.text for b in summary.blocks if "ISECG published" in getattr(b, "text", "")]
    assert count == "ISECG published 1 product in 2025: “Roadmap”."


def test_the_record_lists_the_published_annex_i_of_2024(isecg_record):
    ctl = Deliverable.objects.get(title__startswith="Critical Technology List update")
    assert ctl.part_of.title == "Global Exploration Roadmap 2024"
    facts = report_facts(year=2024, today=timezone.localdate())
    report = report_build(facts=facts, version=1, drafted_on=datetime.date(2025, 5, 1))
    annex = next(s for s in report.sections if s.key == "publications")
    listed = [i.text for i in [b for b in annex.blocks if b.kind == "bullets"][-1].items]
    # Its two publications, as the 2024 report names and orders them (its Annex I listing).
    assert listed == [
        "Global Exploration Roadmap (IV edition)",
        "Benefits Stemming from Space Exploration (II edition)",
    ]


def test_the_page_says_what_a_part_belongs_to(client, isecg_record):
    from django.contrib.auth import get_user_model

    ctl = Deliverable.objects.get(title__startswith="Critical Technology List update")
    client.force_login(get_user_model().objects.create_user("reader-parts"))
    page = client.get(ctl.get_absolute_url()).content.decode()
    assert "Part of" in page and ctl.part_of.get_absolute_url() in page
