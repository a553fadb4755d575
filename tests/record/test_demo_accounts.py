"""The demo's people have names and addresses, so pages greet them and mail reaches them; mail
with no EMAIL_HOST is printed on the console; `make demo` serves where HOST and PORT say, links
mails there, and drafts the annual report only while that year has none. A second run of
seed_demo changes nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.reports.models import ReportDraft
from tests import factories

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
NAMES = {
    "secretariat": "Sofia Secretariat",
    "cochair-twg": "Ana Cochair",
    "cochair-swg": "Ben Cochair",
    "delegate-nasa": "Dana Delegate",
    "delegate-esa": "Erik Delegate",
    "sam": "Maria Manager",
    "reader": "Rui Reader",
    "head-jaxa": "Jun Head",
    "head-csa": "Claire Head",
    "alternate-nasa": "Alex Alternate",
    "alternate-asi": "Giulia Alternate",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seeded(capsys, monkeypatch, settings) -> str:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.EMAIL_HOST = ""
    call_command("seed_demo")
    return capsys.readouterr().out


def test_every_demo_person_has_a_name_and_an_address(seeded):
    people = {u.username: (u.get_full_name(), u.email) for u in User.objects.all()}
    assert people == {username: (name, f"{username}@demo.example.org")
                      for username, name in NAMES.items()}  # fmt: skip
    assert "cochair-twg    Ana Cochair" in seeded
    assert "e-mail: <username>@demo.example.org" in seeded
    assert "Mail (password resets, round notices) is printed on the server's console" in seeded


def test_a_second_run_changes_no_account_and_keeps_an_edited_name(seeded):
    User.objects.filter(username="cochair-twg").update(first_name="Anna")
    before = list(User.objects.order_by("pk").values())  # the password hash included
    call_command("seed_demo")
    assert list(User.objects.order_by("pk").values()) == before
    assert User.objects.get(username="cochair-twg").get_full_name() == "Anna Cochair"


def test_a_demo_account_is_welcomed_by_name_with_its_roles(seeded):
    browser = Client()
    assert browser.login(username="cochair-twg", password="isecg-demo")
    html = " ".join(browser.get("/").content.decode().split())
    assert "<h1>Welcome, Ana Cochair</h1>" in html
    assert 'Signed in as <strong>Ana Cochair</strong> <span class="roles">(co-chair of TWG)' in html
    assert browser.login(username="delegate-nasa", password="isecg-demo")
    assert "(delegate of NASA)" in browser.get("/").content.decode()


def test_a_demo_account_gets_its_password_reset_mail(seeded):
    response = Client().post(reverse("password_reset"), {"email": "delegate-esa@demo.example.org"})
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["delegate-esa@demo.example.org"]
    assert "account delegate-esa" in sent.body


def test_without_email_host_mail_is_printed_on_the_console():
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_HOST"}
    asked = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.EMAIL_BACKEND, "
         "settings.MAIL_DELIVERY_BACKEND)"],
        cwd=PROJECT, env={**env, "DEBUG": "1"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.split() == [
        "apps.core.mail.OutboxBackend", "django.core.mail.backends.console.EmailBackend",
    ]  # fmt: skip


# --- the annual report make demo drafts --------------------------------------------------------


# The request commits before the task is queued, as in production: real transactions.
@pytest.mark.django_db(transaction=True)
def test_the_annual_report_is_drafted_only_while_the_year_has_no_draft(capsys, settings):
    factories.ReportDraftFactory(year=2025, version=1, state=ReportDraft.State.FAILED)
    call_command("seed_demo", "--annual-report", "2025")  # a failed draft does not count
    assert "Draft #" in capsys.readouterr().out
    drafts = list(ReportDraft.objects.filter(year=2025).order_by("version"))
    assert [(d.version, d.state) for d in drafts] == [(1, "failed"), (2, "done")]

    call_command("seed_demo", "--annual-report", "2025")
    out = capsys.readouterr().out
    assert ReportDraft.objects.filter(year=2025).count() == 2
    assert "The 2025 annual report has a draft already (version 2, done): not drafted again" in out
    assert f"{settings.SITE_URL}/reports/" in out


def test_a_year_without_a_report_is_refused_with_the_reason(capsys):
    with pytest.raises(CommandError, match="2007"):
        call_command("seed_demo", "--annual-report", "1990")
    assert not ReportDraft.objects.exists()


# --- the Makefile ------------------------------------------------------------------------------


def make(tmp_path: Path, target: str, *variables: str, **env: str) -> list[str]:
    """Run `make <target>` with a stand-in python that logs its arguments and SITE_URL instead
    of running anything."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    python = venv / "bin" / "python"
    log = tmp_path / "calls.log"
    python.write_text(f'#!/bin/sh\necho "SITE_URL=$SITE_URL $*" >> {log}\n')
    python.chmod(0o755)
    (venv / ".runtime").touch()  # installed: newer than requirements.lock
    clean = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "HOST")}
    done = subprocess.run(
        ["make", "--no-print-directory", target, f"VENV={venv}", *variables],
        cwd=PROJECT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return log.read_text().splitlines()


def test_make_demo_links_mails_to_where_it_serves_and_drafts_through_seed_demo(tmp_path):
    calls = make(tmp_path, "demo", "HOST=0.0.0.0", "PORT=9000")
    site = "SITE_URL=http://0.0.0.0:9000"
    assert calls == [
        f"{site} manage.py migrate --verbosity 0",
        f"{site} manage.py seed_demo --sample-round --annual-report 2025",
        f"{site} manage.py runserver 0.0.0.0:9000",
    ]


def test_make_run_keeps_a_site_url_that_is_set(tmp_path):
    calls = make(tmp_path, "run", SITE_URL="https://tracker.example.org")
    assert calls == [
        "SITE_URL=https://tracker.example.org manage.py migrate --verbosity 0",
        "SITE_URL=https://tracker.example.org manage.py runserver 127.0.0.1:8000",
    ]
