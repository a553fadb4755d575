"""The annual report as one content model, built from the year's facts without a query.

Report -> sections -> blocks (headings, paragraphs, notes, bullet lists, the member table, the
checklist). render.py turns the same Report into the DOCX and the HTML preview, so no section is
written twice. Builders also collect the secretariat's checklist: what the record could not
fill, and who to ask.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from apps.agencies.models import Agency
from apps.core.models import DatePrecision, describe_date
from apps.deliverables.models import Activity, Deliverable, DeliverableState
from apps.groups.models import (
    ChairAppointment,
    GroupStatus,
    OutlookItem,
    StructuralChange,
    WorkingGroup,
)

from . import glance
from .disputes import certain_chair_sentence, chair_disputes, dispute_checklist_text
from .models import ReportListing
from .selectors import GroupText, ReportFacts

ORGANISATION = "International Space Exploration Coordination Group"
CHECKLIST_TITLE = "Secretariat's checklist (delete before publishing)"

# Annual reports, conference papers and webnews are listed in Annex I; the Highlights tell the
# story of the products themselves (a conference paper shows up with the talk that presented it).
NOT_HIGHLIGHTED = {
    Deliverable.Kind.ANNUAL_REPORT,
    Deliverable.Kind.CONFERENCE_PAPER,
    Deliverable.Kind.WEBNEWS,
}
# Flagship products first, as the published reports put the GER before the white papers.
KIND_ORDER = {
    Deliverable.Kind.ROADMAP: 0,
    Deliverable.Kind.WHITE_PAPER: 1,
    Deliverable.Kind.TECHNICAL_REPORT: 2,
    Deliverable.Kind.PLAN: 3,
    Deliverable.Kind.DATABASE: 4,
}
# How many titles a checklist item names before it says "and N more".
NAMED_IN_CHECKLIST = 8


# --- the content model ---------------------------------------------------------------------


@dataclass
class Heading:
    kind: ClassVar[str] = "heading"
    level: int
    text: str
    anchor: str = ""


@dataclass
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    url: str = ""


@dataclass
class Note:
    """Words for the secretariat, not for readers: a placeholder or a drafting remark."""

    kind: ClassVar[str] = "note"
    text: str


@dataclass
class BulletItem:
    text: str
    level: int = 1
    url: str = ""


@dataclass
class BulletList:
    kind: ClassVar[str] = "bullets"
    items: list[BulletItem]


@dataclass
class MemberRow:
    country: str
    agencies: list[str]


@dataclass
class MemberTable:
    kind: ClassVar[str] = "members"
    rows: list[MemberRow]

    @property
    def agency_count(self) -> int:
        return sum(len(row.agencies) for row in self.rows)


@dataclass
class ChecklistItem:
    section: str
    what: str
    ask: str
    fix_at: str = ""  # the tracker's page where it is fixed, as an absolute address


@dataclass
class ChecklistTable:
    kind: ClassVar[str] = "checklist"
    items: list[ChecklistItem]


Block = Heading | Paragraph | Note | BulletList | MemberTable | ChecklistTable


@dataclass
class Section:
    key: str
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def subheadings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level == 2]


@dataclass
class Report:
    year: int
    version: int
    kicker: str
    title: str
    date_line: str
    organisation: str
    sections: list[Section]
    checklist: list[ChecklistItem]


# --- the plan: sections in the house order ---------------------------------------------------


def section_plan(year: int) -> list[tuple[str, str]]:
    """(key, title) of every section, in the order of the published annual reports."""
    return [
        ("executive_summary", "Executive Summary"),
        ("highlights", f"Highlights, Achievements, and Special Projects in {year}"),
        ("outlook", f"Outlook for {year + 1}"),
        ("publications", "Annex I: Publications"),
        ("members", "Annex II: ISECG Members"),
        ("working_groups", "Annex III: ISECG Working Groups"),
        ("glance", "Annex IV: ISECG at a Glance"),
        ("checklist", CHECKLIST_TITLE),
    ]


def report_build(
    *,
    facts: ReportFacts,
    version: int,
    drafted_on: datetime.date,
    on_section: Callable[[str, str], None] | None = None,
) -> Report:
    """The whole report. `on_section(key, title)` is called before each section is built."""
    builder = ReportBuilder(facts, drafted_on=drafted_on)
    sections = []
    for key, title in section_plan(facts.year):
        if on_section is not None:
            on_section(key, title)
        sections.append(builder.section(key, title))
    return Report(
        year=facts.year,
        version=version,
        kicker="ANNUAL REPORT",
        title=f"{facts.year} Annual Report",
        date_line=f"Draft v{version}, {drafted_on.day} {drafted_on:%B %Y}",
        organisation=ORGANISATION,
        sections=sections,
        checklist=builder.checklist,
    )


# --- small helpers ---------------------------------------------------------------------------


def join_words(words: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _named(titles: list[str]) -> str:
    shown = titles[:NAMED_IN_CHECKLIST]
    more = len(titles) - len(shown)
    text = "; ".join(f"“{t}”" for t in shown)
    return f"{text} and {more} more" if more else text


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _person(user) -> str:
    return user.get_full_name() or user.username


def _agency_label(agency: Agency, day: datetime.date) -> str:
    """The agency as it was called on `day`: an earlier name applies before its end date."""
    earlier = [
        n
        for n in agency.earlier_names.all()
        if n.used_until is not None and day < n.used_until and n.name
    ]
    if earlier:
        return min(earlier, key=lambda n: n.used_until).label
    return f"{agency.name} ({agency.acronym})"


class ReportBuilder:
    def __init__(self, facts: ReportFacts, *, drafted_on: datetime.date) -> None:
        self.facts = facts
        self.year = facts.year
        self.drafted_on = drafted_on
        self.checklist: list[ChecklistItem] = []
        self._anchors: set[str] = set()
        self._current = ""

    # The builders -------------------------------------------------------------------------

    def section(self, key: str, title: str) -> Section:
        self._current = title
        section = Section(key=key, title=title, anchor=self._anchor(title))
        if key == "checklist":
            # Built last, from what every other section could not fill.
            section.blocks = self._checklist_blocks()
        else:
            section.blocks = getattr(self, f"_{key}")()
        return section

    def _executive_summary(self) -> list[Block]:
        narrative = self.facts.narrative
        self._check_disputes("chair")
        if narrative is not None and narrative.paragraphs:
            return [Paragraph(text) for text in narrative.paragraphs]
        self._missing(
            f"The Executive Summary is drafted from the record: no narrative for {self.year} "
            "has been written. Rewrite it, or write it in the tracker and draft again.",
            ask="The secretariat",
            fix_at=self._narrative_page(),
        )
        blocks: list[Block] = [
            Note(
                f"Drafted from the record for the secretariat to rewrite: no Executive Summary "
                f"for {self.year} has been written yet. Write it in the tracker at "
                f"{settings.SITE_URL}{self._narrative_page()} and draft again."
            )
        ]
        sentences = [
            self._members_sentence(),
            self._chair_sentence(),
            self._groups_sentence(),
            self._products_sentence(),
            self._promotion_sentence(),
        ]
        blocks += [Paragraph(s) for s in sentences if s]
        return blocks

    def _highlights(self) -> list[Block]:
        # The year's own highlights first, in their order; then what the record shows for the
        # year that none of them tells of, drafted from standing texts for the secretariat.
        written = self.facts.highlights
        told_products = {h.deliverable_id for h in written if h.deliverable_id}
        told_changes = {h.change_id for h in written if h.change_id}
        blocks: list[Block] = []
        for highlight in written:
            blocks.append(self._heading(2, highlight.heading))
            blocks += [Paragraph(text) for text in highlight.paragraphs]
        products, activities_of, other_activities = self._highlight_products()
        for product in products:
            # A chapter of a told product is told with it (the Critical Technology List update
            # of GER 2024 in the 2024 report's Technology Working Group highlight).
            if product.pk not in told_products and product.part_of_id not in told_products:
                blocks += self._drafted_product_highlight(product, activities_of[product.pk])
        if other_activities:
            blocks.append(self._heading(2, f"Other activities in {self.year}"))
            blocks += [Paragraph(self._activity_text(a)) for a in other_activities]
        for change in self.facts.changes:
            if change.pk in told_changes:
                continue
            blocks.append(self._heading(2, self._change_heading(change)))
            blocks += [Paragraph(text) for text in _paragraphs(change.summary)]
            if change.decision:
                decided = f"Decision: {change.decision.rstrip('.')}"
                if change.meeting_id:
                    decided += f" ({change.meeting})"
                blocks.append(Paragraph(decided + "."))
        self._check_undecided_changes()
        if not blocks:
            blocks.append(Note(f"The record holds no product, activity or change for {self.year}."))
            self._missing(
                f"Nothing was published, promoted or changed in {self.year} according to the "
                "record: the Highlights are empty.",
                ask="The secretariat and the working-group co-chairs",
                fix_at=self._narrative_page("highlights"),
            )
        return blocks

    def _drafted_product_highlight(self, product: Deliverable, activities: list) -> list[Block]:
        """A product no highlight of the year tells of: its standing summary and the year's
        activities, marked as a draft (the same words would come back every year)."""
        published_this_year = self._published_in_year(product)
        heading = str(product) if published_this_year else f"Promoting {product}"
        blocks: list[Block] = [self._heading(2, heading)]
        summary = _paragraphs(product.summary)
        if summary:
            blocks.append(
                Note(
                    f"Drafted from the product's standing summary: write the {self.year} "
                    "highlight in the tracker, or rewrite this one."
                )
            )
            blocks += [Paragraph(text) for text in summary]
            self._missing(
                f"“{product}” is told with its standing summary, not a {self.year} highlight: "
                "the same paragraphs would appear in every year's report. Write its "
                f"{self.year} highlight (heading as the report names it, and its paragraphs).",
                ask=self._ask_group(product.lead_group),
                fix_at=self._narrative_page("highlights"),
            )
        else:
            blocks.append(Note(f"Summary of “{product}” missing in the record."))
            self._missing(
                f"“{product}” ({product.get_kind_display()}) "
                + ("was published" if published_this_year else "was promoted")
                + f" in {self.year} but has no summary for the Highlights.",
                ask=self._ask_group(product.lead_group),
                fix_at=product.get_absolute_url(),
            )
        blocks += [Paragraph(self._activity_text(a)) for a in activities]
        return blocks

    def _outlook(self) -> list[Block]:
        next_year = self.year + 1
        blocks: list[Block] = []
        items = self.facts.outlook_next_year
        priorities = [i for i in items if i.group_id is None]
        if priorities:
            blocks.append(self._heading(2, "ISECG Priorities"))
            blocks += [Paragraph(text) for item in priorities for text in _paragraphs(item.text)]
        else:
            self._missing(
                f"No ISECG Priorities for {next_year} in the record (the outlook starts "
                "with the working groups).",
                ask=self._chair_contact(),
            )
        blocks.append(self._heading(2, "ISECG Working Groups"))
        active = self._active_at_start_of(datetime.date(next_year, 1, 1))
        for cluster, cluster_items in self._outlook_clusters(active, items):
            labels = [self._listed_label(ReportListing.Section.OUTLOOK, g) for g in cluster]
            blocks.append(self._heading(3, " & ".join(labels)))
            for group in cluster:
                if group.pk not in {g.pk for g in active}:
                    self._missing(
                        f"The outlook for {next_year} has items for the {group.acronym}, which "
                        f"is not active at the start of {next_year}: keep, move or drop them.",
                        ask=self._ask_group(group),
                        fix_at=group.get_absolute_url(),
                    )
                elif not any(i.group_id == group.pk for i in cluster_items):
                    blocks.append(Note(f"No outlook for {next_year} from the {group.acronym}."))
                    self._missing(
                        f"The {group.acronym} is active but has no outlook item for {next_year}.",
                        ask=self._ask_group(group),
                        fix_at=f"{group.get_absolute_url()}#outlook",
                    )
            blocks += [Paragraph(text) for item in cluster_items for text in _paragraphs(item.text)]
        self._check_cochair_seats(active)
        self._check_disputes("cochair")
        self._check_outlook_products()
        self._check_assessments()
        return blocks

    def _publications(self) -> list[Block]:
        # Newest first, as the published reports list them; of two with the same stored date
        # (a year, say), the one recorded later first.
        webnews = sorted(
            (a for a in self.facts.activities if a.kind == Activity.Kind.WEBNEWS),
            key=lambda a: (a.occurred_on, a.pk),
            reverse=True,
        )
        publications = self._annex_publications()
        blocks: list[Block] = [self._heading(2, f"ISECG Webnews {self.year}")]
        webnews_list = reverse("admin:deliverables_activity_changelist")
        blocks.append(
            self._entry_list(
                [(a.title, a.link) for a in webnews],
                "webnews items",
                fix_at=f"{webnews_list}?kind__exact=webnews&occurred_on__gte={self.year}-01-01"
                f"&occurred_on__lt={self.year + 1}-01-01",
            )
        )
        blocks.append(self._heading(2, f"ISECG Publications {self.year}"))
        entries = [(self._publication_title(d), d.link) for d in publications]
        blocks.append(self._entry_list(entries, "publications", each_at=publications))
        for product in publications:
            if product.published_precision == DatePrecision.YEAR:
                self._missing(
                    f"“{self._publication_title(product)}” is listed as published in "
                    f"{self.year} but the record has only the year: give the month it was "
                    "published (the Highlights and the webnews date each product).",
                    ask=self._ask_group(product.lead_group),
                    fix_at=product.get_absolute_url(),
                )
        return blocks

    def _members(self) -> list[Block]:
        rows: list[MemberRow] = []
        # By country as a reader sorts (Ukraine before USA), whatever the database's collation.
        members = sorted(
            self.facts.members, key=lambda a: (a.country.casefold(), a.name.casefold())
        )
        for agency in members:
            label = _agency_label(agency, self.facts.end)
            if rows and rows[-1].country == agency.country:
                rows[-1].agencies.append(label)
            else:
                rows.append(MemberRow(country=agency.country, agencies=[label]))
        if not rows:
            self._missing(
                f"The record has no member agency at the end of {self.year}.",
                ask="The secretariat (agencies and their membership dates)",
                fix_at=reverse("web:agencies"),
            )
        self._check_disputes("delegate")
        return [MemberTable(rows=rows)]

    def _working_groups(self) -> list[Block]:
        blocks: list[Block] = []
        at_end = self.facts.groups_at_end
        absorbed = [
            g
            for g in self.facts.groups
            if g.status in (GroupStatus.ABSORBED, GroupStatus.MERGED)
            and g.status_change is not None
            and g.status_change.effective_on.year == self.year
        ]
        noted: set[int] = set()
        for group in self._in_listed_order(ReportListing.Section.WORKING_GROUPS, at_end):
            text = self._group_text(group)
            blocks.append(
                self._heading(2, self._listed_label(ReportListing.Section.WORKING_GROUPS, group))
            )
            if text.mandate:
                blocks += [Paragraph(p) for p in _paragraphs(text.mandate)]
            else:
                blocks.append(Note(f"The {group.acronym}'s mandate is missing in the record."))
                self._missing(
                    f"The {group.acronym} has no mandate.",
                    ask=self._ask_group(group),
                    fix_at=group.get_absolute_url(),
                )
            later = sorted(
                {int(y) for y in re.findall(r"\b(20\d\d)\b", text.mandate)}
                & set(range(self.year + 1, self.drafted_on.year + 1))
            )
            if later and not text.mandate_dated:
                # A text the record does not date may be one a later report gave.
                self._missing(
                    f"The {group.acronym}'s mandate mentions {join_words([str(y) for y in later])}"
                    f", after {self.year}: the record's first known text is not dated, so check "
                    f"it against the mandate in force at the end of {self.year}.",
                    ask=self._ask_group(group),
                    fix_at=group.get_absolute_url(),
                )
            for gone in absorbed:
                if gone.successor_id == group.pk:
                    noted.add(gone.pk)
                    if not self._mentions(text.mandate, gone):
                        blocks.append(Paragraph(self._absorbed_sentence(gone)))
        for gone in absorbed:
            if gone.pk not in noted:
                blocks.append(Paragraph(self._absorbed_sentence(gone)))
        return blocks

    def _glance(self) -> list[Block]:
        members = len(self.facts.members)
        blocks: list[Block] = []
        for title, parts in (("Scope", glance.SCOPE), ("Background", glance.BACKGROUND)):
            blocks.append(self._heading(2, title))
            for kind, value in parts:
                if kind == "paragraph":
                    blocks.append(Paragraph(value.format(members=members)))
                else:
                    blocks.append(BulletList([BulletItem(text, level) for level, text in value]))
        return blocks

    def _checklist_blocks(self) -> list[Block]:
        self.checklist.insert(
            0,
            ChecklistItem(
                section="Title page",
                what="Replace the draft line with the month of publication (e.g. 'March "
                f"{self.year + 1}') and update the table of contents (in Word: right-click it, "
                "Update Field).",
                ask="The secretariat",
            ),
        )
        intro = Paragraph(
            f"What this draft could not fill from the record, and who to ask: "
            f"{len(self.checklist)} item{'s' if len(self.checklist) != 1 else ''}. "
            "Delete this section before publishing."
        )
        return [intro, ChecklistTable(items=list(self.checklist))]

    # Executive Summary sentences ------------------------------------------------------------

    def _members_sentence(self) -> str:
        facts = self.facts
        sentence = f"At the end of {self.year}, ISECG counted {len(facts.members)} member agencies."
        if facts.joined:
            labels = [_agency_label(a, facts.end) for a in facts.joined]
            sentence += f" {join_words(labels)} joined in {self.year}."
        if facts.left:
            labels = [f"{a.name} ({a.acronym})" for a in facts.left]
            sentence += f" {join_words(labels)} left in {self.year}."
        return sentence

    def _chair_sentence(self) -> str:
        facts = self.facts
        if chair_disputes(facts.disputes):
            # Until the secretariat settles them, only what every source supports.
            return certain_chair_sentence(facts.chairs, facts.disputes, self.year)
        handovers = [
            c
            for c in facts.chairs
            if c.starts_on is not None and facts.start <= c.starts_on <= facts.end
        ]
        sentences = []
        for chair in sorted(handovers, key=lambda c: c.starts_on):
            before = self._chair_on(chair.starts_on - datetime.timedelta(days=1), exclude=chair)
            when = describe_date(chair.starts_on, chair.starts_precision)
            new = f"{chair.agency.name} ({chair.agency.acronym})"
            on = "On" if chair.starts_precision == DatePrecision.DAY else "In"
            if before is not None:
                old = f"{before.agency.name} ({before.agency.acronym})"
                sentences.append(
                    f"{on} {when}, the ISECG chair passed from the {old} to the {new}."
                )
            else:
                sentences.append(f"{on} {when}, the {new} took the ISECG chair.")
        if sentences:
            return " ".join(sentences)
        chair = self._chair_on(facts.end)
        if chair is None:
            self._missing(
                f"The record names no ISECG chair for {self.year}.",
                ask="The secretariat (ISECG chair appointments)",
                fix_at=reverse("web:groups"),
            )
            return ""
        agency = chair.agency
        return f"The {agency.name} ({agency.acronym}) chaired ISECG throughout {self.year}."

    def _groups_sentence(self) -> str:
        if not self.facts.changes:
            return f"No working group was set up, merged, absorbed or closed in {self.year}."
        return " ".join(self._change_sentence(c) for c in self.facts.changes)

    def _annex_publications(self) -> list[Deliverable]:
        """The year's publications as Annex I lists them, and as the summary counts them: not
        webnews, not a chapter of another product, not one the record says the report tells
        of elsewhere only."""
        listed = [
            d
            for d in self.facts.published
            if d.kind != Deliverable.Kind.WEBNEWS
            and d.part_of_id is None
            and d.listed_as_publication
        ]
        return self._in_listed_order(ReportListing.Section.PUBLICATIONS, listed)

    def _products_sentence(self) -> str:
        publications = self._annex_publications()
        if not publications:
            self._missing(
                f"The record lists no product published in {self.year}.",
                ask="The secretariat (publication of deliverables)",
                fix_at=reverse("web:deliverables"),
            )
            return f"The record lists no product published in {self.year}."
        titles = [f"“{self._publication_title(d)}”" for d in publications]
        count = len(publications)
        return f"ISECG published {count} product{'s' if count != 1 else ''} in {self.year}: " + (
            join_words(titles) + "."
        )

    def _promotion_sentence(self) -> str:
        events = []
        for activity in self.facts.activities:
            promoted = activity.kind != Activity.Kind.WEBNEWS and activity.event
            if promoted and activity.event not in events:
                events.append(activity.event)
        if not events:
            return ""
        return f"ISECG delegates presented and promoted its products at {join_words(events)}."

    # Highlights helpers -------------------------------------------------------------------

    def _published_in_year(self, deliverable: Deliverable) -> bool:
        return deliverable.published_on is not None and deliverable.published_on.year == self.year

    def _highlight_products(
        self,
    ) -> tuple[list[Deliverable], dict[int, list[Activity]], list[Activity]]:
        """The products to highlight, each with the activities told under it, and the rest."""
        products = {d.pk: d for d in self.facts.published if d.kind not in NOT_HIGHLIGHTED}
        promotions = [a for a in self.facts.activities if a.kind != Activity.Kind.WEBNEWS]
        for activity in promotions:
            for product in activity.deliverables.all():
                if (
                    product.kind not in NOT_HIGHLIGHTED
                    and product.state != DeliverableState.WITHDRAWN
                ):
                    products.setdefault(product.pk, product)
        ordered = sorted(
            products.values(),
            key=lambda d: (KIND_ORDER.get(d.kind, 9), d.published_on or datetime.date.max, d.title),
        )
        rank = {d.pk: i for i, d in enumerate(ordered)}
        activities_of: dict[int, list[Activity]] = {d.pk: [] for d in ordered}
        others = []
        for activity in promotions:
            # An activity that promoted several products is told once, under the first of them.
            mine = [d.pk for d in activity.deliverables.all() if d.pk in rank]
            if mine:
                activities_of[min(mine, key=rank.__getitem__)].append(activity)
            else:
                others.append(activity)
        return ordered, activities_of, others

    def _activity_text(self, activity: Activity) -> str:
        if activity.summary:
            return activity.summary
        where = ", ".join(x for x in (activity.event, activity.place) if x)
        when = describe_date(activity.occurred_on, activity.occurred_precision)
        return f"{activity.title} ({where + ', ' if where else ''}{when})."

    def _change_heading(self, change: StructuralChange) -> str:
        Kind = StructuralChange.Kind
        groups = [g for g in change.groups.all() if g.pk != change.into_group_id]
        names = join_words([g.acronym for g in groups] + [t.name for t in change.sub_teams.all()])
        if change.kind == Kind.ABSORPTION and change.into_group:
            return f"Consolidation of {names} under the {self._group_label(change.into_group)}"
        if change.kind == Kind.MERGER and change.into_group:
            return f"Merger of {names} into the {self._group_label(change.into_group)}"
        if change.kind == Kind.PARTIAL_MERGER:
            return f"Partial merger of the {names} mandates"
        if change.kind == Kind.ESTABLISHMENT:
            names = join_words([f"the {g['name']}" for g in change.new_groups])
        return f"{change.get_kind_display().capitalize()} of {names}"

    def _change_sentence(self, change: StructuralChange) -> str:
        Kind = StructuralChange.Kind
        groups = [g for g in change.groups.all() if g.pk != change.into_group_id]
        parts = [f"the {self._group_label(g)}" for g in groups]
        parts += [f"the {t.name}" for t in change.sub_teams.all()]
        subject = join_words(parts)
        subject = subject[:1].upper() + subject[1:]
        were = "were" if len(parts) > 1 else "was"
        into = f"the {self._group_label(change.into_group)}" if change.into_group else ""
        if change.kind == Kind.ABSORPTION and into:
            sentence = f"{subject} {were} absorbed into {into}"
        elif change.kind == Kind.MERGER and into:
            sentence = f"{subject} {were} merged into {into}"
        elif change.kind == Kind.PARTIAL_MERGER:
            sentence = f"{subject} began merging parts of their mandates"
        else:
            verb = {
                # A merger or absorption the record holds without the group taking over.
                Kind.MERGER: "merged",
                Kind.ABSORPTION: "absorbed",
                Kind.CLOSURE: "closed",
                Kind.RENAMING: "renamed",
                Kind.SPLIT: "split",
                Kind.MANDATE_CHANGE: "given a new mandate",
            }.get(change.kind, change.get_kind_display())
            sentence = f"{subject} {were} {verb}"
        if change.kind == Kind.ESTABLISHMENT or change.new_groups:
            made = [f"the {g['name']} ({g['acronym']})" for g in change.new_groups]
            made_sentence = f"{join_words(made)} {'were' if len(made) > 1 else 'was'} established"
            sentence = (
                made_sentence[:1].upper() + made_sentence[1:]
                if change.kind == Kind.ESTABLISHMENT
                else f"{sentence} into {join_words(made)}"
            )
        if change.decision:
            decision = change.decision.rstrip(".")
            sentence += f" ({decision[:1].lower() + decision[1:]})"
        return sentence + "."

    # Outlook helpers ----------------------------------------------------------------------

    def _active_at_start_of(self, day: datetime.date) -> list[WorkingGroup]:
        """Groups active when `day` (1 January) begins.

        A change dated only to a year or a month took effect some time in it, so the group was
        still active on its first day: ESAWG, absorbed "in 2025", still had an outlook for 2025.
        """

        def ended(group: WorkingGroup) -> bool:
            change = group.status_change
            if change is None:
                return False
            if change.effective_on == day:
                return change.effective_precision == DatePrecision.DAY
            return change.effective_on < day

        return [
            g
            for g in self.facts.groups
            if (g.established_on is None or g.established_on <= day) and not ended(g)
        ]

    def _outlook_clusters(
        self, active: list[WorkingGroup], items: list[OutlookItem]
    ) -> list[tuple[list[WorkingGroup], list[OutlookItem]]]:
        """Groups that share outlook items get one sub-section ('ERWG & IAWG'), in the order the
        items were written (the published reports' order: the 2024 report has ERWG & IAWG, TWG,
        SCWG, SWG, ESAWG, CWG); a group with no item comes after, by acronym."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        groups = {g.pk: g for g in active}
        for item in items:
            if item.group_id is None:
                continue
            groups.setdefault(item.group_id, item.group)
            for partner in item.partner_groups.all():
                groups.setdefault(partner.pk, partner)
                parent[find(partner.pk)] = find(item.group_id)
        clusters: dict[int, list[WorkingGroup]] = {}
        for pk, group in groups.items():
            clusters.setdefault(find(pk), []).append(group)
        # A record's pk is the order its items were written: the first item a group wrote
        # places its sub-section, and the group within a shared one.
        first_written = {}
        for item in sorted(items, key=lambda i: i.pk):
            if item.group_id is not None:
                first_written.setdefault(item.group_id, item.pk)
        unwritten = max(first_written.values(), default=0) + 1

        def written(group: WorkingGroup) -> tuple[int, str]:
            return (first_written.get(group.pk, unwritten), group.acronym)

        result = []
        for members in clusters.values():
            members.sort(key=written)
            order = {g.pk: n for n, g in enumerate(members)}
            mine = [i for i in items if i.group_id in order]
            # A shared item ("Jointly, ERWG and IAWG will...") closes the section, after each
            # group's own items, as both published reports place it.
            mine.sort(
                key=lambda i: (bool(i.partner_groups.all()), order[i.group_id], i.position, i.pk)
            )
            result.append((members, mine))
        result.sort(key=lambda pair: written(pair[0][0]))
        return result

    def _check_undecided_changes(self) -> None:
        """A proposal meant to take effect by the year's end is not reported until decided."""
        for change in self.facts.undecided:
            groups = join_words([g.acronym for g in change.groups.all()])
            said = change.summary.strip()
            said = said if len(said) <= 80 else said[:80].rstrip() + "…"
            self._missing(
                f"The proposal “{said}”"
                + (f" ({groups})" if groups else "")
                + f", to take effect {change.effective_display}, is {change.state_label}: the "
                "draft does not report it as a change. If the plenary has decided it, record "
                f"the decision on its page ({change.get_absolute_url()}), then draft again.",
                ask="The secretariat",
                fix_at=change.get_absolute_url(),
            )

    def _check_cochair_seats(self, active: list[WorkingGroup]) -> None:
        today = self.facts.today
        empty = [
            group.acronym
            for group in active
            # A group that has ended since has no seats to fill.
            if (group.status_change is None or group.status_change.effective_on > today)
            and not self.facts.cochairs_today.get(group.pk)
        ]
        if empty:
            whose = join_words(empty)
            self._missing(
                f"Co-chair seats empty in the record today: {whose}. Nobody can keep "
                f"{'their' if len(empty) > 1 else 'its'} deliverables and outlook current, and "
                "the checklist cannot name whom to ask.",
                ask=f"The secretariat and {self._chair_contact(lower=True)}",
                fix_at=reverse("web:groups"),
            )

    def _check_disputes(self, kind: str) -> None:
        """Each conflict of the sources on an appointment's dates, until it is settled."""
        where = {
            "chair": "the Working groups page, ISECG chair",
            "cochair": "the group's page, Co-chairs",
            "delegate": "the Agencies page",
        }[kind]
        then = ""
        if kind == "chair":
            narrative = self.facts.narrative
            then = (
                " Check that the Executive Summary says no more of the chair than every "
                "account supports."
                if narrative is not None and narrative.paragraphs
                else " Until it is settled, the drafted Executive Summary says of the chair "
                "only what every account supports."
            )
        for dispute in self.facts.disputes:
            if dispute.kind == kind:
                self._missing(
                    f"{dispute_checklist_text(dispute)}{then} Settle which date the record "
                    f"keeps ({where}), then draft again.",
                    ask="The secretariat",
                    fix_at=reverse("web:appointment-dates-settle", args=[dispute.first.pk]),
                )

    def _check_outlook_products(self) -> None:
        """Products this year's outlook planned whose state stood still all year, where the
        record can tell: its history covers the whole year, and the item that planned the
        product has no year-end assessment (which would say what became of it). Next year's
        plans are not expected to have moved yet."""
        facts = self.facts
        seen: dict[int, Deliverable] = {}
        for item in facts.outlook_this_year:
            if item.assessment:
                continue
            for product in item.planned_deliverables.all():
                seen.setdefault(product.pk, product)
        for product in seen.values():
            # Published before the year (promoting it is the plan), during it, or since.
            if product.published_on is not None or not self._stood_still_all_year(product):
                continue
            self._missing(
                f"“{product}” is in the {self.year} outlook but its state did not move in "
                f"{self.year} (it is {product.get_state_display()}"
                + (f", {product.percent_complete}% done" if product.percent_complete else "")
                + "), and the outlook item has no year-end assessment.",
                ask=self._ask_group(product.lead_group),
                fix_at=product.get_absolute_url(),
            )

    def _stood_still_all_year(self, product: Deliverable) -> bool:
        """True only when the history holds a state from before the year and no other during
        it; a history that begins later (a record loaded since) cannot tell."""
        history = self.facts.state_history.get(product.pk, [])
        start = self.facts.start
        before = [state for when, state in history if when.date() < start]
        during = [state for when, state in history if when.date() >= start]
        return bool(before) and set(during) <= {before[-1]}

    def _check_assessments(self) -> None:
        for item in self.facts.outlook_this_year:
            if item.assessment:
                continue
            owner = item.group.acronym if item.group_id else "ISECG Priorities"
            self._missing(
                f"The {self.year} outlook item {owner} #{item.position} "
                f"(“{item.text[:70].rstrip()}…”) has no year-end assessment (achieved, partly "
                "achieved, carried over, dropped).",
                ask=self._ask_group(item.group) if item.group_id else self._chair_contact(),
                fix_at=self._outlook_page(item),
            )

    # Annexes helpers ----------------------------------------------------------------------

    def _entry_list(
        self,
        entries: list[tuple[str, str]],
        what: str,
        *,
        fix_at: str = "",
        each_at: list[Deliverable] | None = None,
    ) -> Block:
        """Annex I's list; its entries without a link are named on the checklist, each on its
        own page when `each_at` gives the products, else together (fixed at `fix_at`)."""
        if not entries:
            self._missing(
                f"No {what} in {self.year} in the record.", ask="The secretariat", fix_at=fix_at
            )
            return Note(f"No {what} in {self.year} in the record.")
        unlinked = [title for title, link in entries if not link]
        if unlinked and each_at is not None:
            for (title, link), product in zip(entries, each_at, strict=True):
                if not link:
                    self._missing(
                        f"“{title}” has no link in Annex I (the published reports link each "
                        "entry): add the address where it is published.",
                        ask="The secretariat (the link of each published item)",
                        fix_at=product.get_absolute_url(),
                    )
        elif unlinked:
            if len(entries) == 1:
                which = f"The one {what.removesuffix('s')} has"
            elif len(unlinked) == len(entries):
                which = f"All {len(entries)} {what} have"
            else:
                verb = "has" if len(unlinked) == 1 else "have"
                which = f"{len(unlinked)} of the {len(entries)} {what} {verb}"
            self._missing(
                f"{which} no link (the published reports link each entry): {_named(unlinked)}.",
                ask="The secretariat (the link of each published item)",
                fix_at=fix_at,
            )
        return BulletList([BulletItem(title, url=link) for title, link in entries])

    def _group_text(self, group: WorkingGroup) -> GroupText:
        return self.facts.group_texts.get(
            group.pk, GroupText(name=group.name, mandate="", from_history=False)
        )

    def _group_label(self, group: WorkingGroup) -> str:
        return f"{self._group_text(group).name} ({group.acronym})"

    # How the year's report names and orders its lists (ReportListing) ---------------------

    def _listings(self, section: str) -> dict[int, ReportListing]:
        if section == ReportListing.Section.PUBLICATIONS:
            return {x.deliverable_id: x for x in self.facts.listings if x.section == section}
        return {x.group_id: x for x in self.facts.listings if x.section == section}

    def _in_listed_order(self, section: str, things: list) -> list:
        """`things` in the order the year's report lists them; unlisted ones after, as given."""
        listed = self._listings(section)
        after = max((x.position for x in listed.values()), default=0) + 1
        return sorted(things, key=lambda t: listed[t.pk].position if t.pk in listed else after)

    def _listed_label(self, section: str, group: WorkingGroup) -> str:
        listing = self._listings(section).get(group.pk)
        return listing.heading if listing and listing.heading else self._group_label(group)

    def _publication_title(self, product: Deliverable) -> str:
        listing = self._listings(ReportListing.Section.PUBLICATIONS).get(product.pk)
        return listing.heading if listing and listing.heading else str(product)

    @staticmethod
    def _mentions(text: str, group: WorkingGroup) -> bool:
        return group.name in text or re.search(rf"\b{re.escape(group.acronym)}\b", text) is not None

    def _absorbed_sentence(self, group: WorkingGroup) -> str:
        # A merged or absorbed group always names its successor (a constraint of the table).
        verb = "absorbed" if group.status == GroupStatus.ABSORBED else "merged with"
        return (
            f"In {self.year}, the {group.successor.acronym} {verb} the {self._group_label(group)}."
        )

    # Who to ask ---------------------------------------------------------------------------

    def _chair_on(
        self, day: datetime.date, *, exclude: ChairAppointment | None = None
    ) -> ChairAppointment | None:
        # The same rule as groups.selectors.chair_on, over the appointments already read.
        candidates = [
            c
            for c in self.facts.chairs
            if c is not exclude
            and (c.starts_on is None or c.starts_on <= day)
            and (c.ends_on is None or c.ends_on > day)
        ]
        candidates.sort(key=lambda c: (c.starts_on is not None, c.starts_on or datetime.date.min))
        return candidates[-1] if candidates else None

    def _chair_contact(self, *, lower: bool = False) -> str:
        chair = self._chair_on(self.facts.today)
        if chair is None:
            return "the secretariat" if lower else "The secretariat"
        who = f"ISECG chair ({chair.agency.acronym})"
        return f"the {who}" if lower else f"The {who}"

    def _ask_group(self, group: WorkingGroup | None) -> str:
        if group is None:
            return self._chair_contact()
        chairs = self.facts.cochairs_today.get(group.pk, [])
        if chairs:
            people = [f"{_person(c.person)} ({c.agency.acronym})" for c in chairs]
            return f"{group.acronym} co-chairs: {join_words(people)}"
        return f"{group.acronym} has no co-chair on record: {self._chair_contact(lower=True)}"

    @staticmethod
    def _outlook_page(item: OutlookItem) -> str:
        """The group page that shows the item's year, at the item (its edit form is there)."""
        if item.group_id is None:
            return reverse("web:groups")
        return f"{item.group.get_absolute_url()}?outlook_year={item.year}#outlook-{item.pk}"

    def _narrative_page(self, part: str = "") -> str:
        """The page where the secretariat writes the year's Executive Summary and highlights."""
        path = reverse("web:report-summary", args=[self.year])
        return f"{path}#{part}" if part else path

    # Bookkeeping --------------------------------------------------------------------------

    def _missing(self, what: str, *, ask: str, fix_at: str = "") -> None:
        """An item of the checklist; `fix_at` is the path of the page where it is fixed."""
        where = f"{settings.SITE_URL}{fix_at}" if fix_at else ""
        self.checklist.append(
            ChecklistItem(section=self._current, what=what, ask=ask, fix_at=where)
        )

    def _heading(self, level: int, text: str) -> Heading:
        return Heading(level=level, text=text, anchor=self._anchor(text))

    def _anchor(self, text: str) -> str:
        base = slugify(text)[:60] or "section"
        anchor, n = base, 1
        while anchor in self._anchors:
            n += 1
            anchor = f"{base}-{n}"
        self._anchors.add(anchor)
        return anchor
