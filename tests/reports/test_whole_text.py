"""The drafted 2024 and 2025 reports of the ISECG record, every word: the content model's whole
text against a golden text that was read line by line against the published reports (the
fact-by-fact test says which facts are the published ones; this pins everything else a draft
says, the checklist with its links included, so no rule of reports/content.py can change
unseen). After a deliberate change, write the new texts with ISECG_WRITE_GOLDEN=1, read the
diff and commit it with the change."""

import datetime
import difflib
import os
from pathlib import Path

import pytest
from django.utils import timezone

from apps.reports.content import report_build, section_plan
from apps.reports.selectors import report_facts
from tests import factories

from .whole_text import whole_text

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden" / "drafts"


def check_whole_text(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("ISECG_WRITE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/drafts/{name}.txt",
                "drafted",
                n=1,
            )
        )
        pytest.fail(f"The draft differs from its golden text:\n{diff}", pytrace=False)


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_records_draft_reads_as_its_golden_text(isecg_record, year):
    drafted_on = datetime.date(year + 1, 3, 1)
    facts = report_facts(year=year, today=drafted_on)
    report = report_build(facts=facts, version=3, drafted_on=drafted_on)
    check_whole_text(f"isecg-{year}", whole_text(report))


# --- a small forum with one of everything the content rules tell apart -----------------------

YEAR = 2025


