"""What waits for each person: a queue per role, declared once.

Each queue is a query (a selector of the app that owns the records), how one of its rows says
why it is there and where to act, and whether it counts as work (the count on "Home" in the
navigation: something this person has to do, not something they may like to know). The home
page lists the queues; the navigation counts them with the same queries, all in one statement
(`queue_totals`), so the number in the header is the number of rows on the home page.

Co-chairs' queues are about one deliverable each: a deliverable is in the first that applies
(returned, overdue, due this quarter, not updated), so no item is counted twice.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from apps.accounts import permissions
from apps.core.dates import date_for_people, describe_date
from apps.deliverables import selectors as deliverable_selectors
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.workflow import MOVES_BY_NAME
from apps.documents.models import Revision
from apps.groups.models import ChangeState, StructuralChange
from apps.plenary import selectors as plenary_selectors
from apps.reports.filing import annual_report_title
from apps.reports.models import ReportDraft

from .views.common import HOME_LIST_LIMIT

STALE_AFTER_DAYS = 30  # a co-chair's product not updated for this long is asked about
CLOSING_WITHIN_DAYS = 7  # "closing this week": a deadline from today to a week from now
CLOSED_RECENTLY_DAYS = 30
# The states a co-chair moves a product through: their queues are about these only.
COCHAIR_STATES = [DeliverableState.PLANNED, DeliverableState.DRAFTING, DeliverableState.WG_REVIEW]


@dataclass(frozen=True)
class Who:
    """The person the queues are for. Group and agency ids are sets (the home page, which names
    them) or subqueries (the navigation's count: no query of their own)."""

    user: object
    today: datetime.date
    secretariat: bool
    sam: bool
    group_ids: object
    agency_ids: object
    cochair: bool = True  # unknown (a subquery): the count is 0 when they hold none
    delegate: bool = True


def who_of(user, *, today: datetime.date | None = None, resolve: bool = False) -> Who:
    """`resolve`: read the person's groups and agencies (two queries) so that the queues of a
    role they do not hold are left out; otherwise they are subqueries."""
    today = today or timezone.localdate()
    if resolve:
        group_ids = permissions.cochaired_group_ids(user, today)
        agency_ids = permissions.delegate_agency_ids(user, today)
        cochair, delegate = bool(group_ids), bool(agency_ids)
    else:
        group_ids = permissions.cochair_appointments(user, today).values("group_id")
        agency_ids = permissions.delegate_appointments(user, today).values("agency_id")
        cochair = delegate = True
    return Who(
        user=user,
        today=today,
        secretariat=permissions.is_secretariat(user),
        sam=permissions.is_sam(user),
        group_ids=group_ids,
        agency_ids=agency_ids,
        cochair=cochair,
        delegate=delegate,
    )


@dataclass(frozen=True)
class Row:
    title: str
    url: str  # the thing itself
    reason: str  # why it is in the queue
    action: str  # what to do, the words of the link
    action_url: str


@dataclass(frozen=True)
class Queue:
    key: str  # the row's id on the home page, and its count's name
    role: str
    title: str
    query: Callable[[Who], QuerySet]
    row: Callable  # (object, Who, extra) -> Row
    counted: bool = True
    empty: str = "Nothing waiting."
    more: str = ""  # the whole list, when one page has it
    # Read once for the rows shown (which agencies nobody can reach): (rows, Who) -> dict.
    lookup: Callable | None = None
    heading: Callable | None = None  # (Who, names) -> the title, when it names them

    @property
    def anchor(self) -> str:
        return self.key.replace("_", "-")


@dataclass
class Shown:
    """A queue as the home page shows it: its first rows and how many there are."""

    queue: Queue
    title: str
    rows: list[Row]
    total: int

    @property
    def anchor(self) -> str:
        return self.queue.anchor


@dataclass
class RoleQueues:
    role: str
    queues: list[Shown] = field(default_factory=list)

    @property
    def busy(self) -> list[Shown]:
        return [shown for shown in self.queues if shown.total]

    @property
    def idle(self) -> list[Shown]:
        """The empty queues, which the page names in one line each."""
        return [shown for shown in self.queues if not shown.total]


# --- words -----------------------------------------------------------------------------------


def _day(value) -> str:
    return date_for_people(value) if value else "an unknown day"


def _in_days(day: datetime.date, today: datetime.date) -> str:
    days = (day - today).days
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def _target(d: Deliverable) -> str:
    return describe_date(d.target_date, d.target_precision) if d.target_date else "no target"


def _target_and_end(d: Deliverable) -> str:
    """ "12 March 2027", or "2026 (by 31 December 2026)": a target known to a month or a year
    says the day its period ends (with_target_end)."""
    target, end = _target(d), _day(d.target_end)
    return target if target == end else f"{target} (by {end})"


def _updated(d: Deliverable, today: datetime.date) -> str:
    days = (today - timezone.localdate(d.updated_at)).days
    if days <= 0:
        return "updated today"
    return f"last updated {_day(d.updated_at)} ({days} day{'s' if days != 1 else ''} ago)"


def _move_label(name: str | None) -> str:
    move = MOVES_BY_NAME.get(name or "")
    return move.label if move else "Changed"


def _subject_url(round, anchor: str = "") -> str:
    return round.get_absolute_url() + anchor


# --- the SAMs -------------------------------------------------------------------------------


def _awaiting_sam(who: Who) -> QuerySet:
    return deliverable_selectors.with_last_move(
        deliverable_selectors.deliverables_in_state(state=DeliverableState.SAM_ENDORSEMENT),
        moves={"await_sam"},
    )


def _sam_row(d, who, extra) -> Row:
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"Agreed by consensus on {_day(d.last_move_at)}; it is flagged for SAM "
        "endorsement, and waits for a senior agency manager to endorse or decline it.",
        action="Endorse or decline",
        action_url=d.get_absolute_url() + "#actions",
    )


