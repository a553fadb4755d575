import datetime

from django.db.models import F, Q, QuerySet

from apps.core.models import in_force_on

from .models import ChairAppointment, CoChairAppointment, WorkingGroup


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
