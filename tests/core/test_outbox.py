"""The outbox against a real SMTP server (aiosmtpd on a free port): a mail is a row written with
the change that causes it, delivered once, retried with a growing pause while the server is
down, given up after the bound and shown to the secretariat, and never sent twice by two
senders at once."""

import datetime
import threading

import pytest
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, send_mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import ROLE_GROUP_NAMES, Role
from apps.core import checks
from apps.core.mail import mail_after_commit
from apps.core.mail_data import message_as_data, message_from_data
from apps.core.models import OutboxMail
from apps.core.outbox import STALE_CLAIM, mail_health, outbox_send_waiting
from tests import factories
from tests.reliability.servers import missing
from tests.reliability.smtp import SmtpServer, use_smtp

# Real commits: the send runs after the commit, in-process (no broker), as in the embedded mode.
pytestmark = pytest.mark.django_db(transaction=True)

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def commit_mail(subject: str = "Gap report was submitted", key: str = "") -> OutboxMail:
    with transaction.atomic():
        mail = mail_after_commit(
            to=["secretariat@example.org"], subject=subject, body="Next: open a round.", key=key
        )
    mail.refresh_from_db()
    return mail


def test_a_committed_mail_goes_out_once_and_a_rolled_back_one_never(smtp):
    mail = commit_mail()
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_after_commit(to=["delegate@example.org"], subject="Never", body="Rolled back")
        raise RuntimeError("the change fails")

    [message] = smtp.wait_for(1)
    assert message["Subject"] == "[ISECG] Gap report was submitted"
    assert message["To"] == "secretariat@example.org"
    assert "Next: open a round." in message.get_content()
    assert message["Message-ID"] == mail.message["headers"]["Message-ID"]
    assert (mail.state, mail.attempts, mail.last_error) == ("sent", 1, "")
    assert mail.sent_at is not None
    # The send job finds nothing left to send; the rolled-back change left no row at all.
    assert outbox_send_waiting(ignore_backoff=True).sent == 0
    assert len(smtp.received) == 1
    assert OutboxMail.objects.count() == 1


def test_djangos_own_mails_go_through_the_outbox(smtp, settings):
    settings.EMAIL_BACKEND = "apps.core.mail.OutboxBackend"
    user = factories.UserFactory(username="delegate-esa", email="delegate@esa.example")
    user.set_password("a long enough password")
    user.save()
    form = PasswordResetForm({"email": user.email})
    assert form.is_valid()
    form.save(domain_override="tracker.example.org")
    send_mail("Hello", "Plain", None, ["a@example.org"], html_message="<p>Rich</p>")

    assert list(OutboxMail.objects.values_list("recipients", "state")) == [
        (["a@example.org"], "sent"),
        ([user.email], "sent"),
    ]
    reset, hello = smtp.wait_for(2)
    assert "http://tracker.example.org/accounts/reset/" in reset.get_content()
    assert hello.get_body(("html",)).get_content().strip() == "<p>Rich</p>"


def test_a_message_is_rebuilt_as_it_was_written():
    message = EmailMessage(
        subject="Files", body="See attached", to=["a@example.org"], cc=["b@example.org"],
        bcc=["c@example.org"], reply_to=["r@example.org"], headers={"X-Tracker": "1"},
    )  # fmt: skip
    message.attach("notes.txt", "é text", "text/plain")
    message.attach("scan.pdf", b"%PDF-\x00\xff", "application/pdf")
    rebuilt = message_from_data("Files", message_as_data(message))
    assert (rebuilt.to, rebuilt.cc, rebuilt.bcc, rebuilt.reply_to) == (
        ["a@example.org"], ["b@example.org"], ["c@example.org"], ["r@example.org"],
    )  # fmt: skip
    assert rebuilt.extra_headers["X-Tracker"] == "1"
    assert rebuilt.attachments == message.attachments


def test_smtp_down_the_mail_waits_and_is_retried_with_a_growing_pause(smtp):
    smtp.stop()
    mail = commit_mail()  # the commit stands: the send error is recorded, never raised

    assert (mail.state, mail.attempts) == ("waiting", 1)
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.claimed_at is None  # the claim is released with the result
    first = mail.next_attempt_at
    assert datetime.timedelta(seconds=55) < first - timezone.now() <= datetime.timedelta(minutes=1)
    # Not due yet: the send job leaves it alone.
    assert outbox_send_waiting().retry == 0
    # Due: tried again, and the next pause is twice as long.
    run = outbox_send_waiting(now=first + SECOND)
    mail.refresh_from_db()
    assert (run.retry, run.sent, mail.attempts) == (1, 0, 2)
    assert mail.next_attempt_at == first + SECOND + datetime.timedelta(minutes=2)
    assert mail_health() == "1 waiting, oldest 0 minutes"

    smtp.start()
    run = outbox_send_waiting(now=mail.next_attempt_at + SECOND)
    mail.refresh_from_db()
    assert (run.sent, mail.state, mail.attempts) == (1, "sent", 3)
    assert len(smtp.wait_for(1)) == 1
    assert mail_health() == "ok"


