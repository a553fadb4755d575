"""Structural changes: proposed, put to a consensus round, endorsed, then in force.

A change to ISECG's shape (a group set up, merged, absorbed, split, closed or renamed, a
mandate changed) is a proposal until the plenary decides it: a consensus round under the one
consensus rule (apps/plenary/services.py), then, where the change needs it, the senior agency
managers' endorsement. Only a decided change takes effect, on its effective date
(apps/groups/lineage.py makes the effect); until then nothing in the record says it happened.

    proposed ──round opens──▶ in consensus ──consensus──▶ awaiting endorsement ──SAM──▶ decided
        ▲                         │      └─────consensus, no SAM needed──────────────▶ decided
        └──objected or cancelled──┘
    proposed ──withdrawn──▶ withdrawn
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    date_checked,
    text_checked,
)
from apps.core.models import DatePrecision
from apps.core.transactions import atomic_retrying

from . import lineage
from .models import ChangeState, GroupStatus, StructuralChange, WorkingGroup

Kind = StructuralChange.Kind
# The kinds that end the groups they affect, and those that need a group to take over.
ENDING_KINDS = {Kind.MERGER, Kind.ABSORPTION, Kind.CLOSURE, Kind.SPLIT}
TAKE_OVER_KINDS = {Kind.MERGER, Kind.ABSORPTION}


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})


def _save(change: StructuralChange, *, actor, reason: str) -> None:
    change.version += 1
    change._history_user = actor
    change._change_reason = reason
    change.save()


def may_propose(actor, groups) -> bool:
    """The secretariat, or a co-chair of one of the groups the change affects."""
    if permissions.may_manage_record(actor):
        return True
    cochaired = permissions.cochaired_group_ids(actor)
    return any(group.pk in cochaired for group in groups)


def _new_groups_checked(kind: str, new_groups) -> list[dict]:
    wanted = {Kind.ESTABLISHMENT: (1, 1), Kind.SPLIT: (2, 10)}.get(kind)
    if wanted is None:
        if new_groups:
            raise _invalid("new_groups", f"A {Kind(kind).label} sets up no new group.")
        return []
    if not isinstance(new_groups, list) or not wanted[0] <= len(new_groups) <= wanted[1]:
        count = "one new group" if wanted == (1, 1) else "two or more new groups"
        raise _invalid("new_groups", f"A {Kind(kind).label} names {count}.")
    checked, acronyms = [], set()
    for number, group in enumerate(new_groups, start=1):
        if not isinstance(group, dict):
            raise _invalid("new_groups", f"New group {number}: give acronym, name and mandate.")
        row = {
            key: text_checked(
                group.get(key),
                field="new_groups",
                limit=limit,
                required=True,
                ask=f"New group {number}: give its {key}.",
            )
            for key, limit in (("acronym", 20), ("name", 200), ("mandate", SUMMARY_MAX_LENGTH))
        }
        if row["acronym"].upper() in acronyms:
            raise _invalid("new_groups", f"Two new groups are called {row['acronym']}.")
        acronyms.add(row["acronym"].upper())
        checked.append(row)
    return checked


def _shape_checked(change: StructuralChange, groups: list, sub_teams: list) -> None:
    """What each kind needs, said once for proposing and amending."""
    kind = change.kind
    if kind not in Kind.values:
        raise _invalid("kind", f"Unknown kind '{kind}'; use one of {', '.join(Kind.values)}.")
    needs = {
        Kind.ESTABLISHMENT: (0, 0),
        Kind.SPLIT: (1, 1),
        Kind.RENAMING: (1, 1),
        Kind.MANDATE_CHANGE: (1, 1),
        Kind.PARTIAL_MERGER: (2, 10),
    }.get(kind, (1, 10))
    if not needs[0] <= len(groups) <= needs[1]:
        many = {0: "no existing group", 1: "exactly one group"}.get(needs[1])
        what = many if needs[0] == needs[1] else f"{needs[0]} or more groups"
        raise _invalid("groups", f"A {Kind(kind).label} affects {what}.")
    # The statuses as they are now, not as the caller's copies say.
    ended = WorkingGroup.objects.filter(pk__in=[g.pk for g in groups]).exclude(
        status=GroupStatus.ACTIVE
    )
    inactive = sorted(ended.values_list("acronym", flat=True))
    if inactive:
        raise _invalid("groups", f"Only active groups can change: {', '.join(inactive)} ended.")
    if kind in TAKE_OVER_KINDS:
        if change.into_group is None:
            raise _invalid("into_group", f"A {Kind(kind).label} names the group taking over.")
        into = WorkingGroup.objects.get(pk=change.into_group.pk)
        if into in groups or into.status != GroupStatus.ACTIVE:
            raise _invalid(
                "into_group", "The group taking over must be active and not one of those ending."
            )
    elif change.into_group is not None:
        raise _invalid("into_group", f"A {Kind(kind).label} names no group taking over.")
    stray = [t.name for t in sub_teams if t.group not in groups and t.group != change.into_group]
    if stray:
        raise _invalid("sub_teams", f"Sub-teams of groups the change does not affect: {stray}.")
    if kind == Kind.RENAMING and not (change.new_name or change.new_acronym):
        raise _invalid("new_name", "A renaming gives the new name, the new acronym, or both.")
    if kind == Kind.MANDATE_CHANGE and not change.new_mandate:
        raise _invalid("new_mandate", "A mandate change gives the new mandate.")
    change.new_groups = _new_groups_checked(kind, change.new_groups)


def _texts_checked(change: StructuralChange) -> None:
    # text_checked: a control character (a NUL that PostgreSQL cannot store) is refused.
    change.summary = text_checked(
        change.summary,
        field="summary",
        limit=SUMMARY_MAX_LENGTH,
        required=True,
        ask="Say what changes, as a report would say it.",
    )
    change.notes = text_checked(change.notes, field="notes", limit=NOTE_MAX_LENGTH, required=False)
    change.new_mandate = text_checked(
        change.new_mandate, field="new_mandate", limit=SUMMARY_MAX_LENGTH, required=False
    )
    change.new_name = text_checked(change.new_name, field="new_name", limit=200, required=False)
    change.new_acronym = text_checked(
        change.new_acronym, field="new_acronym", limit=20, required=False
    )
    date_checked(change.effective_on, field="effective_on")
    if change.effective_on is None:
        raise _invalid("effective_on", "Give the day (or month, or year) it is to take effect.")
    if change.effective_precision not in DatePrecision.values:
        raise _invalid("effective_precision", f"Use one of {', '.join(DatePrecision.values)}.")
    try:
        change.full_clean(exclude=["groups", "sub_teams", "version"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise ApplicationError(
            "; ".join(f"{f}: {' '.join(m)}" for f, m in fields.items()),
            code="invalid",
            extra={"fields": fields},
        ) from None


@atomic_retrying
def structural_change_propose(
    *,
    actor,
    kind: str,
    summary: str,
    effective_on: datetime.date,
    effective_precision: str = DatePrecision.DAY,
    groups=(),
    sub_teams=(),
    into_group: WorkingGroup | None = None,
    new_groups=(),
    new_name: str = "",
    new_acronym: str = "",
    new_mandate: str = "",
    needs_sam_endorsement: bool = False,
    notes: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> StructuralChange:
    """Propose a change. Nothing in the record changes until it is decided and due.

    Who: the secretariat, or a co-chair of a group it affects."""
    groups, sub_teams = list(groups), list(sub_teams)
    if not may_propose(actor, groups):
        raise ApplicationError(
            "Only the secretariat, or a co-chair of a group the change affects, may propose it.",
            code="forbidden",
        )
    change = StructuralChange(
        kind=kind,
        summary=summary or "",
        effective_on=effective_on,
        effective_precision=effective_precision or DatePrecision.DAY,
        into_group=into_group,
        new_groups=list(new_groups or []),
        new_name=new_name or "",
        new_acronym=new_acronym or "",
        new_mandate=new_mandate or "",
        needs_sam_endorsement=bool(needs_sam_endorsement),
        notes=notes or "",
        proposed_by=actor,
        proposed_at=now or timezone.now(),
        state=ChangeState.PROPOSED,
        version=0,
    )
    _shape_checked(change, groups, sub_teams)
    _texts_checked(change)
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=False)
    _save(change, actor=actor, reason=reason or "Structural change proposed")
    change.skip_history_when_saving = True  # the links belong to the row just written
    change.groups.set(groups)
    change.sub_teams.set(sub_teams)
    del change.skip_history_when_saving
    return change


def change_for_update(change: StructuralChange, *, expected_version: int | None = None):
    """The change's row, locked until the transaction ends: the first lock of a round on it."""
    locked = StructuralChange.objects.select_for_update(of=("self",)).get(pk=change.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            f"Someone else changed this proposal since you opened it (you have version "
            f"{expected_version}, it is now at version {locked.version}). Reload it, check "
            "their change, and make yours again.",
            code="stale",
            extra={"version": locked.version},
        )
    return locked


