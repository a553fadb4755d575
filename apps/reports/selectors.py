"""Everything an annual report for one year needs, read in a fixed number of queries.

The content builder (content.py) then works from these facts alone and issues no query, so
drafting costs the same number of queries for one deliverable as for a thousand.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from apps.agencies.models import Agency
from apps.agencies.selectors import members_on
from apps.core.models import in_force_on
from apps.deliverables.models import Activity, Deliverable, DeliverableState
from apps.groups.models import (
    ChairAppointment,
    CoChairAppointment,
    OutlookItem,
    StructuralChange,
    WorkingGroup,
)
from apps.groups.selectors import Dispute, disputes, groups_active_on, mandates_at

from .models import ReportHighlight, ReportListing, ReportNarrative


@dataclass(frozen=True)
class GroupText:
    """A group's name and mandate as they stood at the end of the report's year."""

    name: str
    mandate: str  # the version in force at the end of the year ("" if the record has none)
    from_history: bool  # the name: False when the record has no history that old (current name)
    mandate_dated: bool = True  # False: the first known text, which the record does not date


@dataclass
class ReportFacts:
    year: int
    today: datetime.date
    narrative: ReportNarrative | None
    chairs: list[ChairAppointment]
    members: list[Agency]  # members on 31 December of the year, earlier names prefetched
    joined: list[Agency]
    left: list[Agency]
    groups: list[WorkingGroup]  # every group, with status_change and successor
    groups_at_end: list[WorkingGroup]  # active on 31 December, by acronym
    group_texts: dict[int, GroupText]
    changes: list[StructuralChange]  # effective during the year
    # Proposals not (yet) decided, meant to take effect by the year's end: never reported.
    undecided: list[StructuralChange]
    published: list[Deliverable]  # published during the year, with lead_group
    activities: list[Activity]  # during the year, deliverables (and their lead group) prefetched
    outlook_this_year: list[OutlookItem]
    outlook_next_year: list[OutlookItem]
    # deliverable id -> [(history date, state)] up to the end of the year, oldest first
    state_history: dict[int, list[tuple[datetime.datetime, str]]] = field(default_factory=dict)
    cochairs_today: dict[int, list[CoChairAppointment]] = field(default_factory=dict)
    # What the sources disagree on about appointments' dates, not yet settled (all kinds).
    disputes: list[Dispute] = field(default_factory=list)
    # The year's own highlights (in order) and how its report names and orders its lists.
    highlights: list[ReportHighlight] = field(default_factory=list)
    listings: list[ReportListing] = field(default_factory=list)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


def report_facts(*, year: int, today: datetime.date) -> ReportFacts:
    """The facts of `year` for its annual report (and of `year + 1` for the outlook)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # History rows are stamped with aware datetimes: the year ends at midnight UTC.
    year_ends_at = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)

    outlook = list(
        OutlookItem.objects.filter(year__in=[year, year + 1])
        .select_related("group")
        .prefetch_related(
            "partner_groups",
            Prefetch(
                "planned_deliverables",
                queryset=Deliverable.objects.select_related("lead_group"),
            ),
        )
        # The ISECG Priorities (no group) first on every database, as the report prints them.
        .order_by("year", F("group__acronym").asc(nulls_first=True), "position")
    )
    planned_ids = OutlookItem.planned_deliverables.through.objects.filter(
        outlookitem__year__in=[year, year + 1]
    ).values("deliverable_id")

    return ReportFacts(
        year=year,
        today=today,
        narrative=ReportNarrative.objects.filter(year=year).first(),
        highlights=list(
            ReportHighlight.objects.filter(year=year, shown=True).order_by("position", "pk")
        ),
        listings=list(ReportListing.objects.filter(year=year).order_by("position", "pk")),
        chairs=list(ChairAppointment.objects.select_related("agency", "person")),
        members=list(members_on(end).prefetch_related("earlier_names")),
        joined=list(Agency.objects.filter(joined_on__range=(start, end)).order_by("name")),
        left=list(Agency.objects.filter(left_on__range=(start, end)).order_by("name")),
        groups=list(
            WorkingGroup.objects.select_related("status_change", "successor").order_by("acronym")
        ),
        groups_at_end=list(groups_active_on(end)),
        group_texts=_group_texts_at(year_ends_at, day=end),
        changes=list(
            # Only a decided change in effect is a change; a proposal is never reported as one.
            StructuralChange.objects.filter(
                effective_on__range=(start, end),
                state=StructuralChange.State.DECIDED,
                applied_at__isnull=False,
            )
            .select_related("into_group", "meeting")
            .prefetch_related("groups", "sub_teams")
            .order_by("effective_on", "pk")
        ),
        undecided=list(
            StructuralChange.objects.filter(
                effective_on__lte=end,
                state__in=[
                    StructuralChange.State.PROPOSED,
                    StructuralChange.State.IN_CONSENSUS,
                    StructuralChange.State.AWAITING_ENDORSEMENT,
                ],
            )
            .prefetch_related("groups")
            .order_by("effective_on", "pk")
        ),
        published=list(
            Deliverable.objects.filter(published_on__range=(start, end))
            .exclude(state=DeliverableState.WITHDRAWN)
            .select_related("lead_group")
            .order_by("published_on", "title")
        ),
        activities=list(
            Activity.objects.filter(occurred_on__range=(start, end))
            .select_related("group")
            .prefetch_related(
                Prefetch("deliverables", queryset=Deliverable.objects.select_related("lead_group"))
            )
            .order_by("occurred_on", "title")
        ),
        outlook_this_year=[item for item in outlook if item.year == year],
        outlook_next_year=[item for item in outlook if item.year == year + 1],
        state_history=_state_history(deliverable_ids=planned_ids, before=year_ends_at),
        cochairs_today=_cochairs_on(today),
        disputes=disputes(),
    )


