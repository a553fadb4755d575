"""Who to tell: the people holding a role on a day."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from apps.core.models import in_force_on

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