def _day(month: int, day: int = 1, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def world(cast):
    """2025 in a forum of nine agencies and eight groups: a chair handover, agencies joining and
    leaving, a decided change of every kind and one still proposed, products of every kind
    published in reverse order of their rank, promotions, webnews, a written highlight, listings
    that rename and reorder, outlook items shared and missing, and gaps the checklist names."""
    from apps.deliverables.models import Deliverable
    from apps.groups.models import GroupStatus, StructuralChange, WorkingGroup

    f = factories
    esa, jaxa, nasa = (cast.agencies[a] for a in ("ESA", "JAXA", "NASA"))
    # Members: two in one country (by name within it), Ukraine before USA, one joining under a
    # name it changed later (two earlier names: the nearer one applies), one leaving.
    f.AgencyFactory(
        acronym="CSIRO", name="Commonwealth Scientific Organisation", country="Australia"
    )
    f.AgencyFactory(acronym="ASA", name="australian Space Agency", country="Australia")
    ssau = f.AgencyFactory(
        acronym="SSAU", name="State Space Agency of Ukraine", country="Ukraine", joined_on=_day(4)
    )
    f.AgencyNameFactory(
        agency=ssau, name="National Space Agency", acronym="NSAU", used_until=_day(1, 1, 2027)
    )
    f.AgencyNameFactory(
        agency=ssau, name="Space Agency of Ukraine", acronym="SAU", used_until=_day(3, 1, 2026)
    )
    f.AgencyNameFactory(agency=ssau, name="", acronym="X", used_until=_day(1, 1, 2026))
    f.AgencyFactory(acronym="GONE", name="Departed Agency", country="Nowhere", left_on=_day(6, 30))
    # The chair passed from ESA to NASA in July (a month); NASA's ended on 30 December and JAXA
    # took it, after nobody, on 31 December: a year-end handover is the year's.
    f.ChairAppointmentFactory(agency=esa, starts_on=_day(1, 1, 2020), ends_on=_day(7, 1))
    f.ChairAppointmentFactory(
        agency=nasa, starts_on=_day(7, 1), starts_precision="month", ends_on=_day(12, 30)
    )
    f.ChairAppointmentFactory(agency=jaxa, starts_on=_day(12, 31), starts_precision="day")

    twg, swg = cast.twg, cast.swg
    twg.name, swg.name = "Technology Working Group", "Science Working Group"
    twg.save(), swg.save()
    # SCWG's mandate names a later year, but the record dates the text: nothing to check.
    scwg = f.WorkingGroupFactory(
        acronym="SCWG",
        name="Strategic Communications Working Group",
        mandate__text="SCWG runs the communications plan until 2026.",
        mandate__in_force_from=_day(1, 1, 2024),
        established_on=_day(1, 1, 2010),
    )
    esawg = f.WorkingGroupFactory(acronym="ESAWG", name="Emerging Agencies Working Group")
    old = f.WorkingGroupFactory(acronym="OLDWG", name="Old Working Group", mandate=None)
    cwg = f.WorkingGroupFactory(
        acronym="CWG",
        name="Commercialisation Working Group",
        mandate__text="Set up in 2024, the CWG will publish in 2026.\n\n  Then review it.  ",
    )
    # A co-chair known only by a username (no first or last name in the account).
    f.CoChairAppointmentFactory(
        person=f.UserFactory(username="cwg-chair"), group=cwg, agency=nasa, starts_on=_day(1)
    )
    erwg = f.WorkingGroupFactory(acronym="ERWG", name="Exploration Roadmap Working Group")
    iawg = f.WorkingGroupFactory(acronym="IAWG", name="International Architecture Working Group")
    nmwg = f.WorkingGroupFactory(acronym="NMWG", name="No Mandate Working Group", mandate=None)
    later = f.WorkingGroupFactory(
        acronym="NEWG", name="New Working Group", established_on=_day(1, 1, 2027)
    )
    tiger = f.SubTeamFactory(group=scwg, name="Benefits Tiger Team")
    meeting = f.PlenaryMeetingFactory(title="ISECG plenary, Cologne", starts_on=_day(5, 12))

    def change(kind, groups, **fields):
        fields.setdefault("effective_on", _day(6))
        made = f.StructuralChangeFactory(
            kind=kind, state="decided", applied_at=timezone.now(), **fields
        )
        made.groups.set(groups)
        return made

    Kind = StructuralChange.Kind
    absorbed = change(
        Kind.ABSORPTION, [esawg, scwg], into_group=scwg,
        summary="SCWG absorbed ESAWG.\n\nAnd the tiger team.",
        decision="Approved by the senior agency managers.", meeting=meeting,
    )  # fmt: skip
    absorbed.sub_teams.set([tiger])
    merger = change(Kind.MERGER, [erwg, iawg], into_group=erwg, summary="", effective_on=_day(2))
    change(Kind.PARTIAL_MERGER, [erwg, iawg], summary="Parts merged.", decision="Agreed.")
    change(Kind.ESTABLISHMENT, [], new_groups=[{"name": "Lunar Group", "acronym": "LG"}])
    # The closure's record names the group its work went to: still told as a closure.
    change(Kind.CLOSURE, [old], summary="OLDWG closed.", into_group=scwg)
    renaming = change(Kind.RENAMING, [swg], summary="SWG renamed.")
    change(
        Kind.SPLIT, [twg, swg],
        new_groups=[{"name": "A Group", "acronym": "AG"}, {"name": "B Group", "acronym": "BG"}],
    )  # fmt: skip
    change(Kind.MANDATE_CHANGE, [twg], summary="")
    # A merger and an absorption the record holds without the group taking over (written
    # before the tracker asked for it): told without naming one.
    change(Kind.MERGER, [cwg, nmwg], summary="", effective_on=_day(8))
    change(Kind.ABSORPTION, [nmwg], summary="", effective_on=_day(8))
    proposal = f.StructuralChangeFactory(
        kind=Kind.CLOSURE, effective_on=_day(11), summary="Close the " + "very " * 20 + "old group."
    )
    proposal.groups.set([old])
    f.StructuralChangeFactory(
        kind=Kind.CLOSURE, state="in_consensus", effective_on=_day(10), summary="Quiet."
    )
    # ESAWG absorbed into SCWG this year (its sentence closes SCWG's mandate in Annex III); OLDWG
    # closed in September, so it is not active at the start of 2026.
    esawg.status, esawg.status_change, esawg.successor = GroupStatus.ABSORBED, absorbed, scwg
    esawg.save()
    iawg.status, iawg.status_change, iawg.successor = GroupStatus.MERGED, merger, erwg
    iawg.save()
    closing = StructuralChange.objects.get(kind=Kind.CLOSURE, state="decided")
    old.status, old.status_change = GroupStatus.CLOSED, closing
    old.save()
    # At the start of 2026: JANWG is established that very day (active); DAYWG closed that day
    # (ended); YRWG closes "in 2026", dated to the year only (still active on its first day).
    f.WorkingGroupFactory(
        acronym="JANWG", name="January Working Group", established_on=_day(1, 1, 2026)
    )
    for acronym, precision in [("DAYWG", "day"), ("YRWG", "year")]:
        ending = f.StructuralChangeFactory(
            kind=Kind.CLOSURE, state="decided", applied_at=timezone.now(),
            effective_on=_day(1, 1, 2026), effective_precision=precision, summary="Ends.",
        )  # fmt: skip
        ended = f.WorkingGroupFactory(
            acronym=acronym, name=f"Group {acronym}", status=GroupStatus.CLOSED,
            status_change=ending,
        )  # fmt: skip
        ending.groups.set([ended])
    # BTWG absorbed this year into OLDWG, which closed too (its sentence closes Annex III).
    f.WorkingGroupFactory(
        acronym="BTWG", name="Benefits Team Working Group", status=GroupStatus.ABSORBED,
        status_change=absorbed, successor=old,
    )  # fmt: skip

    # Products of every kind, each kind published before the kind ranked above it: the
    # Highlights order them by rank, then date.
    def product(kind, title, month, day=1, **fields):
        fields.setdefault("summary", f"{title} in one paragraph.\n\n  \n{title} in another.  ")
        fields.setdefault("state", "published")
        return cast.deliverable(kind=kind, title=title, published_on=_day(month, day), **fields)

    K = Deliverable.Kind
    roadmap = product(K.ROADMAP, "Roadmap", 12, link="https://example.org/roadmap")
    white = product(K.WHITE_PAPER, "White paper", 11)
    product(K.TECHNICAL_REPORT, "Gap report", 2)
    product(K.PLAN, "Plan", 1, 20, lead_group=swg, summary="")
    product(K.DATABASE, "Database", 1, 10)
    product(K.DATABASE, "Analogue database", 1, 10)  # same kind and day: by title
    product(K.OTHER, "Other product", 1, 1, lead_group=esawg, published_precision="year")
    product(K.WEBNEWS, "A webnews product", 6)
    product(K.CONFERENCE_PAPER, "Conference paper", 5)
    product(K.WHITE_PAPER, "Chapter of the roadmap", 4, part_of=roadmap)
    product(K.WHITE_PAPER, "Told elsewhere", 3, listed_as_publication=False)
    withdrawn = product(K.WHITE_PAPER, "Withdrawn paper", 2, state="withdrawn")
    older = cast.deliverable(
        state="published", kind=K.WHITE_PAPER, title="Older paper",
        published_on=_day(6, 1, 2024), summary="",
    )  # fmt: skip
    f.ReportListingFactory(
        year=YEAR, section="publications", group=None, deliverable=white, position=1,
        heading="The White Paper, as the report names it",
    )  # fmt: skip
    f.ReportListingFactory(year=YEAR, section="working_groups", group=twg, position=1, heading="")
    f.ReportListingFactory(
        year=YEAR, section="working_groups", group=scwg, position=2,
        heading="Strategic Communications Working Group and Tiger Team (SCWG-TT)",
    )  # fmt: skip
    f.ReportListingFactory(
        year=YEAR, section="outlook", group=swg, position=1, heading="Science (SWG)"
    )
    # Promotions: one of two products (told under the first), one of a product published earlier,
    # one of nothing; webnews newest first, two on one day.
    talk = f.ActivityFactory(
        kind="talk", title="Roadmap talk", event="GLEX 2025", place="New Delhi",
        occurred_on=_day(5, 7), occurred_precision="day", summary="",
    )  # fmt: skip
    talk.deliverables.set([white, roadmap])
    f.ActivityFactory(
        kind="session", title="Older paper session", event="IAC 2025", occurred_on=_day(10),
        summary="The older paper was presented at IAC 2025.",
    ).deliverables.set([older])  # fmt: skip
    f.ActivityFactory(kind="other", title="Open day", event="", place="Paris", occurred_on=_day(3))
    f.ActivityFactory(
        kind="talk", title="Second GLEX talk", event="GLEX 2025", occurred_on=_day(5, 8)
    )
    for title, month, link in [
        ("Webnews of March", 3, "https://example.org/march"),
        ("Webnews of June, first", 6, ""),
        ("Webnews of June, second", 6, ""),
        ("Webnews of January", 1, "https://example.org/january"),
    ]:
        f.ActivityFactory(kind="webnews", title=title, occurred_on=_day(month), link=link)
    for n in range(9):  # more unlinked webnews than the checklist names
        f.ActivityFactory(kind="webnews", title=f"Short news {n}", occurred_on=_day(8, n + 1))
    # The year's highlights: the white paper's (its standing summary stays out), a group's and
    # the absorption's; one hidden.
    f.ReportHighlightFactory(
        year=YEAR, position=1, heading="The White Paper", deliverable=white,
        text="Written for 2025.\n\nA second paragraph.",
    )  # fmt: skip
    f.ReportHighlightFactory(year=YEAR, position=2, heading="Technology", group=twg, text="TWG.")
    f.ReportHighlightFactory(
        year=YEAR, position=3, heading="A new name", change=renaming, text="C."
    )
    f.ReportHighlightFactory(
        year=YEAR, position=4, heading="Hidden", text="Not shown.", shown=False
    )

    # The outlook for 2026: priorities, a shared ERWG & IAWG item written after ERWG's own, SWG
    # before TWG (written first), CWG with nothing, an item for the closed OLDWG.
    f.OutlookItemFactory(year=2026, group=None, position=1, text="Priority one.\n\nPriority two.")
    f.OutlookItemFactory(year=2026, group=swg, position=1, text="SWG will plan.")
    f.OutlookItemFactory(year=2026, group=erwg, position=1, text="ERWG will promote the GER.")
    f.OutlookItemFactory(year=2026, group=iawg, position=2, text="IAWG will study power.")
    joint = f.OutlookItemFactory(year=2026, group=erwg, position=2, text="Jointly, both will meet.")
    joint.partner_groups.set([iawg])
    f.OutlookItemFactory(year=2026, group=twg, position=1, text="TWG will assess.")
    # Shared with DAYWG, which ended on 1 January 2026 and wrote nothing of its own.
    f.OutlookItemFactory(
        year=2026, group=twg, position=2, text="TWG will also publish, with DAYWG."
    ).partner_groups.set([WorkingGroup.objects.get(acronym="DAYWG")])
    f.OutlookItemFactory(year=2026, group=old, position=1, text="OLDWG will wind down.")
    f.OutlookItemFactory(year=2026, group=later, position=1, text="NEWG will start.")
    # This year's outlook: one assessed, two not; a planned product whose state stood still.
    stuck = cast.deliverable(state="drafting", kind=K.PLAN, title="Stuck plan", percent_complete=40)
    moving = cast.deliverable(state="drafting", kind=K.PLAN, title="Moving plan", summary="")
    # A talk on a plan not yet published, and on the withdrawn paper (never told again).
    preview = f.ActivityFactory(
        kind="talk", title="Plan preview", event="IAC 2025", occurred_on=_day(10, 2), summary=""
    )
    preview.deliverables.set([moving, withdrawn])
    # Two plans not yet published, promoted Zeta first: told by title, Alpha first.
    for day, title in [(3, "Zeta plan"), (4, "Alpha plan")]:
        plan = cast.deliverable(state="drafting", kind=K.PLAN, title=title, summary="")
        f.ActivityFactory(
            kind="talk", title=f"{title} talk", event="IAC 2025", occurred_on=_day(10, day)
        ).deliverables.set([plan])
    planned = f.OutlookItemFactory(
        year=YEAR, group=twg, position=1, text="TWG will draft the plan."
    )
    planned.planned_deliverables.set([stuck])
    f.OutlookItemFactory(year=YEAR, group=swg, position=1, text="Done.", assessment="achieved")
    f.OutlookItemFactory(year=YEAR, group=None, position=1, text="ISECG will " + "meet " * 30)
    # Sources that disagree on a co-chair's start and on a delegate's end, not yet settled.
    from apps.agencies.models import DelegateAppointment
    from apps.groups.models import CoChairAppointment

    swg_chair = CoChairAppointment.objects.get(group=swg)
    nasa_delegate = DelegateAppointment.objects.get(agency=nasa)
    for date, precision in [(_day(1, 1, 2020), "year"), (_day(6, 1, 2020), "month")]:
        f.AppointmentAccountFactory(
            chair=None, cochair=swg_chair, date=date, precision=precision,
            source=f"Minutes ({precision})", words="Co-chair since then.",
        )  # fmt: skip
    for date, source in [(_day(1, 1, 2024), "ISECG 2024 report"), (_day(1, 1, 2025), "Minutes")]:
        f.AppointmentAccountFactory(
            chair=None, delegate=nasa_delegate, edge="end", date=date, source=source, words="Left."
        )
    Deliverable.history.filter(id=stuck.pk).update(history_date=timezone.now().replace(year=2024))
    return cast


def _drafted(year: int, **options):
    """The year's draft as the worker builds it, on 1 March of the next year."""
    drafted_on = datetime.date(year + 1, 3, 1)
    facts = report_facts(year=year, today=drafted_on)
    return report_build(facts=facts, version=2, drafted_on=drafted_on, **options)


@pytest.mark.parametrize("year", [2006, 2023, 2024, 2025])
def test_a_small_forums_draft_reads_as_its_golden_text(world, year):
    # 2025 has one of everything; 2024, a quiet year, the sentences of a year without events;
    # 2023, a year the record holds nothing for (empty Highlights, no publication); 2006, a
    # year before any member joined or any chair was named.
    check_whole_text(f"small-forum-{year}", whole_text(_drafted(year)))


def test_a_written_executive_summary_replaces_the_drafted_one(world):
    factories.ReportNarrativeFactory(year=YEAR, executive_summary="First.\n\n  \n Second.  \n\n")
    report = _drafted(YEAR)
    summary = next(s for s in report.sections if s.key == "executive_summary")
    assert [(b.kind, b.text) for b in summary.blocks] == [
        ("paragraph", "First."),
        ("paragraph", "Second."),
    ]
    assert not [i for i in report.checklist if "no narrative" in i.what]


def test_each_section_is_announced_before_it_is_built(world):
    announced = []
    report = _drafted(YEAR, on_section=lambda key, title: announced.append((key, title)))
    assert announced == [(s.key, s.title) for s in report.sections]
    assert announced == section_plan(YEAR) and len(announced) == 8


def test_a_blank_executive_summary_counts_as_none_written(world):
    # The writer refuses a blank text; a row left blank by a fixture or a restore still drafts.
    factories.ReportNarrativeFactory(year=YEAR, executive_summary=" \n\n ")
    report = _drafted(YEAR)
    summary = next(s for s in report.sections if s.key == "executive_summary")
    assert summary.blocks[0].kind == "note" and "Drafted from the record" in summary.blocks[0].text
    assert [i for i in report.checklist if "no narrative for 2025" in i.what]