def _secretariat_sam_row(d, who, extra) -> Row:
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"Agreed by consensus on {_day(d.last_move_at)}; waiting for a senior agency "
        "manager to endorse or decline it in the tracker.",
        action="See where it stands",
        action_url=d.get_absolute_url() + "#actions",
    )


def _changes_awaiting_endorsement(who: Who) -> QuerySet:
    return StructuralChange.objects.filter(state=ChangeState.AWAITING_ENDORSEMENT).order_by(
        "effective_on", "pk"
    )


def _change_for_sam_row(change, who, extra) -> Row:
    return Row(
        title=str(change),
        url=change.get_absolute_url(),
        reason="Agreed by consensus; it needs the senior agency managers' endorsement, which the "
        "secretariat records.",
        action="Read the proposal",
        action_url=change.get_absolute_url() + "#facts",
    )


def _change_for_secretariat_row(change, who, extra) -> Row:
    return Row(
        title=str(change),
        url=change.get_absolute_url(),
        reason="Agreed by consensus; once the senior agency managers endorse it, record their "
        "endorsement and it takes effect on its date.",
        action="Record the SAMs' endorsement",
        action_url=change.get_absolute_url() + "#actions",
    )


# --- the secretariat ------------------------------------------------------------------------


def _submitted(who: Who) -> QuerySet:
    return deliverable_selectors.with_last_move(
        deliverable_selectors.deliverables_in_state(state=DeliverableState.SUBMITTED),
        moves={"submit"},
    )


def _submitted_row(d, who, extra) -> Row:
    since = f"Submitted by {d.lead_group.acronym}"
    since += f" on {_day(d.last_move_at)}" if d.last_move_at else ""
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"{since}: it waits for a consensus round.",
        action="Open a round, or return it",
        action_url=d.get_absolute_url() + "#actions",
    )


def _answered(r) -> str:
    return f"{r.answered_count} of {r.eligible_count} agencies answered"


def _closing(who: Who) -> QuerySet:
    last = who.today + datetime.timedelta(days=CLOSING_WITHIN_DAYS)
    return plenary_selectors.rounds_closing_between(first=who.today, last=last)


def _closing_row(r, who, extra) -> Row:
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=f"Closes {_in_days(r.deadline, who.today)}, {_day(r.deadline)}: {_answered(r)}.",
        action="See who has not answered",
        action_url=_subject_url(r, "#told"),
    )


def _unreachable(who: Who) -> QuerySet:
    return plenary_selectors.rounds_with_unreachable_agencies(today=who.today)


def _unreachable_lookup(rows, who) -> dict:
    return plenary_selectors.unreachable_acronyms_by_round(
        round_ids=[r.pk for r in rows], today=who.today
    )


