"""A history page: who changed what, when, why, and from what to what.

One place for the web pages and the API. A page of history rows costs a fixed number of
queries, however long the history: the row before the page, one query per many-to-many field,
and one per related model for the labels.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, Model, Q, QuerySet

from .dates import date_as_stored, date_for_people, precision_pairs

HIDDEN_HISTORY_FIELDS = frozenset({"updated_at"})
# The secretariat's notes on a record (SourcedModel.notes): in no one else's history.
SECRETARIAT_ONLY_FIELDS = frozenset({"notes"})
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _lower_first(text: str) -> str:
    # "Loaded from ..." reads on after "Added: "; "ISECG ..." or "SCWG ..." keep their capitals.
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def headline(record) -> str:
    """One line for a history row. A creation is one line, not a list of initial values:
    "Added: loaded from the ISECG record: <publication>", or "Created by <who>: <why>"."""
    reason = (record.history_change_reason or "").strip()
    if record.history_type != "+":
        return reason or ACTIONS.get(record.history_type, "changed")
    user = record.history_user
    if user is None:
        return f"Added: {_lower_first(reason)}" if reason else "Added"
    who = user.get_full_name() or user.username
    return f"Created by {who}: {reason}" if reason else f"Created by {who}"


def field_label(model, name: str) -> str:
    """A field as people read it: its verbose name ("RAG status", "publication date"), never
    its code ("rag", "published_on"). For the history, errors and exports; a name the model
    does not have reads with spaces for underscores."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def when_for_people(moment: datetime.datetime | datetime.date | None) -> str:
    """A moment as people read it: "7 December 2026, 14:05" (a day alone: "7 December 2026")."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime.datetime):
        return date_for_people(moment)
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{date_for_people(moment)}, {moment:%H:%M}"


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


def _display(field, value, labels, precision: str = "day") -> str:
    """The value as a page prints it: a label for a choice or a related row, a date as
    precisely as it is stored ("2026", "Dec 2026", "7 Dec 2026"), never a code or an ISO date."""
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
    if isinstance(field, DateField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if type(field) is DateField:
            return date_as_stored(moment.date(), precision or "day")
        return when_for_people(moment)
    return str(value)


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def history_entries(
    obj: Model,
    records: list,
    *,
    hidden: frozenset[str] = HIDDEN_HISTORY_FIELDS,
    show_notes: bool = False,
) -> list[dict]:
    """Who, when, why, and what changed from what to what, for a page of history rows (newest
    first). Costs a fixed number of queries: the previous row, m2m rows, related labels.

    The secretariat's notes are left out unless `show_notes` (permissions.may_read_notes)."""
    if not records:
        return []
    if not show_notes:
        hidden = hidden | SECRETARIAT_ONLY_FIELDS
    previous = _previous_record(obj, records[-1])
    chain = [*records, previous] if previous else list(records)
    model = type(obj)
    fields = [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.name not in hidden
        and (field.many_to_many or hasattr(records[0], field.attname))
    ]
    m2m = _m2m_values(type(records[0]), chain)
    labels = _labels(fields, chain, m2m)
    # A date prints with the precision stored beside it (target_date with target_precision).
    precision_of = dict(precision_pairs(model))

    def precision(record, field) -> str:
        name = precision_of.get(field.name)
        return getattr(record, name, "day") if name and record is not None else "day"

    def value_of(record, field):
        if field.many_to_many:
            return m2m.get(field.name, {}).get(record.pk, [])
        return _json_value(getattr(record, field.attname))

    dates_of = {precision_field: date_field for date_field, precision_field in precision_of.items()}
    by_name = {field.name: field for field in fields}
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
                    "label": field_label(model, field.name),
                    "old": old,
                    "new": new,
                    "old_display": _display(field, old, labels, precision(before, field)),
                    "new_display": _display(field, new, labels, precision(record, field)),
                }
            )
        changes = _precisions_folded(changes, dates_of, by_name, record, before, precision, labels)
        entries.append(
            {
                "id": record.history_id,
                "when": record.history_date,
                "who": record.history_user,
                "action": ACTIONS.get(record.history_type, "changed"),
                "reason": record.history_change_reason,
                "headline": headline(record),
                "changes": changes,
            }
        )
    return entries


def _precisions_folded(changes, dates_of, by_name, record, before, precision, labels) -> list:
    """A date's precision is said with the date ("2026" → "Dec 2026"), not on a line of its
    own: its change is dropped beside its date's, and alone it shows as the date re-printed."""
    changed = {change["field"] for change in changes}
    folded = []
    for change in changes:
        date_name = dates_of.get(change["field"])
        if date_name is None:
            folded.append(change)
        elif date_name not in changed and date_name in by_name and before is not None:
            field = by_name[date_name]
            old = _json_value(getattr(before, date_name))
            new = _json_value(getattr(record, date_name))
            old_display = _display(field, old, labels, precision(before, field))
            new_display = _display(field, new, labels, precision(record, field))
            if old_display != new_display:
                folded.append(
                    change
                    | {
                        "label": str(field.verbose_name),
                        "old_display": old_display,
                        "new_display": new_display,
                    }
                )
    return folded
