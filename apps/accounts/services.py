"""Demo accounts: one per role, so a newcomer can try every part of the tracker."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from apps.agencies.models import Agency, DelegateAppointment
from apps.groups.models import CoChairAppointment, WorkingGroup

from .roles import ROLE_GROUP_NAMES, Role

DEMO_SOURCE = "demo account (not part of the ISECG record)"
DEMO_APPOINTMENTS_START = datetime.date(2025, 1, 1)


def demo_email(username: str) -> str:
    return f"{username}@demo.example.org"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    group: str = ""  # working group acronym, for a co-chair
    agency: str = ""  # agency acronym, for a co-chair or delegate


DEMO_ACCOUNTS = (
    DemoAccount("secretariat", "ISECG secretariat"),
    DemoAccount("cochair-twg", "co-chair of TWG", group="TWG", agency="JAXA"),
    DemoAccount("cochair-swg", "co-chair of SWG", group="SWG", agency="ESA"),
    DemoAccount("delegate-nasa", "head of the NASA delegation", agency="NASA"),
    DemoAccount("delegate-esa", "head of the ESA delegation", agency="ESA"),
    DemoAccount("sam", "senior agency manager"),
    DemoAccount("reader", "reader"),
)


def demo_accounts_ensure(*, password: str) -> tuple[DemoAccount, ...]:
    """Create or refresh the demo accounts and their appointments; safe to run again.

    For operators (the seed_demo command). Needs the ISECG record loaded (agencies, groups).
    """
    with transaction.atomic():
        role_groups = {
            role: Group.objects.get_or_create(name=name)[0]
            for role, name in ROLE_GROUP_NAMES.items()
        }
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=account.username)
            user.set_password(password)
            # An address, so the demo's mails (printed to the console) reach someone.
            user.email = user.email or demo_email(account.username)
            # Only the secretariat administers the record in the admin until roles are enforced
            # there: the others sign in to read.
            user.is_staff = user.is_superuser = account.username == "secretariat"
            user.save()
            if account.username == "secretariat":
                user.groups.add(role_groups[Role.SECRETARIAT])
            elif account.username == "sam":
                user.groups.add(role_groups[Role.SAM])
            if account.group:
                CoChairAppointment.objects.get_or_create(
                    person=user,
                    group=WorkingGroup.objects.get(acronym=account.group, status="active"),
                    agency=Agency.objects.get(acronym=account.agency),
                    defaults={"starts_on": DEMO_APPOINTMENTS_START, "source": DEMO_SOURCE},
                )
            elif account.agency:
                DelegateAppointment.objects.get_or_create(
                    person=user,
                    agency=Agency.objects.get(acronym=account.agency),
                    defaults={"starts_on": DEMO_APPOINTMENTS_START, "source": DEMO_SOURCE},
                )
    return DEMO_ACCOUNTS