def _unreachable_row(r, who, extra) -> Row:
    names = extra.get(r.pk, [])
    listed = ", ".join(names) or "an agency"
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=f"Nobody can be written to at {listed}, never told of the round: their silence "
        f"will not count as no objection. Deadline {_day(r.deadline)}.",
        action="Record how they were told",
        action_url=_subject_url(r, "#told"),
    )


def _ready_to_close(who: Who) -> QuerySet:
    return plenary_selectors.rounds_ready_to_close(today=who.today)


def _ready_row(r, who, extra) -> Row:
    if r.deadline_passed_on(who.today):
        why = f"The deadline passed on {_day(r.deadline)}: {_answered(r)}."
    else:
        why = f"Every agency has answered ({r.answered_count} of {r.eligible_count})."
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=why,
        action="Close the round",
        action_url=_subject_url(r, "#act"),
    )


def _to_publish(who: Who) -> QuerySet:
    return deliverable_selectors.with_last_move(
        deliverable_selectors.deliverables_in_state(state=DeliverableState.APPROVED),
        moves={"approve", "endorse"},
    )


def _to_publish_row(d, who, extra) -> Row:
    how = "Endorsed by the SAMs" if d.last_move == "endorse" else "Approved by consensus"
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"{how} on {_day(d.last_move_at)}: it is not published yet.",
        action="Mark published",
        action_url=d.get_absolute_url() + "#actions",
    )


def _report_drafts(who: Who) -> QuerySet:
    """The latest draft of each year, when it failed, or finished with no revision of that
    year's annual report uploaded since (filing the draft is one)."""
    newer = ReportDraft.objects.filter(year=OuterRef("year"), version__gt=OuterRef("version"))
    report_title = Concat(
        # annual_report_title(year), in the database
        Value(annual_report_title(0).removesuffix("0")),
        Cast(OuterRef("year"), output_field=CharField()),
    )
    filed = Revision.objects.filter(
        deliverable__kind=Deliverable.Kind.ANNUAL_REPORT,
        deliverable__title=report_title,
        uploaded_at__gte=Coalesce(OuterRef("finished_at"), OuterRef("created_at")),
    )
    return (
        ReportDraft.objects.exclude(Exists(newer.order_by()))
        .filter(
            Q(state=ReportDraft.State.FAILED)
            | (Q(state=ReportDraft.State.DONE) & ~Exists(filed.order_by()))
        )
        .order_by("-year", "-version")
    )


def _report_row(draft, who, extra) -> Row:
    url = reverse("web:report", args=[draft.pk])
    if draft.state == ReportDraft.State.FAILED:
        when = _day(draft.finished_at or draft.created_at)
        reason = f"Drafting failed on {when}: {draft.error or 'no reason given'}"
        action = "Read why, and draft again"
    else:
        reason = (
            f"Finished on {_day(draft.finished_at or draft.created_at)}; no revision of the "
            f"{draft.year} annual "
            "report has been uploaded since."
        )
        action = "Review it, and file it as a revision"
    return Row(
        title=f"{draft.year} annual report, draft v{draft.version}",
        url=url,
        reason=reason,
        action=action,
        action_url=url,
    )


