"""The effect of a decided structural change, made once on its effective date.

The lineage (merged into, absorbed by, set up by, split from) is never typed in: it follows
from the decision. Each group or sub-team the change ends gets the change as its status change
and, for a merger or absorption, the group taking over as its successor; a new group gets the
change as its establishment; a mandate change and a new group's first mandate are mandate
versions in force from the effective date. Called with the change locked.
"""

import datetime

from django.db import IntegrityError
from django.utils import timezone

from apps.core.errors import ApplicationError

from .models import ChangeState, GroupStatus, MandateVersion, StructuralChange, WorkingGroup

Kind = StructuralChange.Kind
ENDED_AS = {
    Kind.MERGER: GroupStatus.MERGED,
    Kind.ABSORPTION: GroupStatus.ABSORBED,
    Kind.CLOSURE: GroupStatus.CLOSED,
    Kind.SPLIT: GroupStatus.CLOSED,
}


def _save(row, *, actor, reason: str) -> None:
    row._history_user = actor
    row._change_reason = reason
    row.save()


def take_effect_if_due(change: StructuralChange, *, actor, now: datetime.datetime) -> int:
    """Make the change's effect if it is decided, not yet made, and its date has come."""
    due = (
        change.state == ChangeState.DECIDED
        and change.applied_at is None
        and change.effective_on <= timezone.localdate(now)
    )
    if not due:
        return 0
    why = f"{change.get_kind_display().capitalize()} #{change.pk} took effect"
    try:
        _end_groups(change, actor=actor, why=why)
        _new_groups(change, actor=actor, why=why)
        _rename_or_remandate(change, actor=actor, why=why)
    except IntegrityError as exc:  # e.g. another active group took the acronym meanwhile
        raise ApplicationError(
            f"The change cannot take effect: {exc}. Amend the record, then run it again.",
            code="invalid",
        ) from exc
    change.applied_at = now
    change.version += 1
    _save(change, actor=actor, reason=why)
    return 1


def _end_groups(change: StructuralChange, *, actor, why: str) -> None:
    status = ENDED_AS.get(change.kind)
    if status is None:
        return
    for group in change.groups.all():
        group.status = status
        group.status_change = change
        group.successor = (
            change.into_group if change.kind in (Kind.MERGER, Kind.ABSORPTION) else None
        )
        _save(group, actor=actor, reason=why)
    for team in change.sub_teams.all():
        team.status = GroupStatus.ABSORBED if change.into_group_id else GroupStatus.CLOSED
        team.status_change = change
        _save(team, actor=actor, reason=why)


def _new_groups(change: StructuralChange, *, actor, why: str) -> None:
    for spec in change.new_groups:
        group = WorkingGroup(
            acronym=spec["acronym"],
            name=spec["name"],
            established_on=change.effective_on,
            established_precision=change.effective_precision,
            established_by=change,
        )
        _save(group, actor=actor, reason=why)
        _mandate_from(change, group=group, text=spec["mandate"], actor=actor, why=why)


def _rename_or_remandate(change: StructuralChange, *, actor, why: str) -> None:
    if change.kind not in (Kind.RENAMING, Kind.MANDATE_CHANGE):
        return
    group = change.groups.get()
    if change.kind == Kind.MANDATE_CHANGE:
        # The group itself does not change: its mandate is the versions.
        _mandate_from(change, group=group, text=change.new_mandate, actor=actor, why=why)
        return
    group.name = change.new_name or group.name
    group.acronym = change.new_acronym or group.acronym
    _save(group, actor=actor, reason=why)


def _mandate_from(change, *, group: WorkingGroup, text: str, actor, why: str) -> None:
    version = MandateVersion(
        group=group,
        text=text,
        in_force_from=change.effective_on,
        in_force_precision=change.effective_precision,
        change=change,
        source=change.source,
    )
    _save(version, actor=actor, reason=why)
