"""Who to tell: the people holding a role on a day; and what a person holds, for the header."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import CharField, Value
from django.utils import timezone

from apps.core.models import in_force_on

from . import permissions
from .roles import ROLE_GROUP_NAMES, Role


def cochair_emails(*, group_id: int, day: datetime.date | None = None) -> list[str]:
    day = day or timezone.localdate()
    return list(
        User.objects.filter(is_active=True, cochair_appointments__group_id=group_id)
        .filter(in_force_on(day, "cochair_appointments"))
        .values_list("email", flat=True)
        .distinct()
    )


def delegate_emails(*, agency_ids: set[int], day: datetime.date | None = None) -> list[str]:
    day = day or timezone.localdate()
    return list(
        User.objects.filter(is_active=True, delegate_appointments__agency_id__in=agency_ids)
        .filter(in_force_on(day, "delegate_appointments"))
        .values_list("email", flat=True)
        .distinct()
    )


def secretariat_emails() -> list[str]:
    return list(
        User.objects.filter(is_active=True, groups__name=ROLE_GROUP_NAMES[Role.SECRETARIAT])
        .values_list("email", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class Person:
    """A signed-in person as the header names them."""

    name: str  # full name, else username
    roles: list[str]  # "secretariat", "co-chair of TWG", ...; empty for a reader


def person_of(*, user: User, day: datetime.date | None = None) -> Person:
    """Their name and the roles they hold on `day` (today), asked of accounts.permissions: at
    most two queries whatever they hold (the role groups, often already read by the page; the
    co-chair and delegate appointments in force, with their acronyms, in one)."""
    roles = []
    if permissions.is_secretariat(user):
        roles.append(Role.SECRETARIAT.label.lower())
    if permissions.is_sam(user):
        roles.append(Role.SAM.label.lower())
    cochair, delegate = "co-chair of", "delegate of"

    def held(appointments, label: str, acronym: str):
        # No ordering: a compound statement's parts may have none (sorted below).
        return appointments.order_by().values_list(Value(label, output_field=CharField()), acronym)

    both = held(permissions.cochair_appointments(user, day), cochair, "group__acronym").union(
        held(permissions.delegate_appointments(user, day), delegate, "agency__acronym")
    )
    acronyms: dict[str, list[str]] = {cochair: [], delegate: []}
    for label, acronym in sorted(both):  # union: each acronym once
        acronyms[label].append(acronym)
    roles += [f"{label} {_listed(names)}" for label, names in acronyms.items() if names]
    return Person(name=user.get_full_name() or user.get_username(), roles=roles)


def _listed(names: list[str]) -> str:
    """Acronyms as read aloud: "TWG", "SWG and TWG", "CWG, SWG and TWG" (the roles themselves
    are comma-separated)."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
