"""Reads the API makes beyond the apps' own selectors: filtered lists, a history page, and what a
user may do now. Every query is fixed in number, whatever the data size."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from apps.agencies.models import Agency
from apps.agencies.selectors import members_on
from apps.core.models import in_force_on
from apps.deliverables.models import Activity, Deliverable
from apps.deliverables.selectors import DeliverableFilter, deliverables_filtered
from apps.documents.models import Comment, Revision
from apps.groups.models import CoChairAppointment, OutlookItem, WorkingGroup
from apps.groups.selectors import groups_active_on, with_mandates
from apps.plenary import notices, objections
from apps.plenary.abilities import deliverable_abilities
from apps.plenary.models import ConsensusRound, Objection, PlenaryMeeting
from apps.reports.models import ReportDraft


def agencies_list(*, member_on: datetime.date | None = None) -> QuerySet[Agency]:
    agencies = members_on(member_on) if member_on else Agency.objects.order_by("country", "name")
    return agencies.prefetch_related("earlier_names")


def working_groups_list(
    *, active_on: datetime.date | None = None, status: str = "", acronym: str = ""
) -> QuerySet[WorkingGroup]:
    groups = (
        groups_active_on(active_on)
        if active_on
        else WorkingGroup.objects.select_related("status_change", "successor").order_by(
            "acronym", "pk"
        )
    )
    if status:
        groups = groups.filter(status=status)
    if acronym:
        groups = groups.filter(acronym=acronym)
    return with_mandates(groups)


def cochair_appointments_list(
    *, group: str = "", agency: str = "", on: datetime.date | None = None
) -> QuerySet[CoChairAppointment]:
    appointments = CoChairAppointment.objects.select_related("person", "agency", "group")
    if group:
        appointments = appointments.filter(group__acronym=group)
    if agency:
        appointments = appointments.filter(agency__acronym=agency)
    if on:
        appointments = appointments.filter(in_force_on(on))
    return appointments.order_by("group__acronym", "-starts_on", "pk")


def outlook_items_list(
    *, year: int | None = None, group: str = "", priorities: bool | None = None
) -> QuerySet[OutlookItem]:
    items = OutlookItem.objects.select_related("group").prefetch_related(
        "partner_groups", "planned_deliverables"
    )
    if year:
        items = items.filter(year=year)
    if group:
        items = items.filter(group__acronym=group)
    if priorities is not None:
        items = items.filter(group__isnull=priorities)
    return items.order_by("year", "group__acronym", "position", "pk")


def deliverables_list(
    *,
    group: str = "",
    state: str = "",
    kind: str = "",
    year: int | None = None,
    rag: str = "",
    search: str = "",
    ordering: str = "-updated",
) -> QuerySet[Deliverable]:
    """The deliverables' own filter (the web list's), with what the API representation reads."""
    filters = DeliverableFilter(
        group=group, state=state, kind=kind, year=year, rag=rag, q=search, sort=ordering
    )
    return (
        deliverables_filtered(filters)
        .select_related("part_of")
        .prefetch_related("contributing_groups")
    )


def deliverable_for_api(*, pk) -> Deliverable:
    return (
        Deliverable.objects.select_related("lead_group", "part_of")
        .prefetch_related("contributing_groups")
        .get(pk=pk)
    )


def activities_list(
    *,
    kind: str = "",
    year: int | None = None,
    group: str = "",
    deliverable: int | None = None,
) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("group").prefetch_related("deliverables")
    if kind:
        activities = activities.filter(kind=kind)
    if year:
        activities = activities.filter(occurred_on__year=year)
    if group:
        activities = activities.filter(group__acronym=group)
    if deliverable:
        activities = activities.filter(deliverables=deliverable)
    return activities.order_by("-occurred_on", "title", "pk")


def meetings_list(
    *, kind: str = "", year: int | None = None, upcoming: bool | None = None
) -> QuerySet[PlenaryMeeting]:
    """Newest first; the upcoming ones (from today on, as the web list has them) soonest first."""
    meetings = PlenaryMeeting.objects.select_related("host_agency", "chair", "minutes_approved_in")
    if kind:
        meetings = meetings.filter(kind=kind)
    if year:
        meetings = meetings.filter(starts_on__year=year)
    if upcoming is not None:
        today = timezone.localdate()
        if upcoming:
            return meetings.filter(starts_on__gte=today).order_by("starts_on", "starts_at", "pk")
        meetings = meetings.filter(starts_on__lt=today)
    return meetings.order_by("-starts_on", "pk")


def consensus_rounds_list(
    *,
    state: str = "",
    channel: str = "",
    deliverable: int | None = None,
    structural_change: int | None = None,
) -> QuerySet[ConsensusRound]:
    rounds = ConsensusRound.objects.select_related(
        "deliverable", "structural_change", "meeting", "opened_by", "closed_by", "revision"
    ).defer("revision__text")
    if state:
        rounds = rounds.filter(state=state)
    if channel:
        rounds = rounds.filter(channel=channel)
    if deliverable:
        rounds = rounds.filter(deliverable_id=deliverable)
    if structural_change:
        rounds = rounds.filter(structural_change_id=structural_change)
    return rounds.order_by("-opened_at", "-pk")


def report_drafts_list(*, year: int | None = None, state: str = "") -> QuerySet[ReportDraft]:
    drafts = ReportDraft.objects.select_related("requested_by")
    if year:
        drafts = drafts.filter(year=year)
    if state:
        drafts = drafts.filter(state=state)
    return drafts.order_by("-year", "-version")


def round_positions(*, round: ConsensusRound):
    """Every position ever recorded in the round, newest first."""
    return (
        round.positions.select_related("agency", "recorded_by", "revision")
        .defer("revision__text")
        .order_by("-recorded_at", "-id")
    )


# --- revisions: never the extracted text (megabytes), but where a diff reads it ----------------


def revisions_list(*, deliverable: Deliverable) -> QuerySet[Revision]:
    """The deliverable's revisions, newest first."""
    return (
        Revision.objects.filter(deliverable=deliverable)
        .select_related("uploaded_by")
        .defer("text")
        .order_by("-number")
    )


