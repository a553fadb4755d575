import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet

from apps.core.models import in_force_on

from .models import (
    AppointmentAccount,
    ChairAppointment,
    CoChairAppointment,
    MandateVersion,
    WorkingGroup,
    version_in_force,
)


def groups_active_on(day: datetime.date) -> QuerySet[WorkingGroup]:
    """Working groups established by `day` and not yet merged, absorbed or closed on it."""
    return (
        WorkingGroup.objects.filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
        .filter(Q(status_change__isnull=True) | Q(status_change__effective_on__gt=day))
        .select_related("status_change", "successor")
        .order_by("acronym")
    )


def cochairs_of(*, group: WorkingGroup, day: datetime.date) -> QuerySet[CoChairAppointment]:
    """The co-chair appointments of `group` that are in force on `day`."""
    return (
        CoChairAppointment.objects.filter(in_force_on(day), group=group)
        .select_related("person", "agency")
        .order_by("agency__acronym")
    )


def chair_on(day: datetime.date) -> ChairAppointment | None:
    """The ISECG chair appointment in force on `day`, or None if the record has no chair then."""
    return (
        ChairAppointment.objects.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .select_related("agency", "person")
        .order_by(F("starts_on").desc(nulls_last=True))
        .first()
    )


# --- mandates -----------------------------------------------------------------------------------


def mandate_on(group: WorkingGroup, day: datetime.date) -> MandateVersion | None:
    """The group's mandate in force on `day` (from prefetched `mandates` when there are)."""
    return version_in_force(group.mandates.all(), day)


def current_mandate(group: WorkingGroup) -> MandateVersion | None:
    from django.utils import timezone

    return mandate_on(group, timezone.localdate())


def with_mandates(groups: QuerySet[WorkingGroup]) -> QuerySet[WorkingGroup]:
    """`groups` with every mandate version prefetched: one more query for a whole list."""
    return groups.prefetch_related(
        Prefetch("mandates", queryset=MandateVersion.objects.order_by("group_id", "pk"))
    )


def mandates_at(day: datetime.date) -> dict[int, MandateVersion]:
    """Each group's mandate in force on `day`, by group id, in one query."""
    by_group: dict[int, list[MandateVersion]] = {}
    for version in MandateVersion.objects.filter(
        Q(in_force_from__isnull=True) | Q(in_force_from__lte=day)
    ).order_by("group_id", "pk"):
        by_group.setdefault(version.group_id, []).append(version)
    found = {group_id: version_in_force(versions, day) for group_id, versions in by_group.items()}
    return {group_id: version for group_id, version in found.items() if version is not None}


# --- appointments the sources disagree on -----------------------------------------------------


@dataclass
class Dispute:
    """The open accounts of one edge (start or end) of one appointment, which give different
    dates: a conflict the secretariat has yet to settle (groups.settling)."""

    kind: str  # "chair", "cochair" or "delegate" (AppointmentAccount.kind)
    edge: str
    accounts: list[AppointmentAccount]

    @property
    def appointment(self):
        return self.accounts[0].appointment

    @property
    def first(self) -> AppointmentAccount:
        """The account whose page and API action stand for the whole conflict."""
        return self.accounts[0]

    @property
    def what(self) -> str:
        """What is in doubt, as a sentence's subject: "When NASA's ISECG chair began"."""
        a = self.appointment
        verb = "began" if self.edge == AppointmentAccount.Edge.START else "ended"
        if self.kind == "chair":
            return f"When {a.agency.acronym}'s ISECG chair {verb}"
        person = a.person.get_full_name() or a.person.username
        if self.kind == "cochair":
            return f"When {person}'s ({a.agency.acronym}) co-chairing of {a.group.acronym} {verb}"
        role = a.get_role_display()
        return f"When {person}'s appointment as {role} of {a.agency.acronym} {verb}"


ACCOUNT_RELATIONS = (
    "chair__agency",
    "chair__person",
    "cochair__person",
    "cochair__agency",
    "cochair__group",
    "delegate__person",
    "delegate__agency",
)


def disputes(
    *, kind: str = "", group: WorkingGroup | None = None, agency_id: int | None = None
) -> list[Dispute]:
    """The unsettled conflicts, in one query: every appointment edge whose open accounts give
    more than one date. `kind` ("chair", "cochair", "delegate"), `group` (co-chairs of it) and
    `agency_id` (delegates of it) narrow them down."""
    accounts = AppointmentAccount.objects.filter(state=AppointmentAccount.State.OPEN)
    if kind:
        accounts = accounts.filter(**{f"{kind}__isnull": False})
    if group is not None:
        accounts = accounts.filter(cochair__group=group)
    if agency_id is not None:
        accounts = accounts.filter(delegate__agency_id=agency_id)
    edges: dict[tuple, list[AppointmentAccount]] = {}
    for account in accounts.select_related(*ACCOUNT_RELATIONS).order_by("date", "pk"):
        key = (account.kind, account.appointment.pk, account.edge)
        edges.setdefault(key, []).append(account)
    return [
        Dispute(kind=key[0], edge=key[2], accounts=found)
        for key, found in sorted(edges.items(), key=lambda item: item[0])
        if len({(a.date, a.precision) for a in found}) > 1
    ]


def disputed_edges(appointment) -> set[str]:
    """The edges ('start', 'end') of one appointment whose open accounts give different dates."""
    dates: dict[str, set] = {}
    for edge, day, precision in appointment.accounts.filter(
        state=AppointmentAccount.State.OPEN
    ).values_list("edge", "date", "precision"):
        dates.setdefault(edge, set()).add((day, precision))
    return {edge for edge, found in dates.items() if len(found) > 1}
