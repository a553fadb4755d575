import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from apps.agencies.models import Agency, DelegateAppointment
from apps.deliverables.models import Deliverable
from apps.groups.models import CoChairAppointment

pytestmark = pytest.mark.django_db

ACCOUNTS = ["secretariat", "cochair-twg", "cochair-swg", "delegate-nasa", "delegate-esa", "sam",
            "reader"]  # fmt: skip


def test_seed_demo_loads_the_record_and_one_account_per_role(capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "correct horse battery")
    call_command("seed_demo")
    out = capsys.readouterr().out

    assert Agency.objects.count() == 28
    assert set(User.objects.values_list("username", flat=True)) == set(ACCOUNTS)
    for username in ACCOUNTS:
        assert username in out
        assert authenticate(username=username, password="correct horse battery")
    assert "correct horse battery" not in out  # the operator's own password is not echoed
    twg = CoChairAppointment.objects.get(person__username="cochair-twg")
    assert twg.group.acronym == "TWG"
    nasa = DelegateAppointment.objects.get(person__username="delegate-nasa")
    assert nasa.agency.acronym == "NASA"
    assert User.objects.get(username="secretariat").groups.filter(name="Secretariat").exists()
    assert User.objects.get(username="sam").groups.filter(name="Senior agency managers").exists()
    assert not User.objects.get(username="reader").is_staff


def test_seed_demo_twice_changes_nothing_and_keeps_edits(capsys, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    ger = Deliverable.objects.get(
        title__startswith="Global Exploration Roadmap", edition__icontains="IV"
    )
    ger.status_note = "Survey of readers under way"
    ger.save()
    counts = (Agency.objects.count(), Deliverable.objects.count(), User.objects.count(),
              CoChairAppointment.objects.count(), Deliverable.history.count())  # fmt: skip

    call_command("seed_demo")
    out = capsys.readouterr().out

    assert "already loaded" in out
    assert "isecg-demo" in out
    assert authenticate(username="reader", password="isecg-demo")
    ger.refresh_from_db()
    assert ger.status_note == "Survey of readers under way"
    assert counts == (Agency.objects.count(), Deliverable.objects.count(), User.objects.count(),
                      CoChairAppointment.objects.count(), Deliverable.history.count())  # fmt: skip
