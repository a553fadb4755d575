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
    name: str  # first and last name, so pages and mails greet a person
    group: str = ""  # working group acronym, for a co-chair
    agency: str = ""  # agency acronym, for a co-chair or delegate


DEMO_ACCOUNTS = (
    DemoAccount("secretariat", "ISECG secretariat", "Sofia Secretariat"),
    DemoAccount("cochair-twg", "co-chair of TWG", "Ana Cochair", group="TWG", agency="JAXA"),
    DemoAccount("cochair-swg", "co-chair of SWG", "Ben Cochair", group="SWG", agency="ESA"),
    DemoAccount("delegate-nasa", "head of the NASA delegation", "Dana Delegate", agency="NASA"),
    DemoAccount("delegate-esa", "head of the ESA delegation", "Erik Delegate", agency="ESA"),
    DemoAccount("sam", "senior agency manager", "Maria Manager"),
    DemoAccount("reader", "reader", "Rui Reader"),
)


def demo_person_fill(user: User, *, name: str) -> bool:
    """Give a demo account a name and an address where it has none (an edit is kept); True
    when anything was missing."""
    first, last = name.split(" ", 1)
    wanted = {"first_name": first, "last_name": last, "email": demo_email(user.username)}
    missing = {field: value for field, value in wanted.items() if not getattr(user, field)}
    for field, value in missing.items():
        setattr(user, field, value)
    return bool(missing)


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
            # A second run changes nothing: the password is set only when it differs (a new
            # hash each time otherwise), the name and address only when missing.
            changed = not user.check_password(password)
            if changed:
                user.set_password(password)
            # An address, so the demo's mails (printed to the console) reach someone.
            changed |= demo_person_fill(user, name=account.name)
            # Only the secretariat administers the record in the admin until roles are enforced
            # there: the others sign in to read.
            staff = account.username == "secretariat"
            if (user.is_staff, user.is_superuser) != (staff, staff):
                user.is_staff = user.is_superuser = staff
                changed = True
            if changed:
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
