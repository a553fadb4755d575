import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from apps.accounts.roles import ROLE_GROUP_NAMES, Role
from tests import factories


@pytest.fixture
def isecg_record(db):
    """The real ISECG record from the seeds, loaded as an operator would."""
    call_command("load_record", verbosity=0)


@dataclass
class Cast:
    """A small forum: three member agencies, two groups, and one person per role."""

    agencies: dict
    twg: object
    swg: object
    secretariat: object
    sam: object
    reader: object
    cochair_twg: object
    cochair_swg: object
    delegates: dict  # agency acronym -> delegate user

    def deliverable(self, state: str = "planned", **fields):
        fields.setdefault("lead_group", self.twg)
        return factories.DeliverableFactory(state=state, **fields)

    def by_role(self, role: str):
        return {
            "secretariat": self.secretariat,
            "sam": self.sam,
            "reader": self.reader,
            "cochair": self.cochair_twg,
            "other_cochair": self.cochair_swg,
            "delegate": self.delegates["NASA"],
        }[role]


@pytest.fixture
def cast(db) -> Cast:
    secretariat_group = Group.objects.create(name=ROLE_GROUP_NAMES[Role.SECRETARIAT])
    sam_group = Group.objects.create(name=ROLE_GROUP_NAMES[Role.SAM])
    joined = datetime.date(2007, 5, 1)
    agencies = {
        acronym: factories.AgencyFactory(acronym=acronym, country=country, joined_on=joined)
        for acronym, country in [("ESA", "Europe"), ("JAXA", "Japan"), ("NASA", "USA")]
    }
    twg = factories.WorkingGroupFactory(acronym="TWG")
    swg = factories.WorkingGroupFactory(acronym="SWG")

    def person(username: str):
        return factories.UserFactory(username=username, first_name=username.title())

    secretariat = person("secretariat")
    secretariat.groups.add(secretariat_group)
    sam = person("sam")
    sam.groups.add(sam_group)
    since = datetime.date(2020, 1, 1)
    cochair_twg, cochair_swg = person("cochair-twg"), person("cochair-swg")
    factories.CoChairAppointmentFactory(
        person=cochair_twg, group=twg, agency=agencies["JAXA"], starts_on=since
    )
    factories.CoChairAppointmentFactory(
        person=cochair_swg, group=swg, agency=agencies["ESA"], starts_on=since
    )
    delegates = {}
    for acronym, agency in agencies.items():
        delegates[acronym] = person(f"delegate-{acronym.lower()}")
        factories.DelegateAppointmentFactory(
            person=delegates[acronym], agency=agency, starts_on=since
        )
    return Cast(
        agencies=agencies,
        twg=twg,
        swg=swg,
        secretariat=secretariat,
        sam=sam,
        reader=person("reader"),
        cochair_twg=cochair_twg,
        cochair_swg=cochair_swg,
        delegates=delegates,
    )


@pytest.fixture(autouse=True, scope="session")
def _mail_delivered_to_the_test_outbox():
    """The outbox's sender delivers to django.core.mail.outbox, as Django's test set-up does
    for EMAIL_BACKEND. Tests of real SMTP set MAIL_DELIVERY_BACKEND themselves."""
    from django.conf import settings

    previous = settings.MAIL_DELIVERY_BACKEND
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    settings.MAIL_DELIVERY_BACKEND = previous


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_process():
    """Unit tests run the project's tasks in-process even when REDIS_URL names a broker, so no
    message is left queued for a later worker. Tests of the real broker and worker use celery's
    own worker fixture with its test app (tests/core/test_celery.py and the like)."""
    from isecg_tracker.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_throttle_count_carries_over():
    """Throttle counters (the "throttles" cache) start empty in every test."""
    from django.core.cache import caches

    caches["throttles"].clear()
    yield
    caches["throttles"].clear()