def _require_state(change: StructuralChange, state: str, doing: str) -> None:
    if change.state != state:
        raise ApplicationError(
            f"This structural change is {change.state_label}; only a change that is "
            f"{ChangeState(state).label} can {doing}.",
            code="illegal_move",
            extra={"state": change.state},
        )


@atomic_retrying
def structural_change_amend(
    *, change: StructuralChange, actor, expected_version: int, reason: str, **fields
) -> StructuralChange:
    """Rewrite a proposal (after an objection, say) before it goes to a round again.

    `fields` may give summary, effective_on, effective_precision, new_name, new_acronym,
    new_mandate, new_groups, needs_sam_endorsement, notes. Who: as for proposing."""
    locked = change_for_update(change, expected_version=expected_version)
    groups, sub_teams = list(locked.groups.all()), list(locked.sub_teams.all())
    if not may_propose(actor, groups):
        raise ApplicationError("Only those who may propose it may amend it.", code="forbidden")
    _require_state(locked, ChangeState.PROPOSED, "be amended")
    allowed = {
        "summary",
        "effective_on",
        "effective_precision",
        "new_name",
        "new_acronym",
        "new_mandate",
        "new_groups",
        "needs_sam_endorsement",
        "notes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise _invalid(sorted(unknown)[0], f"Cannot amend {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(locked, name, value)
    _shape_checked(locked, groups, sub_teams)
    _texts_checked(locked)
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=True)
    _save(locked, actor=actor, reason=f"Proposal amended: {reason}")
    return locked


@atomic_retrying
def structural_change_withdraw(*, change: StructuralChange, actor, reason: str):
    """Withdraw a proposal that is not in a round. Kept, with its history, as withdrawn."""
    locked = change_for_update(change)
    if not may_propose(actor, list(locked.groups.all())):
        raise ApplicationError("Only those who may propose it may withdraw it.", code="forbidden")
    _require_state(locked, ChangeState.PROPOSED, "be withdrawn")
    reason = text_checked(reason, field="reason", limit=REASON_MAX_LENGTH, required=True)
    locked.state = ChangeState.WITHDRAWN
    _save(locked, actor=actor, reason=f"Withdrawn: {reason}")
    return locked


# --- the round's hooks (called by apps/plenary/services.py, the change locked) ----------------


def change_round_opened(change: StructuralChange, *, actor, reason: str) -> None:
    _require_state(change, ChangeState.PROPOSED, "be put to a consensus round")
    change.state = ChangeState.IN_CONSENSUS
    _save(change, actor=actor, reason=f"Put to a consensus round: {reason}")


def change_round_decided(
    change: StructuralChange, *, consensus: bool, actor, why: str, now: datetime.datetime
) -> None:
    """The round's outcome: an objection sends the proposal back; consensus decides it, or
    waits for the senior agency managers when the change needs them."""
    if not consensus:
        change.state = ChangeState.PROPOSED
        _save(change, actor=actor, reason=f"Not agreed: {why}")
        return
    if change.needs_sam_endorsement:
        change.state = ChangeState.AWAITING_ENDORSEMENT
        _save(change, actor=actor, reason=f"Agreed by consensus, to the SAMs: {why}")
        return
    _decide(change, actor=actor, on=timezone.localdate(now), why=f"Agreed by consensus: {why}")
    lineage.take_effect_if_due(change, actor=actor, now=now)


def change_round_cancelled(change: StructuralChange, *, actor, reason: str) -> None:
    change.state = ChangeState.PROPOSED
    _save(change, actor=actor, reason=f"Round cancelled: {reason}")


def _decide(change: StructuralChange, *, actor, on: datetime.date, why: str) -> None:
    change.state = ChangeState.DECIDED
    change.decided_on = on
    change.decided_precision = DatePrecision.DAY
    _save(change, actor=actor, reason=why)


@atomic_retrying
def structural_change_endorse(
    *,
    change: StructuralChange,
    actor,
    endorsed_on: datetime.date,
    decision: str,
    now: datetime.datetime | None = None,
) -> StructuralChange:
    """Record the senior agency managers' endorsement of a change agreed by consensus; it is
    then decided, and takes effect on its effective date. Who: the secretariat."""
    if not permissions.may_manage_record(actor):
        raise ApplicationError(
            "Only the secretariat may record the SAMs' endorsement.", code="forbidden"
        )
    now = now or timezone.now()
    locked = change_for_update(change)
    _require_state(locked, ChangeState.AWAITING_ENDORSEMENT, "be endorsed")
    date_checked(endorsed_on, field="endorsed_on")
    if endorsed_on is None or endorsed_on > timezone.localdate(now):
        raise _invalid("endorsed_on", "Give the day the SAMs endorsed it: today or earlier.")
    locked.decision = text_checked(
        decision,
        field="decision",
        limit=REASON_MAX_LENGTH,
        required=True,
        ask="Say how the SAMs endorsed it, as a report would say it.",
    )
    locked.endorsed_on = endorsed_on
    _decide(locked, actor=actor, on=endorsed_on, why=f"Endorsed by the SAMs: {locked.decision}")
    lineage.take_effect_if_due(locked, actor=actor, now=now)
    return locked


def structural_changes_take_effect(*, now: datetime.datetime | None = None) -> int:
    """Beat: make the effect of every decided change whose effective date has come."""
    now = now or timezone.now()
    due = StructuralChange.objects.filter(
        state=ChangeState.DECIDED,
        applied_at__isnull=True,
        effective_on__lte=timezone.localdate(now),
    ).values_list("pk", flat=True)
    made = 0
    for pk in list(due):
        with transaction.atomic():
            locked = change_for_update(StructuralChange(pk=pk))
            made += lineage.take_effect_if_due(locked, actor=None, now=now)
    return made
