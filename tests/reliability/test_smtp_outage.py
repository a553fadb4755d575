"""The mail server down (EMAIL_HOST on a port nobody listens on): every committed change answers
success, the beat jobs do all their work, the mails wait in the outbox and /healthz says so; the
server started again, each waiting mail goes out exactly once and the reminder round is marked.
Against a real SMTP server (aiosmtpd) stopped and started on the same port, in-process and
through a real gunicorn (embedded mode, and with Redis, a worker, and the broker stopped too)."""

import datetime
import re
import time

import pytest
import requests
from django.contrib.auth.models import User
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import OutboxMail
from apps.core.outbox import MAIL_SENT_HOOKS, outbox_send_waiting
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from apps.plenary.models import ConsensusRound
from apps.plenary.reminders import consensus_rounds_send_reminders
from apps.plenary.services import (
    consensus_round_extend,
    consensus_round_open,
    consensus_rounds_close_expired,
)
from tests import factories
from tests.plenary.test_round_rules import DAY_AFTER, OPENED, open_round

from .client import api_token, post_form, web_session
from .conftest import database_url
from .servers import gunicorn, manage, python_env, stop, wait_until, worker
from .smtp import SmtpServer, use_smtp

WAITING = re.compile(r"^(\d+) waiting, oldest \d+ minutes$")
REMINDER_DAY = datetime.datetime(2026, 3, 20, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def written_message_ids() -> list[str]:
    return sorted(
        m["headers"]["Message-ID"] for m in OutboxMail.objects.values_list("message", flat=True)
    )


def assert_each_mail_went_out_once(smtp: SmtpServer) -> int:
    count = OutboxMail.objects.count()
    smtp.wait_for(count)
    assert sorted(smtp.message_ids()) == written_message_ids()  # each once, none lost
    assert set(OutboxMail.objects.values_list("state", flat=True)) == {"sent"}
    return count


@pytest.mark.django_db(transaction=True)
def test_smtp_down_every_write_stands_and_each_mail_goes_out_once_it_is_back(cast, smtp):
    smtp.stop()
    by_web, by_api = cast.deliverable("wg_review"), cast.deliverable("wg_review")

    # A co-chair submits through the web and through the API: both answer success, once.
    web = Client()
    web.force_login(cast.cochair_twg)
    page = web.post(
        f"/deliverables/{by_web.pk}/move/", {"to": "submitted", "reason": "WG agreed"}, follow=True
    )
    assert page.status_code == 200
    assert "Submitted to the plenary." in page.content.decode()
    api = APIClient()
    api.force_authenticate(cast.cochair_twg)
    answer = api.post(
        f"/api/v1/deliverables/{by_api.pk}/transitions/",
        {"to": "submitted", "reason": "WG agreed"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    for deliverable in (by_web, by_api):
        deliverable.refresh_from_db()
        assert deliverable.state == "submitted"
        assert deliverable.history.latest().history_move == "submit"

    # The deadline job closes 3 of 3 expired rounds; the reminder is written, not yet marked.
    expired = [open_round(cast) for _ in range(3)]
    reminded = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        deadline=datetime.date(2026, 3, 23),
        now=OPENED,
    )
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 3
    assert [ConsensusRound.objects.get(pk=r.pk).state for r in expired] == ["closed"] * 3
    assert consensus_rounds_send_reminders(now=REMINDER_DAY) == 1
    assert consensus_rounds_send_reminders(now=REMINDER_DAY) == 0  # written once
    reminded.refresh_from_db()
    assert reminded.reminder_sent_at is None

    # Every mail waits, each tried once; /healthz says so without failing the probe.
    count = OutboxMail.objects.count()
    # Submissions, rounds opened (one mail per agency), approvals, the reminder (one per agency)
    agencies = len(cast.agencies)
    assert count == 2 + 4 * agencies + 3 + agencies
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {("waiting", 1)}
    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.json()["mail"] == f"{count} waiting, oldest 0 minutes"

    # SMTP is back: the send job sends each mail once; the reminder round is marked.
    smtp.start()
    assert outbox_send_waiting(ignore_backoff=True).sent == count
    assert assert_each_mail_went_out_once(smtp) == count
    reminded.refresh_from_db()
    assert reminded.reminder_sent_at is not None
    assert reminded.history.latest().history_change_reason == (
        "Deadline reminder sent to the delegates."
    )
    assert outbox_send_waiting(ignore_backoff=True).sent == 0
    assert len(smtp.received) == count
    assert Client().get("/healthz").json()["mail"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_reminder_sent_by_a_sender_that_could_not_record_it_is_marked_by_the_next_run(
    cast, smtp, monkeypatch
):
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="plenary",
        deadline=datetime.date(2026, 3, 23),
        now=OPENED,
    )
    # A sender process that never loaded the plenary app cannot tell it the mail went out.
    monkeypatch.delitem(MAIL_SENT_HOOKS, "round-reminder")
    assert consensus_rounds_send_reminders(now=REMINDER_DAY) == 1
    reminders = OutboxMail.objects.filter(key__startswith="round-reminder:")
    assert [reminder.state for reminder in reminders] == ["sent"] * len(cast.agencies)
    round.refresh_from_db()
    assert round.reminder_sent_at is None
    monkeypatch.undo()
    # The next run marks it from the outbox (when the first went out), and writes no second.
    assert consensus_rounds_send_reminders(now=REMINDER_DAY) == 0
    round.refresh_from_db()
    assert round.reminder_sent_at == min(reminder.sent_at for reminder in reminders)
    assert OutboxMail.objects.filter(key__startswith="round-reminder:").count() == len(
        cast.agencies
    )
    assert [s for s in smtp.subjects() if "days left" in s] == [
        f"[ISECG] 3 days left: consensus round on {round.deliverable}"
    ] * len(cast.agencies)


@pytest.mark.django_db(transaction=True)
def test_a_reminder_for_a_deadline_since_extended_does_not_mark_the_round(cast, smtp):
    round = open_round(cast)
    smtp.stop()
    assert consensus_rounds_send_reminders(now=REMINDER_DAY - datetime.timedelta(days=7)) == 1
    consensus_round_extend(
        round=round,
        actor=cast.secretariat,
        deadline=datetime.date(2026, 3, 30),
        reason="Plenary moved",
        now=OPENED,
    )
    smtp.start()
    # The old reminders (one per agency) go out
    assert outbox_send_waiting(ignore_backoff=True).sent == len(cast.agencies)
    round.refresh_from_db()
    assert round.reminder_sent_at is None  # it was not for the deadline now in force
    assert consensus_rounds_send_reminders(now=REMINDER_DAY + datetime.timedelta(days=7)) == 1
    round.refresh_from_db()
    assert round.reminder_sent_at is not None
    # The round's opening mails, then the two reminders: one mail per agency each time.
    smtp.wait_for(3 * len(cast.agencies))
    assert sum("3 days left" in subject for subject in smtp.subjects()) == 2 * len(cast.agencies)


# -- Through a real gunicorn ---------------------------------------------------------------


def _everyone_has_an_address() -> None:
    User.objects.filter(email="").update(email=Concat("username", Value("@example.org")))


def _twg_work(state: str, count: int) -> list[Deliverable]:
    twg = WorkingGroup.objects.get(acronym="TWG", status="active")
    return [factories.DeliverableFactory(state=state, lead_group=twg) for _ in range(count)]


def _smtp_env(smtp: SmtpServer, **overrides) -> dict[str, str]:
    return python_env(
        **{"DATABASE_URL": database_url(), **overrides},
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="5",
    )


def _submit(base: str, session, token: str, by_web: Deliverable, by_api: Deliverable) -> float:
    started = time.monotonic()
    page = post_form(
        session, f"{base}/deliverables/{by_web.pk}/move/", {"to": "submitted", "reason": "Agreed"}
    )
    seconds = time.monotonic() - started
    assert page.status_code == 200, page.text[:500]
    assert "Submitted to the plenary." in page.text and "Traceback" not in page.text
    answer = requests.post(
        f"{base}/api/v1/deliverables/{by_api.pk}/transitions/",
        json={"to": "submitted", "reason": "Agreed"},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "submitted"
    return seconds


def _mail_health(base: str) -> str:
    answer = requests.get(f"{base}/healthz", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["mail"]


@pytest.mark.integration
@pytest.mark.postgres
def test_through_gunicorn_in_the_embedded_mode(seeded, tmp_path):
    """No broker: the request itself tries the send after its commit, and must not fail."""
    _everyone_has_an_address()
    smtp = SmtpServer()  # its port, with nobody listening yet
    env = _smtp_env(smtp, REDIS_URL=None, CACHE_URL=None)
    by_web, by_api = _twg_work("wg_review", 2)
    secretariat = User.objects.get(username="secretariat")
    for deliverable in _twg_work("submitted", 3):
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=secretariat,
            channel="plenary",
            now=timezone.now() - datetime.timedelta(days=30),
        )
    before = set(OutboxMail.objects.values_list("pk", flat=True))
    web, base = gunicorn(env, tmp_path / "gunicorn.log")
    try:
        session = web_session(base, "cochair-twg")
        seconds = _submit(base, session, api_token(base, "cochair-twg"), by_web, by_api)
        closing = manage(env, "close_expired_rounds")
        assert closing.returncode == 0, closing.stderr
        assert "Closed 3 expired consensus round(s)." in closing.stdout
        waiting = OutboxMail.objects.exclude(pk__in=before)
        assert waiting.count() == 2 + 3  # the submissions and the approvals
        assert set(waiting.values_list("state", "attempts")) == {("waiting", 1)}
        assert "ConnectionRefusedError" in waiting.first().last_error
        match = WAITING.match(_mail_health(base))
        assert match and int(match.group(1)) == 5

        smtp.start()
        sending = manage(env, "send_waiting_mail", "--now")
        assert sending.returncode == 0, sending.stderr
        assert sending.stdout.startswith("Sent 5, "), sending.stdout
        smtp.wait_for(5)
        assert sorted(smtp.message_ids()) == sorted(
            m["headers"]["Message-ID"] for m in waiting.values_list("message", flat=True)
        )
        assert _mail_health(base) == "ok"
        print(
            f"FIGURE smtp-outage embedded: submit answered in {seconds:.2f}s, 5 mails kept, 5 sent"
        )
    finally:
        stop(web)
        smtp.stop()


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.redis
def test_through_gunicorn_with_a_worker_and_the_broker_down_too(stack_env, redis_server, tmp_path):
    _everyone_has_an_address()
    smtp = SmtpServer()
    env = _smtp_env(smtp, **stack_env)
    first_web, first_api, second_web, second_api = _twg_work("wg_review", 4)
    web, base = gunicorn(env, tmp_path / "gunicorn.log")
    sender = worker(env, tmp_path / "worker.log", "mail")
    try:
        session = web_session(base, "cochair-twg")
        token = api_token(base, "cochair-twg")
        seconds = _submit(base, session, token, first_web, first_api)
        # The worker tried each once and recorded why it could not send.
        wait_until(
            lambda: set(OutboxMail.objects.values_list("attempts", flat=True)) == {1},
            seconds=60,
            what="the worker's first attempts",
        )
        assert WAITING.match(_mail_health(base)).group(1) == "2"

        # The broker stops too: the writes still answer success; their mails wait unqueued.
        redis_server.stop()
        started = time.monotonic()
        _submit(base, session, token, second_web, second_api)
        broker_down_seconds = time.monotonic() - started
        assert OutboxMail.objects.filter(attempts=0).count() == 2

        redis_server.start()
        smtp.start()
        sending = manage(env, "send_waiting_mail", "--now")
        assert sending.returncode == 0, sending.stderr
        smtp.wait_for(4)
        time.sleep(2)  # nothing else arrives: no mail is sent twice
        assert sorted(smtp.message_ids()) == written_message_ids()
        assert set(OutboxMail.objects.values_list("state", flat=True)) == {"sent"}
        submitted = Deliverable.objects.filter(
            pk__in=[d.pk for d in (first_web, first_api, second_web, second_api)]
        )
        assert set(submitted.values_list("state", flat=True)) == {"submitted"}
        print(
            f"FIGURE smtp-outage with worker: submit answered in {seconds:.2f}s (SMTP down), "
            f"{broker_down_seconds:.2f}s for two submits with Redis down too; 4 mails sent once"
        )
    finally:
        stop(sender)
        stop(web)
        smtp.stop()