def revision_of(*, deliverable: Deliverable, number: int) -> Revision | None:
    return revisions_list(deliverable=deliverable).filter(number=number).first()


def revision_texts(*, deliverable: Deliverable, numbers: set[int]) -> dict[int, Revision]:
    """The revisions of these numbers, by number, with their text (for a diff)."""
    revisions = Revision.objects.filter(deliverable=deliverable, number__in=numbers)
    return {revision.number: revision for revision in revisions}


# --- comments and objections -------------------------------------------------------------------


def revision_comments(*, revision: Revision) -> QuerySet[Comment]:
    """The revision's comments and replies, oldest first, each with its number of replies."""
    return (
        Comment.objects.filter(revision=revision)
        .select_related("author")
        .annotate(reply_count=Count("replies"))
        .order_by("created_at", "id")
    )


def round_objections(*, round: ConsensusRound) -> QuerySet[Objection]:
    """The round's objection items, by agency, with the revision that resolved each (no text)."""
    return (
        Objection.objects.filter(round=round)
        .select_related("agency", "decided_by", "resolved_in")
        .defer("resolved_in__text")
        .order_by("agency__acronym", "pk")
    )


def previous_objected_round(*, round: ConsensusRound) -> ConsensusRound | None:
    return objections.previous_objected_round(round)


# --- what this user may do now -----------------------------------------------------------------


def deliverable_transitions(
    *, deliverable: Deliverable, user, endpoints: dict[str, str | None]
) -> list[dict]:
    """The moves this user may make now, as the transitions endpoint lists them, with the
    input each needs (from the move table); `endpoints` gives the URL of each round move
    (opening and cancelling go through the round)."""
    abilities = deliverable_abilities(deliverable=deliverable, user=user)
    return [
        {
            "name": move.name,
            "label": move.label,
            "to": move.target,
            "needs": [needed.value for needed in (*move.needs, *move.optional)],
            "endpoint": endpoints.get(move.name),
        }
        for move in abilities.moves
    ]


# --- how each agency was told of a round --------------------------------------------------------


def round_notice_rows(*, round: ConsensusRound, agency: str = "") -> list[dict]:
    """Per eligible agency (by acronym; `agency` for one): reachable today, told (a notice
    delivered or another channel recorded), and its notices, oldest first."""
    eligible = round.eligible_agencies.order_by("acronym")
    if agency:
        eligible = eligible.filter(acronym__iexact=agency)
    eligible = list(eligible)
    reachable = set(notices.agency_addresses({a.pk for a in eligible}))
    log = notices.notice_log(round)
    return [
        {
            "agency": a,
            "reachable": a.pk in reachable,
            "told": any(state.delivered for state in log.get(a.pk, ())),
            "notices": log.get(a.pk, []),
        }
        for a in eligible
    ]
