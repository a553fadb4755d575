"""Writes to working groups' outlook items: by the group's co-chairs, with history."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import (
    NOTE_MAX_LENGTH,
    OUTLOOK_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    length_checked,
    text_checked,
)

from .models import OutlookItem, WorkingGroup

# The first key of the PostgreSQL advisory lock that numbers one year's ISECG Priorities (the
# second key is the year). Any constant works: no other code takes advisory locks in this
# namespace.
PRIORITIES_LOCK_NAMESPACE = 0x15EC6


def _validated(item: OutlookItem, *, exclude: Iterable[str] = ()) -> None:
    try:
        item.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ApplicationError(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()),
            code="invalid",
            extra={"fields": exc.message_dict},
        ) from None


def _text(text: str) -> str:
    return length_checked(
        text,
        field="text",
        limit=OUTLOOK_TEXT_MAX_LENGTH,
        required=True,
        ask="Write the outlook paragraph: what the group plans for the year.",
    )


def _reason(reason: str, default: str) -> str:
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    return reason or default


def check_may_edit_outlook(*, actor, item: OutlookItem) -> None:
    """Refuse (code "forbidden") unless `actor` may write this paragraph's section: what the
    services below ask, for interfaces that ask before parsing a form."""
    if not permissions.may_edit_outlook_item(actor, item):
        owner = item.group.acronym if item.group_id else "the ISECG Priorities"
        raise ApplicationError(
            f"Only the co-chairs of {owner} and the secretariat may write its outlook.",
            code="forbidden",
        )


def _sqlite_writer() -> None:
    """On SQLite, make this transaction the database's one writer before it reads anything.

    SQLite takes no row locks (select_for_update does nothing there) but lets one writer at a
    time. A transaction begins as a reader, and two that both read before they write deadlock:
    one is told "database is locked" at once. Writing first (a write that changes no row)
    makes the others wait their turn instead, up to the busy timeout.
    """
    if connection.vendor != "sqlite":
        return
    table = connection.ops.quote_name(OutlookItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE 0 = 1")  # noqa: S608 (the model's name)


def _lock_section(*, group: WorkingGroup | None, year: int) -> None:
    """Hold, until the transaction ends, the lock that every numbering of this section takes.

    A lock rather than the unique constraint and a bounded retry: with retries, N co-chairs
    adding at once need up to N attempts, so any bound is eventually too small; with the lock,
    each add waits its turn and takes the next position, however many arrive. The unique
    constraints stay as the last guard.

    PostgreSQL: the group's row, FOR NO KEY UPDATE, so rows that merely point at the group
    (deliverables, appointments) are not held up; the ISECG Priorities have no row to lock, so a
    transaction-level advisory lock keyed on the year, which the commit or rollback releases.
    SQLite: the database's write lock (_sqlite_writer), which serialises every write.
    """
    if connection.vendor != "postgresql":
        _sqlite_writer()
    elif group is not None:
        WorkingGroup.objects.select_for_update(of=("self",), no_key=True).get(pk=group.pk)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [PRIORITIES_LOCK_NAMESPACE, year]
            )


def outlook_item_create(
    *, group: WorkingGroup | None, year: int, text: str, actor, reason: str = ""
) -> OutlookItem:
    """Add a paragraph to a group's outlook for `year` (group None: the ISECG Priorities), as
    the last of that year's paragraphs.

    Who: the group's co-chairs on the day; the secretariat (any group, and the Priorities).
    """
    item = OutlookItem(group=group, year=year, text=(text or "").strip())
    check_may_edit_outlook(actor=actor, item=item)
    item.text = _text(text)
    reason = _reason(reason, "Outlook paragraph added")
    # The position is given under the lock below; everything else is checked before it.
    _validated(item, exclude=["position"])
    with transaction.atomic():
        _lock_section(group=group, year=item.year)
        last = OutlookItem.objects.filter(group=group, year=item.year).aggregate(
            last=Max("position")
        )["last"]
        item.position = (last or 0) + 1
        item._history_user = actor
        item._change_reason = reason
        item.save()
    return item


def _stale(item: OutlookItem, *, expected_version: int) -> ApplicationError:
    """The refusal of an edit made from an older copy: it shows what the edit would replace."""
    latest = item.history.select_related("history_user").first()
    who = latest.history_user if latest is not None and latest.history_user else None
    by = f" by {who.get_full_name() or who.username}" if who else ""
    now = f"It now reads: “{item.text}”"
    if item.assessment:
        now += f" Assessment: {item.get_assessment_display()}"
        now += f" ({item.assessment_note})." if item.assessment_note else "."
    return ApplicationError(
        f"Not saved: '{item}' was changed{by} since you opened it (you have version "
        f"{expected_version}, it is now at version {item.version}). {now} Compare it with "
        "yours: saving again replaces it.",
        code="stale",
        extra={
            "version": item.version,
            "text": item.text,
            "assessment": item.assessment,
            "assessment_note": item.assessment_note,
        },
    )


def outlook_item_update(
    *,
    item: OutlookItem,
    actor,
    text: str,
    expected_version: int,
    assessment: str = "",
    assessment_note: str = "",
    partner_groups: Iterable[WorkingGroup] | None = None,
    planned_deliverables: Iterable | None = None,
    reason: str = "",
) -> OutlookItem:
    """Rewrite an outlook paragraph, record its year-end assessment, or (when given) set the
    groups sharing it and the deliverables it plans. Its group, year and position stay.

    `expected_version` is the version the editor started from: an edit over someone else's
    newer one is refused (code "stale"), and the refusal shows their text.

    Who: the group's co-chairs on the day; the secretariat.
    """
    with transaction.atomic():
        _sqlite_writer()
        locked = OutlookItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        check_may_edit_outlook(actor=actor, item=locked)
        if locked.version != expected_version:
            raise _stale(locked, expected_version=expected_version)
        locked.text = _text(text)
        locked.assessment = assessment or ""
        locked.assessment_note = length_checked(
            assessment_note, field="assessment_note", limit=NOTE_MAX_LENGTH, required=False
        )
        reason = _reason(reason, "Outlook paragraph edited")
        _validated(locked)
        # The links are set without a history row of their own: the save below writes the one
        # row of this edit, links included.
        locked.skip_history_when_saving = True
        if partner_groups is not None:
            locked.partner_groups.set(partner_groups)
        if planned_deliverables is not None:
            locked.planned_deliverables.set(planned_deliverables)
        del locked.skip_history_when_saving
        locked.version += 1
        locked._history_user = actor
        locked._change_reason = reason
        locked.save()
    return locked
