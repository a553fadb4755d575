"""The checklist of the 2024 and 2025 drafts, from the real record: every item true (the record
says what the item says), every item but the title page's actionable on a page of the tracker
that opens for the secretariat, and each planted gap found, then gone once fixed."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from apps.deliverables.models import Deliverable
from apps.groups.models import ChairAppointment, OutlookItem
from apps.groups.settling import appointment_dates_settle
from apps.reports.content import Report, report_build
from apps.reports.models import ReportHighlight, ReportNarrative
from apps.reports.selectors import report_facts

pytestmark = pytest.mark.django_db


def _build(year: int) -> Report:
    drafted_on = datetime.date(year + 1, 3, 1)
    facts = report_facts(year=year, today=drafted_on)
    return report_build(facts=facts, version=1, drafted_on=drafted_on)


def _kind(what: str) -> str:
    """What an item claims, by its words; an item of no known kind fails the test."""
    kinds = {
        "Replace the draft line": "title page",
        "The sources disagree": "conflicting sources",
        "The Executive Summary is drafted from the record": "no narrative",
        "No ISECG Priorities": "no priorities",
        "Co-chair seats empty": "empty seats",
        "has no year-end assessment": "unassessed outlook",
        "no link (the published reports link each entry)": "unlinked webnews",
        "has no link in Annex I": "unlinked publication",
        "is told with its standing summary": "standing summary",
        "draft does not report it as a change": "undecided proposal",
    }
    return next((kind for words, kind in kinds.items() if words in what), f"unknown: {what}")


def _true(year: int, kind: str, what: str) -> bool:
    """Whether the record says what the item says."""
    if kind == "title page":
        return True  # every draft carries the draft line
    if kind == "conflicting sources":
        return ChairAppointment.objects.filter(accounts__state="open").exists()
    if kind == "no narrative":
        return not ReportNarrative.objects.filter(year=year).exists()
    if kind == "no priorities":
        return not OutlookItem.objects.filter(year=year + 1, group__isnull=True).exists()
    if kind == "unassessed outlook":
        return OutlookItem.objects.filter(year=year, assessment="", text__startswith=_quoted(what))
    if kind == "unlinked publication":
        return Deliverable.objects.filter(link="").exists() and "“" in what
    if kind == "standing summary":
        return not ReportHighlight.objects.filter(year=year, shown=True).exists()
    return kind in ("empty seats", "unlinked webnews", "undecided proposal")


def _quoted(what: str) -> str:
    return what.split("(“", 1)[1].split("…", 1)[0]


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_item_is_true_and_fixed_on_a_page_that_opens(isecg_record, secretariat, year):
    secretariat.is_staff = True  # the webnews item is fixed in the admin's list
    secretariat.save()
    client = Client()
    client.force_login(secretariat)
    items = _build(year).checklist
    assert items
    for item in items:
        kind = _kind(item.what)
        assert not kind.startswith("unknown"), kind
        assert _true(year, kind, item.what), item.what
        if kind in ("title page", "no priorities"):
            continue  # the DOCX itself; a chair's decision with no page of its own
        assert item.fix_at.startswith(settings.SITE_URL), item.what
        path = item.fix_at.removeprefix(settings.SITE_URL)
        assert client.get(path).status_code == 200, (item.what, path)
    assert len({(i.what, i.fix_at) for i in items}) == len(items)  # nothing said twice


def test_planted_gaps_are_found_and_go_once_fixed(isecg_record, secretariat):
    roadmap = Deliverable.objects.get(title="Global Exploration Roadmap 2024")
    roadmap.link = "https://www.globalspaceexploration.org/ger-2024"
    roadmap.save()
    item = OutlookItem.objects.get(year=2025, group__acronym="TWG", position=3)

    def whats(year):
        return [i.what for i in _build(year).checklist]

    assert not any("Global Exploration Roadmap (IV edition)" in w for w in whats(2024))
    # A missing link planted: found, on the product's page.
    roadmap.link = ""
    roadmap.save()
    [unlinked] = [i for i in _build(2024).checklist if "(IV edition)” has no link" in i.what]
    assert unlinked.fix_at == f"{settings.SITE_URL}/deliverables/{roadmap.pk}/"
    # An unassessed outlook item: found; assessed, gone.
    assert any("TWG #3" in w for w in whats(2025))
    item.assessment = OutlookItem.Assessment.CARRIED_OVER
    item.save()
    assert not any("TWG #3" in w for w in whats(2025))
    # The open conflict on the chair's handover: found until settled, then gone.
    assert sum("The sources disagree" in w for w in whats(2025)) == 2
    esa, nasa = ChairAppointment.objects.order_by("pk")
    for appointment, edge in ((esa, "end"), (nasa, "start")):
        appointment_dates_settle(
            appointment=appointment, edge=edge, actor=secretariat,
            chosen=appointment.accounts.get(source__startswith="ISECG 2025"), reason="Checked.",
        )  # fmt: skip
    assert not any("The sources disagree" in w for w in whats(2025))
    # A year's narrative written: the drafted-summary item goes.
    ReportNarrative.objects.create(year=2025, executive_summary="Written.", written_by=secretariat)
    assert not any("Executive Summary is drafted" in w for w in whats(2025))
