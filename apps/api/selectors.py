"""Reads the API makes beyond the apps' own selectors: filtered lists, a history page, and what a
user may do now. Every query is fixed in number, whatever the data size."""

import datetime
from collections import defaultdict

from django.db.models import Model, Q, QuerySet

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.agencies.selectors import members_on
from apps.core.models import in_force_on
from apps.deliverables.models import Activity, Deliverable
from apps.deliverables.selectors import DeliverableFilter, deliverables_filtered
from apps.deliverables.services import allowed_moves
from apps.deliverables.workflow import ROUND_MOVES
from apps.groups.models import CoChairAppointment, OutlookItem, WorkingGroup
from apps.groups.selectors import groups_active_on
from apps.plenary.models import ConsensusRound, PlenaryMeeting
from apps.plenary.selectors import RoundFacts
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
    return groups


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
    return deliverables_filtered(filters).prefetch_related("contributing_groups")


def deliverable_for_api(*, pk) -> Deliverable:
    return (
        Deliverable.objects.select_related("lead_group")
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


def meetings_list(*, kind: str = "", year: int | None = None) -> QuerySet[PlenaryMeeting]:
    meetings = PlenaryMeeting.objects.select_related("host_agency")
    if kind:
        meetings = meetings.filter(kind=kind)
    if year:
        meetings = meetings.filter(starts_on__year=year)
    return meetings.order_by("-starts_on", "pk")


def consensus_rounds_list(
    *, state: str = "", channel: str = "", deliverable: int | None = None
) -> QuerySet[ConsensusRound]:
    rounds = ConsensusRound.objects.select_related(
        "deliverable", "meeting", "opened_by", "closed_by"
    )
    if state:
        rounds = rounds.filter(state=state)
    if channel:
        rounds = rounds.filter(channel=channel)
    if deliverable:
        rounds = rounds.filter(deliverable_id=deliverable)
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
    return round.positions.select_related("agency", "recorded_by").order_by("-recorded_at", "-id")


# --- what this user may do now -----------------------------------------------------------------


def deliverable_transitions(
    *, deliverable: Deliverable, user, endpoints: dict[str, str | None]
) -> list[dict]:
    """The moves this user may make now, as the transitions endpoint lists them; `endpoints`
    gives the URL of each round move (opening and cancelling go through the round)."""
    moves = []
    for move in allowed_moves(deliverable=deliverable, user=user):
        if move.name in ROUND_MOVES:
            needs = ["channel", "deadline"] if move.name == "open_round" else ["reason"]
        elif move.name == "publish":
            needs = ["reason", "published_on", "link"]
        else:
            needs = ["reason"]
        moves.append(
            {
                "name": move.name,
                "label": move.label,
                "to": move.target,
                "needs": needs,
                "endpoint": endpoints.get(move.name),
            }
        )
    return moves


def agencies_user_speaks_for(*, round: ConsensusRound, user) -> list[Agency]:
    """The eligible agencies of the round this user may record a position for, by acronym."""
    eligible = {agency.pk: agency for agency in round.eligible_agencies.all()}
    speaks_for = permissions.agencies_user_may_speak_for(user, set(eligible))
    return sorted((eligible[pk] for pk in speaks_for), key=lambda agency: agency.acronym)


def round_actions(*, facts: RoundFacts, user, speaks_for: list[Agency]) -> list[str]:
    """What this user may do on the round now (the services decide; this only tells)."""
    round = facts.round
    if round.state != ConsensusRound.State.OPEN:
        return []
    actions = []
    if speaks_for and not facts.deadline_passed:
        actions.append("record_position")
    if permissions.may_manage_record(user):
        if facts.may_close_now:
            actions.append("close")
        actions += ["extend", "cancel"]
    return actions


# --- history -------------------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {"updated_at"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def history_records(obj: Model) -> QuerySet:
    """The history rows of one object, newest first."""
    return obj.history.select_related("history_user").order_by("-history_date", "-history_id")


def _previous_record(obj: Model, record):
    return (
        obj.history.filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


def _m2m_values(record_model, records: list) -> dict[str, dict[int, list[int]]]:
    """{m2m field: {history id: [related ids]}}: one query per many-to-many field."""
    from simple_history.utils import get_m2m_reverse_field_name

    values: dict[str, dict[int, list[int]]] = {}
    for field in getattr(record_model, "_history_m2m_fields", []):
        if not records:
            break
        through = getattr(records[0], field.name).model
        related = get_m2m_reverse_field_name(field)
        by_record: dict[int, list[int]] = defaultdict(list)
        rows = through.objects.filter(history__in=[r.pk for r in records]).values_list(
            "history_id", f"{related}_id"
        )
        for history_id, related_id in rows.order_by(f"{related}_id"):
            by_record[history_id].append(related_id)
        values[field.name] = by_record
    return values


def _labels(model_fields, records: list, m2m_values) -> dict:
    """{(related model, pk): label} for every related object named in these records."""
    wanted: dict[type, set] = defaultdict(set)
    for field in model_fields:
        if field.is_relation and field.many_to_one:
            for record in records:
                value = getattr(record, field.attname)
                if value is not None:
                    wanted[field.related_model].add(value)
    for name, by_record in m2m_values.items():
        model = next(f for f in model_fields if f.name == name).related_model
        for ids in by_record.values():
            wanted[model].update(ids)
    labels = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            labels[(model, obj.pk)] = str(obj)
    return labels


def _display(field, value, labels) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return ", ".join(_display(field, item, labels) for item in value)
    if field.is_relation:
        return labels.get((field.related_model, value), f"#{value} (since removed)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def history_entries(obj: Model, records: list) -> list[dict]:
    """Who, when, why, and what changed from what to what, for a page of history rows (newest
    first). Costs a fixed number of queries: the previous row, m2m rows, related labels."""
    if not records:
        return []
    previous = _previous_record(obj, records[-1])
    chain = [*records, previous] if previous else list(records)
    model = type(obj)
    fields = [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.name not in HIDDEN_HISTORY_FIELDS
        and (field.many_to_many or hasattr(records[0], field.attname))
    ]
    m2m = _m2m_values(type(records[0]), chain)
    labels = _labels(fields, chain, m2m)

    def value_of(record, field):
        if field.many_to_many:
            return m2m.get(field.name, {}).get(record.pk, [])
        return _json_value(getattr(record, field.attname))

    entries = []
    for index, record in enumerate(records):
        before = chain[index + 1] if index + 1 < len(chain) else None
        changes = []
        for field in fields:
            if field.many_to_many and field.name not in m2m:
                continue
            new = value_of(record, field)
            old = value_of(before, field) if before is not None else None
            if before is None and new in (None, "", []):
                continue
            if before is not None and old == new:
                continue
            changes.append(
                {
                    "field": field.name,
                    "old": old,
                    "new": new,
                    "old_display": _display(field, old, labels),
                    "new_display": _display(field, new, labels),
                }
            )
        entries.append(
            {
                "id": record.history_id,
                "when": record.history_date,
                "who": record.history_user,
                "action": ACTIONS.get(record.history_type, "changed"),
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
    return entries
