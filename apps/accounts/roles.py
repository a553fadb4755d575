"""The roles people hold. Dated roles are appointments; the others are Django groups."""

from django.db import models


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secretariat"
    SAM = "sam", "Senior agency manager"
    # Co-chair and delegate are dated appointments (groups.CoChairAppointment,
    # agencies.DelegateAppointment); a reader is any signed-in user.


ROLE_GROUP_NAMES = {Role.SECRETARIAT: "Secretariat", Role.SAM: "Senior agency managers"}
