"""Writes to working groups' outlook items: by the group's co-chairs, with history."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts import permissions
from apps.core.errors import ApplicationError

from .models import OutlookItem, WorkingGroup


def _validated(item: OutlookItem) -> None:
    try:
        item.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()),
            code="invalid",
            extra={"fields": exc.message_dict},
        ) from None


def outlook_item_create(
    *, group: WorkingGroup | None, year: int, text: str, actor, reason: str = ""
) -> OutlookItem:
    """Add a paragraph to a group's outlook for `year` (group None: the ISECG Priorities).

    Who: the group's co-chairs on the day; the secretariat (any group, and the Priorities).
    """
    item = OutlookItem(group=group, year=year, text=(text or "").strip())
    if not permissions.may_edit_outlook_item(actor, item):
        owner = group.acronym if group else "the ISECG Priorities"
        raise ApplicationError(
            f"Only the co-chairs of {owner} and the secretariat may write its outlook.",
            code="forbidden",
        )
    with transaction.atomic():
        last = (
            OutlookItem.objects.select_for_update()
            .filter(group=group, year=year)
            .order_by("-position")
            .first()
        )
        item.position = (last.position + 1) if last else 1
        _validated(item)
        item._history_user = actor
        item._change_reason = reason.strip() or "Outlook paragraph added"
        item.save()
    return item


def outlook_item_update(
    *, item: OutlookItem, actor, text: str, assessment: str = "", assessment_note: str = ""
) -> OutlookItem:
    """Rewrite an outlook paragraph or record its year-end assessment.

    Who: the group's co-chairs on the day; the secretariat.
    """
    if not permissions.may_edit_outlook_item(actor, item):
        owner = item.group.acronym if item.group_id else "the ISECG Priorities"
        raise ApplicationError(
            f"Only the co-chairs of {owner} and the secretariat may change its outlook.",
            code="forbidden",
        )
    with transaction.atomic():
        locked = OutlookItem.objects.select_for_update().get(pk=item.pk)
        locked.text = (text or "").strip()
        locked.assessment = assessment
        locked.assessment_note = (assessment_note or "").strip()
        _validated(locked)
        locked._history_user = actor
        locked._change_reason = "Outlook paragraph edited"
        locked.save()
    return locked
