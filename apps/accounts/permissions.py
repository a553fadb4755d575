"""Who may do what: the one place that answers it.

Services call these before every write; views, the API, the admin, templates and management
commands ask the same functions, so a rule is never written twice. Co-chair and delegate roles
come from dated appointments: a person co-chairs a group only on the days they are appointed.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from apps.core.models import in_force_on

from .roles import ROLE_GROUP_NAMES, Role

AnyUser = User | AnonymousUser


def _today(day: datetime.date | None) -> datetime.date:
    return day or timezone.localdate()


def _in_role_group(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # Cached per user object: permission checks run many times per request.
    cache = user.__dict__.setdefault("_role_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user.__dict__["_role_groups"] = cache
    return ROLE_GROUP_NAMES[role] in cache


def is_secretariat(user: AnyUser) -> bool:
    """The secretariat group; a superuser (the operator's first account) acts as secretariat."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return _in_role_group(user, Role.SECRETARIAT)


def is_sam(user: AnyUser) -> bool:
    return _in_role_group(user, Role.SAM)


def is_reader(user: AnyUser) -> bool:
    """Any signed-in, active member of the community reads everything."""
    return bool(user.is_authenticated and user.is_active)


def cochair_appointments(user: AnyUser, day: datetime.date | None = None):
    """The co-chair appointments this user holds on `day` (today by default)."""
    from apps.groups.models import CoChairAppointment

    if not is_reader(user):
        return CoChairAppointment.objects.none()
    return CoChairAppointment.objects.filter(in_force_on(_today(day)), person=user)


def cochaired_group_ids(user: AnyUser, day: datetime.date | None = None) -> set[int]:
    """The working groups this user co-chairs on `day` (today by default)."""
    return set(cochair_appointments(user, day).values_list("group_id", flat=True))


def delegate_appointments(user: AnyUser, day: datetime.date | None = None):
    """The delegations this user is in on `day` (today by default): as head of delegation or as
    an alternate."""
    from apps.agencies.models import DelegateAppointment

    if not is_reader(user):
        return DelegateAppointment.objects.none()
    return DelegateAppointment.objects.filter(in_force_on(_today(day)), person=user)


def delegate_agency_ids(user: AnyUser, day: datetime.date | None = None) -> set[int]:
    """The agencies this user may state positions for on `day` (today by default)."""
    return set(delegate_appointments(user, day).values_list("agency_id", flat=True))


def is_cochair_of(user: AnyUser, group_id: int | None, day: datetime.date | None = None) -> bool:
    return group_id is not None and group_id in cochaired_group_ids(user, day)


def may_edit_deliverable(user: AnyUser, deliverable) -> bool:
    """Progress, target date and notes: the lead group's co-chairs, and the secretariat."""
    return is_secretariat(user) or is_cochair_of(user, deliverable.lead_group_id)


def may_edit_outlook_item(user: AnyUser, item) -> bool:
    """A group's outlook: its co-chairs; the ISECG Priorities (no group): the secretariat."""
    if is_secretariat(user):
        return True
    return item.group_id is not None and is_cochair_of(user, item.group_id)


def may_manage_record(user: AnyUser) -> bool:
    """Agencies, groups, appointments, meetings, rounds, publication: the secretariat."""
    return is_secretariat(user)


def may_read_notes(user: AnyUser) -> bool:
    """The secretariat's notes on the record (SourcedModel.notes: how sources were read, what
    they do not say): the secretariat's own, on pages, in the API and in histories."""
    return is_secretariat(user)


def may_draft_report(user: AnyUser) -> bool:
    return is_secretariat(user)


def agencies_user_may_speak_for(user: AnyUser, eligible_agency_ids: set[int]) -> set[int]:
    """In a round with these eligible agencies: the secretariat may record for any of them (as
    stated in a plenary), a delegate for their own agency only."""
    if is_secretariat(user):
        return set(eligible_agency_ids)
    return delegate_agency_ids(user) & set(eligible_agency_ids)


def workflow_actors(user: AnyUser, deliverable) -> set:
    """The workflow roles (deliverables.workflow.Actor) this user holds for this deliverable."""
    from apps.deliverables.workflow import Actor

    actors = set()
    if is_secretariat(user):
        actors.add(Actor.SECRETARIAT)
    if is_sam(user):
        actors.add(Actor.SAM)
    if is_cochair_of(user, deliverable.lead_group_id):
        actors.add(Actor.COCHAIR)
    return actors
