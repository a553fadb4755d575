"""Reads of deliverables: the filtered list, a deliverable's page, what each role's home shows."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from apps.core.dates import period_end_sql
from apps.groups.models import WorkingGroup

from .models import Activity, Deliverable, DeliverableState
from .workflow import RETURN_MOVE_NAMES

SORTS = {
    "title": "title",
    "-title": "-title",
    "target": "target_date",
    "-target": "-target_date",
    "state": "state",
    "-state": "-state",
    "group": "lead_group__acronym",
    "-group": "-lead_group__acronym",
    "progress": "percent_complete",
    "-progress": "-percent_complete",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


@dataclass(frozen=True)
class DeliverableFilter:
    """What a deliverables list shows; every field comes from the URL, so a list can be shared."""

    group: str = ""  # lead group acronym
    state: str = ""
    kind: str = ""
    year: int | None = None  # target or publication year
    rag: str = ""
    q: str = ""
    sort: str = "-updated"


def deliverables_filtered(filters: DeliverableFilter) -> QuerySet[Deliverable]:
    deliverables = Deliverable.objects.select_related("lead_group")
    if filters.group:
        deliverables = deliverables.filter(lead_group__acronym=filters.group)
    if filters.state:
        deliverables = deliverables.filter(state=filters.state)
    if filters.kind:
        deliverables = deliverables.filter(kind=filters.kind)
    if filters.rag:
        deliverables = deliverables.filter(rag=filters.rag)
    if filters.year:
        deliverables = deliverables.filter(
            Q(target_date__year=filters.year) | Q(published_on__year=filters.year)
        )
    if filters.q:
        deliverables = deliverables.filter(
            Q(title__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(status_note__icontains=filters.q)
            | Q(next_milestone__icontains=filters.q)
            | Exists(_revisions().filter(deliverable=OuterRef("pk"), text__icontains=filters.q))
        )
    return deliverables.order_by(SORTS.get(filters.sort, "-updated_at"), "pk")


def _revisions() -> QuerySet:
    """The revisions' texts, reached through the relation: the documents app sits above this
    one, so its model is not imported here."""
    return Deliverable._meta.get_field("revisions").related_model.objects.all()


def deliverables_for_page() -> QuerySet[Deliverable]:
    """Deliverables with what their page shows, fetched up front."""
    return Deliverable.objects.select_related("lead_group").prefetch_related(
        "contributing_groups", "activities", "outlook_items__group"
    )


def deliverables_of_groups(*, group_ids: set[int]) -> QuerySet[Deliverable]:
    return (
        Deliverable.objects.filter(lead_group_id__in=group_ids)
        .exclude(state__in=[DeliverableState.PUBLISHED, DeliverableState.WITHDRAWN])
        .select_related("lead_group")
        .order_by("target_date", "title")
    )


# --- due and overdue: measured from the end of the target's period, here only ----------------


def with_target_end(deliverables: QuerySet[Deliverable]) -> QuerySet[Deliverable]:
    """Each deliverable with `target_end`: the last day its target covers (core.dates.period_end,
    computed in the database). A "2026" target ends on 31 December 2026, a "Dec 2026" one on
    31 December 2026, a day or a bound on that day: it is due until then, overdue after."""
    return deliverables.annotate(target_end=period_end_sql("target_date", "target_precision"))


def due_between(
    deliverables: QuerySet[Deliverable], *, first: datetime.date, last: datetime.date
) -> QuerySet[Deliverable]:
    """Those whose target period ends from `first` to `last` (both included)."""
    return with_target_end(deliverables).filter(target_end__gte=first, target_end__lte=last)


def overdue_on(deliverables: QuerySet[Deliverable], *, day: datetime.date) -> QuerySet[Deliverable]:
    """Those whose target period ended before `day`: a "2026" target from 1 January 2027."""
    return with_target_end(deliverables).filter(target_end__lt=day)


def with_lateness(
    deliverables: QuerySet[Deliverable], *, today: datetime.date
) -> QuerySet[Deliverable]:
    """Each deliverable with `target_end` and `late`: published after its target's period
    ended, or still unpublished when it has ended by `today`."""
    return with_target_end(deliverables).annotate(
        late=Case(
            When(target_end__lt=Coalesce(F("published_on"), Value(today)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def deliverables_due(*, group_ids: set[int], today: datetime.date, days: int = 60):
    """Their groups' open deliverables whose target comes due in the next `days` days (the end
    of its period, today included), the soonest first."""
    last = today + datetime.timedelta(days=days)
    return due_between(
        deliverables_of_groups(group_ids=group_ids), first=today, last=last
    ).order_by("target_end", "title", "pk")


def returned_deliverables(*, group_ids: set[int], since: datetime.date):
    """Deliverables of these groups sent back to drafting (returned or objected to) since `since`,
    newest first, with the history row that says why."""
    history = (
        Deliverable.history.filter(
            lead_group_id__in=group_ids,
            history_move__in=RETURN_MOVE_NAMES,
            history_date__date__gte=since,
        )
        .select_related("history_user")
        .order_by("-history_date")
    )
    return history


def state_counts_by_group() -> dict[str, dict[str, int]]:
    """{group acronym: {state: count}} for the status overview chart.

    Counting reads every deliverable, so the counts are cached under the newest update time and
    the highest id: every change to a deliverable is a save that moves one of them (records are
    never deleted), so a cached count is never stale. Two small queries on a cache hit.
    """
    stamp = Deliverable.objects.aggregate(latest=Max("updated_at"), last=Max("pk"))
    latest = stamp["latest"].timestamp() if stamp["latest"] else 0
    key = f"deliverable-state-counts:{latest}:{stamp['last']}"
    by_group_id = cache.get(key)
    if by_group_id is None:
        by_group_id = {}
        rows = Deliverable.objects.values_list("lead_group_id", "state").annotate(n=Count("pk"))
        for group_id, state, n in rows.order_by():
            by_group_id.setdefault(group_id, {})[state] = n
        cache.set(key, by_group_id, timeout=24 * 3600)
    # Acronyms are read fresh: a renamed group is shown under its new name at once.
    acronyms = dict(WorkingGroup.objects.filter(pk__in=by_group_id).values_list("pk", "acronym"))
    return {acronyms[group_id]: states for group_id, states in by_group_id.items()}


def deliverables_of_year(*, year: int, today: datetime.date) -> QuerySet[Deliverable]:
    """Deliverables with a target or publication in `year`, for the timeline, each with its
    target's end and whether it is late on `today` (with_lateness)."""
    return with_lateness(
        Deliverable.objects.filter(Q(target_date__year=year) | Q(published_on__year=year))
        .select_related("lead_group")
        .order_by("lead_group__acronym", "target_date", "published_on", "pk"),
        today=today,
    )


def webnews_of_year(*, year: int) -> QuerySet[Activity]:
    """The webnews items of `year`, newest first: the overview shows them, the feed links there."""
    return (
        Activity.objects.filter(kind=Activity.Kind.WEBNEWS, occurred_on__year=year)
        .select_related("group")
        .order_by("-occurred_on", "title", "pk")
    )


def webnews_recent(*, limit: int) -> QuerySet[Activity]:
    """The latest webnews items, each with `changed_at`: when it was last changed (None for
    an item loaded from the record and never edited since)."""
    last_change = (
        Activity.history.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")
    )
    return (
        Activity.objects.filter(kind=Activity.Kind.WEBNEWS)
        .select_related("group")
        .annotate(changed_at=Subquery(last_change[:1]))
        .order_by("-occurred_on", "pk")[:limit]
    )


def recent_changes(*, limit: int = 12):
    """The latest changes to deliverables, whoever made them."""
    return Deliverable.history.select_related("history_user").order_by("-history_date")[:limit]
