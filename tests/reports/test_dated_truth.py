"""The drafts print what was true at the end of their year, and no more than the sources agree on:
Annex III of 2024 and of 2025 from the mandates in force then, and the chair's handover, which the
two reports date differently, left to the checklist until the secretariat settles it."""

import datetime

import pytest
from django.utils import timezone

from apps.groups.models import ChairAppointment
from apps.groups.settling import appointment_dates_settle
from apps.reports.content import Report, report_build
from apps.reports.selectors import report_facts

pytestmark = pytest.mark.django_db
DRAFTED_ON = datetime.date(2026, 4, 1)
ABSORBED = "In 2025, the SCWG absorbed the Emerging Space Agencies Working Group"


def _build(year: int) -> Report:
    facts = report_facts(year=year, today=timezone.localdate())
    return report_build(facts=facts, version=1, drafted_on=DRAFTED_ON)


def _annex_iii(report: Report) -> dict[str, str]:
    """Heading -> the paragraphs under it, in Annex III."""
    section = next(s for s in report.sections if s.key == "working_groups")
    texts: dict[str, str] = {}
    heading = ""
    for block in section.blocks:
        if block.kind == "heading":
            heading = block.text
            texts[heading] = ""
        elif block.kind == "paragraph":
            texts[heading] = (texts[heading] + " " + block.text).strip()
    return texts


def _summary(report: Report) -> str:
    section = next(s for s in report.sections if s.key == "executive_summary")
    return " ".join(b.text for b in section.blocks if b.kind == "paragraph")


def _chair_items(report: Report) -> list[str]:
    return [i.what for i in report.checklist if "ISECG chair" in i.what]


SCWG = "Strategic Communications Working Group (SCWG)"


def test_annex_iii_of_2024_prints_scwgs_2024_mandate_and_2025_its_2025_one(isecg_record):
    annex_2024, annex_2025 = _annex_iii(_build(2024)), _annex_iii(_build(2025))
    assert annex_2024[SCWG].endswith("resulting from investments in space exploration."), (
        annex_2024[SCWG]
    )
    assert ABSORBED not in annex_2024[SCWG]
    assert annex_2025[SCWG].endswith(
        ABSORBED + " to align and foster outreach to new and smaller space agencies."
    )
    assert "Emerging Space Agencies Working Group (ESAWG)" in annex_2024
    assert "Emerging Space Agencies Working Group (ESAWG)" not in annex_2025


def test_no_checklist_item_doubts_a_dated_mandate(isecg_record):
    for year in (2024, 2025):
        assert not [i for i in _build(year).checklist if "mandate mentions" in i.what]


def test_an_undated_mandate_that_names_a_later_year_is_still_checked(isecg_record):
    from apps.groups.models import MandateVersion

    version = MandateVersion.objects.get(group__acronym="TWG")
    MandateVersion.objects.filter(pk=version.pk).update(text=version.text + " Set up in 2026.")
    (item,) = [i for i in _build(2024).checklist if "mandate mentions" in i.what]
    assert item.what.startswith("The TWG's mandate mentions 2026, after 2024")


def test_while_the_sources_disagree_the_drafts_print_only_what_both_support(isecg_record):
    report_2024, report_2025 = _build(2024), _build(2025)
    for report in (report_2024, report_2025):
        summary = _summary(report)
        assert "chaired ISECG throughout" not in summary
        assert "chair passed" not in summary
    assert "chair" not in _summary(report_2024)
    assert (
        "At the end of 2025, the National Aeronautics and Space Administration (NASA) held the "
        "ISECG chair." in _summary(report_2025)
    )


def test_the_checklist_names_each_account_until_the_conflict_is_settled(isecg_record):
    for year in (2024, 2025):
        ended, began = _chair_items(_build(year))
        assert ended.startswith("The sources disagree on when ESA's ISECG chair ended: the ISECG "
                                "2024 Annual Report (May 2025), Executive Summary says 2024 (“As "
                                "the year concluded,")  # fmt: skip
        assert began.startswith("The sources disagree on when NASA's ISECG chair began")
        assert "ISECG 2025 Annual Report (March 2026), Executive Summary says 2025" in began
        assert "says of the chair only what every account supports" in began
        assert "Settle which date the record keeps" in began


def test_once_settled_the_handover_is_told_and_the_checklist_item_goes(isecg_record, secretariat):
    esa, nasa = ChairAppointment.objects.order_by("pk")
    for appointment, edge in ((esa, "end"), (nasa, "start")):
        chosen = appointment.accounts.get(source__startswith="ISECG 2025")
        appointment_dates_settle(
            appointment=appointment, edge=edge, actor=secretariat, chosen=chosen,
            reason="Confirmed by the chair's office.",
        )  # fmt: skip
    report_2025 = _build(2025)
    assert _chair_items(report_2025) == []
    assert (
        "In 2025, the ISECG chair passed from the European Space Agency (ESA) to the National "
        "Aeronautics and Space Administration (NASA)." in _summary(report_2025)
    )
    assert _chair_items(_build(2024)) == []
