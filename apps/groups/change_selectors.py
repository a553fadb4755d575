"""Reads of structural changes, for the pages, the API and the agenda: lists by state, what a
change does to the groups (its lineage), and the changes that shaped or would shape a group.

Beside selectors.py (the groups' own reads), in a fixed number of queries whatever the number
of changes. A proposal is never told as an event: only a decided change has a lineage in the
record, and only once its effect is made (applied_at) do the groups show it.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from apps.core.dates import DatePrecision

from .changes import ENDING_KINDS
from .models import ChangeState, StructuralChange, SubTeam, WorkingGroup

# Being decided: proposed, in a round, or agreed and awaiting the senior agency managers.
PENDING_STATES = (
    ChangeState.PROPOSED,
    ChangeState.IN_CONSENSUS,
    ChangeState.AWAITING_ENDORSEMENT,
)
# The order the list shows them in: what is being decided first, then what was.
STATE_ORDER = (
    ChangeState.IN_CONSENSUS,
    ChangeState.AWAITING_ENDORSEMENT,
    ChangeState.PROPOSED,
    ChangeState.DECIDED,
    ChangeState.WITHDRAWN,
)


def _affecting(acronym: str = "", group: WorkingGroup | None = None) -> Q:
    """The changes a group is in: among those affected, taking over, or set up by it."""
    if group is not None:
        return Q(groups=group) | Q(into_group=group) | Q(established_groups=group)
    return (
        Q(groups__acronym__iexact=acronym)
        | Q(into_group__acronym__iexact=acronym)
        | Q(established_groups__acronym__iexact=acronym)
    )


def structural_changes(
    *, state: str = "", kind: str = "", group: str = ""
) -> QuerySet[StructuralChange]:
    """Changes with what their pages and the API show (the groups affected, the one taking
    over, the groups and sub-teams ended or set up), the latest effective date first. `group`
    (an acronym): the changes it is in."""
    changes = StructuralChange.objects.select_related(
        "into_group", "proposed_by", "meeting"
    ).prefetch_related(
        "groups",
        Prefetch("sub_teams", queryset=SubTeam.objects.select_related("group")),
        Prefetch("ended_groups", queryset=WorkingGroup.objects.select_related("successor")),
        "established_groups",
    )
    if state:
        changes = changes.filter(state=state)
    if kind:
        changes = changes.filter(kind=kind)
    if group:
        changes = changes.filter(_affecting(acronym=group)).distinct()
    return changes.order_by("-effective_on", "-pk")


@dataclass(frozen=True)
class StateSection:
    state: str
    label: str
    changes: tuple[StructuralChange, ...]


def _listed() -> QuerySet[StructuralChange]:
    """What a line of a list shows (its groups, the one taking over): two queries."""
    return (
        StructuralChange.objects.select_related("into_group")
        .prefetch_related("groups")
        .order_by("-effective_on", "-pk")
    )


def changes_by_state() -> list[StateSection]:
    """Every change under its state, in STATE_ORDER (each section possibly empty)."""
    rows = list(_listed())
    return [
        StateSection(
            state=state,
            label=ChangeState(state).label,
            changes=tuple(c for c in rows if c.state == state),
        )
        for state in STATE_ORDER
    ]


@dataclass(frozen=True)
class NewGroup:
    acronym: str
    name: str
    mandate: str
    group: WorkingGroup | None  # the group it became, once the change is in effect


@dataclass(frozen=True)
class ChangeLineage:
    """What a change does to the groups: the groups it ends and the group taking over, the
    sub-teams it ends, the groups it sets up, a renaming. Made once it is in effect (`made`:
    read from the groups themselves), else what it would make if decided."""

    made: bool
    ending: tuple[WorkingGroup, ...]  # in effect: with their successor (`group.successor`)
    into: WorkingGroup | None
    sub_teams: tuple
    new_groups: tuple[NewGroup, ...]
    new_name: str
    new_acronym: str

    @property
    def empty(self) -> bool:
        return not (self.ending or self.sub_teams or self.new_groups or self.renames)

    @property
    def renames(self) -> bool:
        return bool(self.new_name or self.new_acronym)


def change_lineage(change: StructuralChange) -> ChangeLineage:
    """From a change of structural_changes() (its relations prefetched): no further query."""
    made = change.applied_at is not None
    if made:
        ending = tuple(change.ended_groups.all())
    elif change.kind in ENDING_KINDS:
        ending = tuple(change.groups.all())
    else:
        ending = ()
    established = {g.acronym.upper(): g for g in change.established_groups.all()} if made else {}
    new_groups = tuple(
        NewGroup(
            acronym=spec.get("acronym", ""),
            name=spec.get("name", ""),
            mandate=spec.get("mandate", ""),
            group=established.get(str(spec.get("acronym", "")).upper()),
        )
        for spec in change.new_groups or ()
        if isinstance(spec, dict)
    )
    return ChangeLineage(
        made=made,
        ending=ending,
        into=change.into_group,
        sub_teams=tuple(change.sub_teams.all()) if change.kind in ENDING_KINDS else (),
        new_groups=new_groups,
        new_name=change.new_name if change.kind == StructuralChange.Kind.RENAMING else "",
        new_acronym=change.new_acronym if change.kind == StructuralChange.Kind.RENAMING else "",
    )


def takes_effect_label(change: StructuralChange) -> str:
    """How a decided change stands: "in effect", or when it takes effect ("takes effect on 1
    July 2026", "in 2027", "by 2027"); "" for a change not decided."""
    if change.state != ChangeState.DECIDED:
        return ""
    if change.applied_at is not None:
        return "in effect"
    when = {DatePrecision.DAY: "on ", DatePrecision.MONTH: "in ", DatePrecision.YEAR: "in "}
    return f"takes effect {when.get(change.effective_precision, '')}{change.effective_display}"


@dataclass(frozen=True)
class GroupChanges:
    decided: tuple[StructuralChange, ...]  # its lineage: decided changes it is in
    pending: tuple[StructuralChange, ...]  # proposals it is in, not events


def group_changes(group: WorkingGroup) -> GroupChanges:
    """The decided changes a group is in (merged into, set up by, took others in, renamed,
    mandate changed) and the proposals that would affect it, withdrawn ones left out."""
    rows = list(
        _listed().filter(_affecting(group=group)).exclude(state=ChangeState.WITHDRAWN).distinct()
    )
    return GroupChanges(
        decided=tuple(c for c in rows if c.state == ChangeState.DECIDED),
        pending=tuple(c for c in rows if c.state in PENDING_STATES),
    )
