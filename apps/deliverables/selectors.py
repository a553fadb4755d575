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
    IntegerField,
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

# Workflow order, for sorting by state: the path a product takes, then the states off it.
STATE_ORDER: tuple[str, ...] = (
    DeliverableState.PLANNED,
    DeliverableState.DRAFTING,
    DeliverableState.WG_REVIEW,
    DeliverableState.SUBMITTED,
    DeliverableState.IN_CONSENSUS,
    DeliverableState.SAM_ENDORSEMENT,
    DeliverableState.APPROVED,
    DeliverableState.PUBLISHED,
    DeliverableState.DEFERRED,
    DeliverableState.WITHDRAWN,
)
RAG_ORDER: tuple[str, ...] = (Deliverable.Rag.RED, Deliverable.Rag.AMBER, Deliverable.Rag.GREEN)


def _rank(field: str, order: tuple[str, ...]) -> Case:
    """The value's place in `order`; NULL for a value outside it (no RAG), sorted last."""
    whens = [When(**{field: value}, then=Value(index)) for index, value in enumerate(order)]
    return Case(*whens, default=None, output_field=IntegerField())


# What the list sorts by: the key in the URL (`sort=state`, `sort=-state` descending), the
# labels of both directions, and the expression. Rows without a value (no date, no RAG) come
# last both ways.
SORT_COLUMNS: dict[str, tuple[str, str, object]] = {
    "updated": ("changed longest ago", "recently changed", F("updated_at")),
    "title": ("title", "title, Z to A", F("title")),
    "group": ("group", "group, Z to A", F("lead_group__acronym")),
    "state": ("state, in workflow order", "state, furthest first", _rank("state", STATE_ORDER)),
    "rag": ("RAG, red first", "RAG, green first", _rank("rag", RAG_ORDER)),
    "progress": ("progress, least first", "progress, most first", F("percent_complete")),
    # A target sorts by the last day it covers: "2026" after "Mar 2026".
    "target": ("target date, soonest first", "target date, latest first", F("target_end")),
    "published": ("published, earliest first", "published, latest first", F("published_on")),
}
SORTS: tuple[str, ...] = tuple(key for column in SORT_COLUMNS for key in (column, f"-{column}"))
DEFAULT_SORT = "-updated"


def sort_choices() -> list[tuple[str, str]]:
    """Every sort as (key, label), the default first, for the "Sort by" menu (a phone shows
    the list as cards, without column headers)."""
    choices = [(DEFAULT_SORT, SORT_COLUMNS["updated"][1])]
    for column, (ascending, descending, _) in SORT_COLUMNS.items():
        choices += [(column, ascending), (f"-{column}", descending)]
    return list(dict.fromkeys(choices))


def deliverables_sorted(deliverables: QuerySet[Deliverable], sort: str) -> QuerySet[Deliverable]:
    """`deliverables` in the order `sort` names (a key of SORTS; an unknown one: DEFAULT_SORT),
    undated or unrated rows last in both directions, then by title."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    *_, expression = SORT_COLUMNS[sort.lstrip("-")]
    if sort.startswith("-"):
        ordering = expression.desc(nulls_last=True)
    else:
        ordering = expression.asc(nulls_last=True)
    if sort.lstrip("-") == "target":
        deliverables = with_target_end(deliverables)
    return deliverables.order_by(ordering, "title", "pk")


@dataclass(frozen=True)
class DeliverableFilter:
    """What a deliverables list shows; every field comes from the URL, so a list can be shared."""

    group: str = ""  # lead group acronym
    state: str = ""
    kind: str = ""
    year: int | None = None  # target or publication year
    rag: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT


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
    return deliverables_sorted(deliverables, filters.sort)


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
    # An ended group and its successor may share an acronym: they are one bar, as the list's
    # group filter (by acronym) shows them together.
    by_acronym: dict[str, dict[str, int]] = {}
    for group_id, states in by_group_id.items():
        merged = by_acronym.setdefault(acronyms[group_id], {})
        for state, n in states.items():
            merged[state] = merged.get(state, 0) + n
    return by_acronym


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


def _record_load_q() -> Q:
    from apps.record.services import RECORD_LOAD_REASON

    return Q(history_change_reason__startswith=RECORD_LOAD_REASON)


def _record_loads():
    return Deliverable.history.filter(_record_load_q())


def _scoped(history, deliverable_ids):
    return history if deliverable_ids is None else history.filter(id__in=deliverable_ids)


def recent_changes(*, limit: int = 12, deliverable_ids=None):
    """The latest changes people made to deliverables (moves, progress, edits), newest first;
    with `deliverable_ids` (a set or a subquery), only theirs. Rows that loaded the ISECG
    record are left out: record_loads_summary counts them in one line."""
    history = Deliverable.history.exclude(_record_load_q()).select_related("history_user")
    return _scoped(history, deliverable_ids).order_by("-history_date", "-history_id")[:limit]


def record_loads_summary(*, deliverable_ids=None) -> dict:
    """How many deliverables' rows loaded the ISECG record, and when the last was: {"count",
    "latest"} (latest None when there were none)."""
    return _scoped(_record_loads(), deliverable_ids).aggregate(
        count=Count("history_id"), latest=Max("history_date")
    )


# --- what the home page's queues ask of deliverables (apps/web/queues.py) ----------------------


def _last_history(*, moves=None, field: str):
    """The latest history row's `field` of the deliverable, among rows of these moves (any
    move when None)."""
    rows = Deliverable.history.filter(id=OuterRef("pk")).exclude(history_move="")
    if moves is not None:
        rows = rows.filter(history_move__in=list(moves))
    return Subquery(rows.order_by("-history_date", "-history_id").values(field)[:1])


def with_last_move(deliverables: QuerySet[Deliverable], *, moves=None) -> QuerySet[Deliverable]:
    """Each with `last_move`, `last_move_at` and `last_move_reason`: its latest workflow move
    (among `moves`, when given), the history saying when and why."""
    return deliverables.annotate(
        last_move=_last_history(moves=moves, field="history_move"),
        last_move_at=_last_history(moves=moves, field="history_date"),
        last_move_reason=_last_history(moves=moves, field="history_change_reason"),
    )


def deliverables_in_state(*, state: str) -> QuerySet[Deliverable]:
    """Deliverables in one workflow state, the soonest target first."""
    return (
        Deliverable.objects.filter(state=state)
        .select_related("lead_group")
        .order_by("target_date", "title", "pk")
    )


def deliverables_returned_to(*, group_ids) -> QuerySet[Deliverable]:
    """These groups' deliverables in drafting whose latest move sent them back (returned,
    objected to, endorsement declined), with_last_move: they wait for their co-chairs."""
    return (
        with_last_move(
            Deliverable.objects.filter(lead_group_id__in=group_ids, state=DeliverableState.DRAFTING)
        )
        .filter(last_move__in=list(RETURN_MOVE_NAMES))
        .select_related("lead_group")
        .order_by("-last_move_at", "pk")
    )