def _group_texts_at(moment: datetime.datetime, *, day: datetime.date) -> dict[int, GroupText]:
    """Each group's name as its history had it just before `moment`, and its mandate in force
    on `day` (its dated versions: Annex III of year Y prints those in force at its end).

    A group with no history row that old keeps its current name (the record loaded later
    than the year being reported starts its history on the day it was loaded).
    """
    historical = WorkingGroup.history.model
    names: dict[int, tuple[str, bool]] = {}
    rows = (
        historical.objects.filter(history_date__lt=moment)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "name")
    )
    for group_id, name in rows:
        names.setdefault(group_id, (name, True))
    for group_id, name in WorkingGroup.objects.values_list("id", "name"):
        names.setdefault(group_id, (name, False))
    mandates = mandates_at(day)
    texts: dict[int, GroupText] = {}
    for group_id, (name, from_history) in names.items():
        version = mandates.get(group_id)
        texts[group_id] = GroupText(
            name=name,
            mandate=version.text if version else "",
            from_history=from_history,
            mandate_dated=version is None or version.in_force_from is not None,
        )
    return texts


def _state_history(
    *, deliverable_ids, before: datetime.datetime
) -> dict[int, list[tuple[datetime.datetime, str]]]:
    historical = Deliverable.history.model
    history: dict[int, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    rows = (
        historical.objects.filter(id__in=deliverable_ids, history_date__lt=before)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "state")
    )
    for deliverable_id, when, state in rows:
        history[deliverable_id].append((when, state))
    return dict(history)


def _cochairs_on(day: datetime.date) -> dict[int, list[CoChairAppointment]]:
    by_group: dict[int, list[CoChairAppointment]] = defaultdict(list)
    appointments = (
        CoChairAppointment.objects.filter(in_force_on(day))
        .select_related("person", "agency")
        .order_by("group_id", "agency__acronym")
    )
    for appointment in appointments:
        by_group[appointment.group_id].append(appointment)
    return dict(by_group)