def test_the_send_job_stops_at_a_server_that_cannot_be_reached(smtp):
    smtp.stop()
    mails = [commit_mail(f"Mail {n}") for n in range(4)]
    run = outbox_send_waiting(ignore_backoff=True)
    # One more try, then it stops: the others keep their attempts for the next run.
    assert (run.retry, run.left) == (1, 3)
    attempts = sorted(OutboxMail.objects.values_list("attempts", flat=True))
    assert attempts == [1, 1, 1, 2]
    smtp.start()
    assert outbox_send_waiting(ignore_backoff=True).sent == len(mails)
    assert sorted(smtp.subjects()) == [f"[ISECG] Mail {n}" for n in range(4)]


def test_a_mail_that_keeps_failing_is_given_up_and_shown_to_the_secretariat(smtp, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp.refusing = True  # "451 try again later" to every mail
    mail = commit_mail("Consensus round opened on Gap report")
    outbox_send_waiting(ignore_backoff=True)
    outbox_send_waiting(ignore_backoff=True)
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == ("failed", 3)
    assert "451" in mail.last_error and mail.failed_at is not None
    assert mail_health() == "1 failed"
    assert outbox_send_waiting(ignore_backoff=True).sent == 0  # given up: not tried again
    assert smtp.received == []

    secretariat = factories.UserFactory(username="secretariat", is_staff=True)
    secretariat.groups.add(Group.objects.create(name=ROLE_GROUP_NAMES[Role.SECRETARIAT]))
    staff_reader = factories.UserFactory(username="staff-reader", is_staff=True)
    page = as_user(secretariat).get("/admin/core/outboxmail/?state__exact=failed")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Consensus round opened on Gap report" in text
    assert "451 4.3.0 Mailbox busy" in text
    assert as_user(staff_reader).get("/admin/core/outboxmail/").status_code == 403

    # Fixed: the secretariat sends it again from the list, and it goes out once.
    smtp.refusing = False
    done = as_user(secretariat).post(
        "/admin/core/outboxmail/", {"action": "send_again", "_selected_action": [mail.pk]}
    )
    assert done.status_code == 302
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == ("sent", 1)
    assert smtp.subjects() == ["[ISECG] Consensus round opened on Gap report"]
    assert mail_health() == "ok"


def test_a_mail_is_given_up_once_it_has_waited_the_time_bound(smtp, settings):
    smtp.stop()
    mail = commit_mail()
    bound = mail.waiting_since + datetime.timedelta(seconds=settings.MAIL_GIVE_UP_SECONDS)
    assert outbox_send_waiting(now=bound - SECOND, ignore_backoff=True).retry == 1
    assert outbox_send_waiting(now=bound, ignore_backoff=True).failed == 1
    mail.refresh_from_db()
    assert (mail.state, mail.failed_at) == ("failed", bound)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_healthz_says_how_many_mails_wait_and_for_how_long(smtp):
    assert Client().get("/healthz").json()["mail"] == "ok"
    # A mail not tried yet is in flight for its first minute, not late.
    OutboxMail.objects.create(subject="New", recipients=["a@example.org"], message={})
    assert Client().get("/healthz").json()["mail"] == "ok"

    smtp.stop()
    mail = commit_mail()
    OutboxMail.objects.filter(pk=mail.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(minutes=14)
    )
    answer = Client().get("/healthz")
    assert answer.json()["mail"] == "1 waiting, oldest 14 minutes"
    assert answer.status_code == 200  # mail trouble is shown, not a reason to take the web down


def test_the_claim_of_a_sender_that_died_mid_send_is_released(smtp):
    now = timezone.now()
    written = EmailMessage(subject="Stuck", body="b", to=["a@example.org"])
    data = {
        "subject": "Stuck",
        "recipients": ["a@example.org"],
        "message": message_as_data(written),
    }
    dead = OutboxMail.objects.create(
        **data, state="sending", attempts=1, claimed_at=now - datetime.timedelta(minutes=20)
    )
    busy = OutboxMail.objects.create(
        **data | {"subject": "Busy"}, state="sending", attempts=1, claimed_at=now - 60 * SECOND
    )
    run = outbox_send_waiting()
    assert (run.released, run.sent) == (1, 1)
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert (dead.state, dead.attempts, dead.last_error) == ("sent", 2, STALE_CLAIM)
    assert busy.state == "sending"  # a live sender's claim is left alone
    assert smtp.subjects() == ["Stuck"]


def test_two_send_jobs_at_once_send_each_mail_once(smtp):
    if connection.vendor != "postgresql":
        missing("This test needs PostgreSQL: set DATABASE_URL=postgres://...")
    smtp.stop()
    mails = [commit_mail(f"Mail {n:02}") for n in range(20)]
    smtp.delay = 0.05  # each mail takes a while: the two jobs overlap for the whole run
    smtp.start()
    start, runs = threading.Barrier(2), []

    def job():
        start.wait()
        try:
            runs.append(outbox_send_waiting(ignore_backoff=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(smtp.subjects()) == [f"[ISECG] Mail {n:02}" for n in range(20)]
    assert len(set(smtp.message_ids())) == len(mails)
    assert sorted(run.sent for run in runs)[0] > 0, runs  # both jobs really sent
    assert sum(run.sent for run in runs) == len(mails)
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {("sent", 2)}


def test_the_outbox_is_the_one_model_core_holds():
    assert checks.models_live_in_business_apps(None) == []