# --- co-chairs ------------------------------------------------------------------------------


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the calendar quarter `day` is in."""
    month = 3 * ((day.month - 1) // 3) + 3
    first_of_next = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def _cochair_open(who: Who) -> QuerySet:
    returned = deliverable_selectors.deliverables_returned_to(group_ids=who.group_ids)
    return (
        Deliverable.objects.filter(lead_group_id__in=who.group_ids, state__in=COCHAIR_STATES)
        .exclude(pk__in=returned.values("pk"))
        .select_related("lead_group")
    )


def _returned(who: Who) -> QuerySet:
    return deliverable_selectors.deliverables_returned_to(group_ids=who.group_ids)


def _returned_row(d, who, extra) -> Row:
    # The history's reason starts with the move's label (deliverables.services).
    reason = f"{d.last_move_reason or _move_label(d.last_move)} ({_day(d.last_move_at)})"
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=reason,
        action="Revise it and send it to WG review",
        action_url=d.get_absolute_url() + "#actions",
    )


def _overdue(who: Who) -> QuerySet:
    return deliverable_selectors.overdue_on(_cochair_open(who), day=who.today).order_by(
        "target_end", "title", "pk"
    )


def _overdue_row(d, who, extra) -> Row:
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"The target, {_target_and_end(d)}, has passed ({d.get_state_display()}, "
        f"{d.percent_complete}% done); {_updated(d, who.today)}.",
        action="Update the progress or the target",
        action_url=d.get_absolute_url() + "#progress",
    )


def _due(who: Who) -> QuerySet:
    return deliverable_selectors.due_between(
        _cochair_open(who), first=who.today, last=quarter_end(who.today)
    ).order_by("target_end", "title", "pk")


def _due_heading(who: Who, names) -> str:
    return f"Due this quarter (by {_day(quarter_end(who.today))})"


def _due_row(d, who, extra) -> Row:
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"Due {_target_and_end(d)} ({d.get_state_display()}, "
        f"{d.percent_complete}% done); {_updated(d, who.today)}.",
        action="Update the progress",
        action_url=d.get_absolute_url() + "#progress",
    )


def _stale(who: Who) -> QuerySet:
    due_by_quarter_end = deliverable_selectors.with_target_end(_cochair_open(who)).filter(
        target_end__lte=quarter_end(who.today)
    )
    since = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    return (
        _cochair_open(who)
        .filter(updated_at__lt=since)
        .exclude(pk__in=due_by_quarter_end.values("pk"))
        .order_by("updated_at", "pk")
    )


def _stale_row(d, who, extra) -> Row:
    return Row(
        title=str(d),
        url=d.get_absolute_url(),
        reason=f"{_updated(d, who.today).capitalize()}: is its progress still "
        f"{d.percent_complete}%, target {_target(d)}?",
        action="Update the progress",
        action_url=d.get_absolute_url() + "#progress",
    )


# --- delegates ------------------------------------------------------------------------------


def _awaiting_answer(who: Who) -> QuerySet:
    return plenary_selectors.rounds_awaiting(agency_ids=who.agency_ids)


def _agencies(names) -> str:
    return ", ".join(names.get("agencies", [])) or "your agency"


def _awaiting_heading(who: Who, names) -> str:
    return f"Consensus rounds awaiting {_agencies(names)}"


def _awaiting_row(r, who, extra) -> Row:
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=f"Not answered yet; deadline {_day(r.deadline)} "
        f"({_in_days(r.deadline, who.today)}).",
        action="State your position",
        action_url=_subject_url(r, "#act"),
    )


def _answered_open(who: Who) -> QuerySet:
    return plenary_selectors.latest_positions_in_open_rounds(agency_ids=who.agency_ids)


def _answered_row(p, who, extra) -> Row:
    r = p.round
    on = f" on revision {p.revision.number:02d}" if p.revision_id else ""
    by = " (recorded by the secretariat)" if p.on_behalf else ""
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=f"{p.agency.acronym}'s position: {p.get_position_display()}, given "
        f"{_day(p.recorded_at)}{on}{by}. It can be changed until {_day(r.deadline)}.",
        action="Change the position",
        action_url=_subject_url(r, "#act"),
    )


def _closed_recently(who: Who) -> QuerySet:
    since = timezone.now() - datetime.timedelta(days=CLOSED_RECENTLY_DAYS)
    return plenary_selectors.rounds_closed_since(agency_ids=who.agency_ids, since=since)


def _closed_row(r, who, extra) -> Row:
    return Row(
        title=str(r.subject),
        url=r.get_absolute_url(),
        reason=f"Closed on {_day(r.closed_at)}: {r.get_outcome_display()}.",
        action="See the outcome",
        action_url=_subject_url(r, "#positions"),
    )


# --- the table --------------------------------------------------------------------------------

SAM_QUEUES = (
    Queue("sam_endorse", "Senior agency manager", "Awaiting my endorsement", _awaiting_sam,
          _sam_row, empty="No product awaits SAM endorsement."),
    Queue("sam_changes", "Senior agency manager", "Structural changes awaiting SAM endorsement",
          _changes_awaiting_endorsement, _change_for_sam_row,
          empty="No structural change awaits SAM endorsement."),
)  # fmt: skip

SECRETARIAT_QUEUES = (
    Queue("to_open", "Secretariat", "Submitted, awaiting a round", _submitted, _submitted_row,
          empty="Nothing submitted waits for a round.",
          more="/deliverables/?state=submitted&sort=target"),
    Queue("closing", "Secretariat", "Rounds closing this week", _closing, _closing_row,
          empty="No round closes this week."),
    Queue("unreachable", "Secretariat", "Rounds with unreachable agencies", _unreachable,
          _unreachable_row, lookup=_unreachable_lookup, empty="Every agency can be reached."),
    Queue("ready", "Secretariat", "Ready to close", _ready_to_close, _ready_row,
          empty="No round is ready to close."),
    Queue("to_publish", "Secretariat", "Approved, to publish", _to_publish, _to_publish_row,
          empty="Nothing approved waits for publication."),
    Queue("change_endorsement", "Secretariat", "Structural changes awaiting SAM endorsement",
          _changes_awaiting_endorsement, _change_for_secretariat_row,
          empty="No structural change awaits SAM endorsement."),
    Queue("awaiting_sam", "Secretariat", "Products awaiting SAM endorsement", _awaiting_sam,
          _secretariat_sam_row, counted=False, empty="No product awaits SAM endorsement."),
    Queue("drafts", "Secretariat", "Report drafts to review", _report_drafts, _report_row,
          empty="No draft waits. Draft a report from the Annual reports page."),
)  # fmt: skip

COCHAIR_QUEUES = (
    Queue("returned", "Co-chair", "Returned or objected to", _returned, _returned_row,
          empty="Nothing returned."),
    Queue("overdue", "Co-chair", "Overdue", _overdue, _overdue_row, empty="Nothing overdue."),
    Queue("due", "Co-chair", "Due this quarter", _due, _due_row, heading=_due_heading,
          empty="Nothing due."),
    Queue("stale", "Co-chair", f"Not updated in {STALE_AFTER_DAYS} days", _stale, _stale_row,
          empty="Nothing else has gone without an update that long."),
)  # fmt: skip

DELEGATE_QUEUES = (
    Queue("awaiting", "Delegate", "Consensus rounds awaiting your agency", _awaiting_answer,
          _awaiting_row, heading=_awaiting_heading, empty="No round awaits your answer."),
    Queue("answered", "Delegate", "Answered, still open", _answered_open, _answered_row,
          counted=False, empty="No open round has your answer."),
    Queue("closed", "Delegate", f"Closed in the last {CLOSED_RECENTLY_DAYS} days",
          _closed_recently, _closed_row, counted=False, empty="No round closed recently."),
)  # fmt: skip


def queues_of(who: Who) -> list[Queue]:
    """The queues of the roles this person holds, in the home page's order."""
    queues: list[Queue] = []
    if who.sam:
        queues += SAM_QUEUES
    if who.secretariat:
        queues += SECRETARIAT_QUEUES
    if who.cochair:
        queues += COCHAIR_QUEUES
    if who.delegate:
        queues += DELEGATE_QUEUES
    return queues


def _count_of(queryset: QuerySet) -> Subquery:
    # COUNT as a plain function, not an aggregate: no GROUP BY, one row, whatever the query.
    counted = queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)


def queue_totals(who: Who, queues: list[Queue]) -> dict[str, int]:
    """How many rows each queue has, in one query."""
    if not queues:
        return {}
    counts = {f"queue_{queue.key}": _count_of(queue.query(who)) for queue in queues}
    row = get_user_model().objects.filter(pk=who.user.pk).annotate(**counts).values(*counts).first()
    row = row or {}
    return {queue.key: row.get(f"queue_{queue.key}", 0) for queue in queues}


def work_count(who: Who) -> int:
    """The number in the navigation: the rows of the queues that are work to do."""
    counted = [queue for queue in queues_of(who) if queue.counted]
    return sum(queue_totals(who, counted).values())


def home_queues(who: Who, names: dict, limit: int = HOME_LIST_LIMIT):
    """The queues by role for the home page, each with its first `limit` rows, and the work
    count (as work_count, from the same totals)."""
    queues = queues_of(who)
    totals = queue_totals(who, queues)
    by_role: dict[str, RoleQueues] = {}
    for queue in queues:
        objects = list(queue.query(who)[:limit])
        extra = queue.lookup(objects, who) if queue.lookup and objects else {}
        title = queue.heading(who, names) if queue.heading else queue.title
        shown = Shown(
            queue=queue,
            title=title,
            rows=[queue.row(obj, who, extra) for obj in objects],
            total=totals[queue.key],
        )
        by_role.setdefault(queue.role, RoleQueues(role=queue.role)).queues.append(shown)
    count = sum(totals[queue.key] for queue in queues if queue.counted)
    return list(by_role.values()), count
