"""Every agency really told, against a real SMTP server (aiosmtpd): a mailbox refused at RCPT
is a bounce, failed at once, and that agency's silence is not counted; a deferred mail counts
once delivered; reminders go to the agencies that have not answered, and mark the round only
once one went out."""

import datetime

import pytest

from apps.core.dates import date_for_people
from apps.core.models import OutboxMail
from apps.core.outbox import outbox_send_waiting
from apps.plenary.models import AgencyNotice
from apps.plenary.notices import notice_log, other_channel_record, told_agency_ids
from apps.plenary.reminders import consensus_rounds_send_reminders
from apps.plenary.selectors import round_facts
from apps.plenary.services import position_record
from tests.reliability.smtp import SmtpServer, _Handler, use_smtp

from .test_notices import (
    DAY,
    DEADLINE,
    acronyms,
    alternate,
    at,
    close_reason,
    end_appointment,
    open_round,
    statuses,
)

pytestmark = pytest.mark.django_db

NO_SUCH_USER = "550 5.1.1 no such user"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit sets off (the mails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class BouncingSmtp(SmtpServer):
    """The tests' SMTP server, which also refuses the addresses in `unknown` at RCPT for good,
    as a server does for a mailbox it does not have."""

    def __init__(self) -> None:
        super().__init__()
        self.unknown: set[str] = set()

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(_Bouncing(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def addressed(self) -> list[str]:
        """The To line of each mail received."""
        return [message["To"] for message in self.received]


class _Bouncing(_Handler):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.server.unknown:
            return NO_SUCH_USER
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    server = BouncingSmtp()
    server.start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


# -- 4. Silence counted only where a mail was delivered (a real SMTP server) -------------------


def test_a_bounced_mail_fails_at_once_and_that_agencys_silence_is_not_counted(
    cast, smtp, committed
):
    nasa = cast.agencies["NASA"]
    smtp.unknown = {cast.delegates["NASA"].email}
    round = open_round(cast, committed)

    [nasa_notice] = notice_log(round)[nasa.pk]
    assert (nasa_notice.status, nasa_notice.delivered) == ("bounced", False)
    mail = OutboxMail.objects.get(pk=nasa_notice.notice.mail_id)
    assert (mail.state, mail.attempts) == ("failed", 1)
    assert NO_SUCH_USER in mail.last_error and "delegate-nasa@example.org" in mail.last_error
    # Failed for good: the send job does not try it again.
    run = outbox_send_waiting(ignore_backoff=True)
    assert (run.sent, run.retry, run.failed) == (0, 0, 0)
    mail.refresh_from_db()
    assert mail.attempts == 1
    assert sorted(smtp.addressed()) == ["delegate-esa@example.org", "delegate-jaxa@example.org"]

    position_record(
        round=round, actor=cast.delegates["ESA"], agency=cast.agencies["ESA"], position="concur",
        now=at(5),
    )  # fmt: skip
    facts = round_facts(round=round, today=DEADLINE)
    assert acronyms(facts.silence_counts) == ["JAXA"]
    assert acronyms(facts.silence_not_counted) == ["NASA"]
    assert close_reason(round) == (
        f"Deadline {date_for_people(DEADLINE)} passed: silence counts as no objection. "
        "No standing objection (1 silent, counted as no objection). "
        "Never told, so their silence is not counted as no objection: NASA."
    )


def test_an_agency_reached_by_one_of_its_people_is_told(cast, smtp, committed):
    alternate(cast.agencies["ESA"], "alternate-esa")
    smtp.unknown = {cast.delegates["ESA"].email}  # the head's mailbox is gone, not the alternate's
    round = open_round(cast, committed)
    assert statuses(round)["ESA"] == ["delivered"]
    assert "alternate-esa@example.org, delegate-esa@example.org" in smtp.addressed()
    assert cast.agencies["ESA"].pk in told_agency_ids(round)


def test_an_agency_the_secretariat_told_another_way_counts(cast, smtp, committed):
    nasa = cast.agencies["NASA"]
    smtp.unknown = {cast.delegates["NASA"].email}
    round = open_round(cast, committed)
    assert nasa.pk not in told_agency_ids(round)

    notice = other_channel_record(
        round=round, agency=nasa, actor=cast.secretariat,
        note="Phoned the head of delegation, 3 March", now=at(3, 9),
    )  # fmt: skip
    assert (notice.kind, notice.recorded_by, notice.mail) == (
        "other_channel",
        cast.secretariat,
        None,
    )
    assert notice.history.latest().history_user == cast.secretariat
    assert statuses(round)["NASA"] == ["bounced", "other channel"]
    assert told_agency_ids(round) == {agency.pk for agency in cast.agencies.values()}
    reason = close_reason(round)
    assert "(3 silent, counted as no objection)." in reason and "Never told" not in reason


def test_a_deferred_mail_waits_and_counts_once_delivered_on_a_later_send(cast, smtp, committed):
    smtp.refusing = True  # "451 4.3.0 Mailbox busy, try again later" for every mail
    round = open_round(cast, committed)
    assert statuses(round) == {a: ["waiting"] for a in ("ESA", "JAXA", "NASA")}
    mails = OutboxMail.objects.filter(state="waiting", attempts=1)
    assert mails.count() == 3 and all("451" in m.last_error for m in mails)
    assert told_agency_ids(round) == set()
    assert len(round_facts(round=round, today=DAY).silence_not_counted) == 3

    smtp.refusing = False
    assert outbox_send_waiting(ignore_backoff=True).sent == 3
    assert statuses(round) == {a: ["delivered"] for a in ("ESA", "JAXA", "NASA")}
    reason = close_reason(round)
    assert "(3 silent, counted as no objection)." in reason and "Never told" not in reason


def test_a_deferred_mail_given_up_is_failed_not_bounced(cast, smtp, committed, settings):
    settings.MAIL_MAX_ATTEMPTS = 1
    smtp.refusing = True
    round = open_round(cast, committed)
    assert statuses(round) == {a: ["failed"] for a in ("ESA", "JAXA", "NASA")}
    assert "Never told, so their silence is not counted" in close_reason(round)


# -- 5. Reminders to the agencies that have not answered ---------------------------------------


def test_the_reminder_goes_to_the_silent_agencies_people_only_and_once(cast, smtp, committed):
    esa, jaxa, nasa = (cast.agencies[a] for a in ("ESA", "JAXA", "NASA"))
    alternate(jaxa, "alternate-jaxa")
    round = open_round(cast, committed)
    position_record(
        round=round, actor=cast.delegates["ESA"], agency=esa, position="concur", now=at(4)
    )
    smtp.received.clear()

    with committed():
        assert consensus_rounds_send_reminders(now=at(12)) == 0  # four days before
        assert consensus_rounds_send_reminders(now=at(13)) == 1
    reminders = OutboxMail.objects.filter(key__startswith="round-reminder:").order_by("key")
    assert [(m.key, m.recipients, m.state) for m in reminders] == sorted(
        [
            (
                f"round-reminder:{round.pk}:2026-03-16:{jaxa.pk}",
                ["alternate-jaxa@example.org", "delegate-jaxa@example.org"],
                "sent",
            ),
            (
                f"round-reminder:{round.pk}:2026-03-16:{nasa.pk}",
                ["delegate-nasa@example.org"],
                "sent",
            ),
        ]
    )
    assert sorted(smtp.addressed()) == [
        "alternate-jaxa@example.org, delegate-jaxa@example.org",
        "delegate-nasa@example.org",
    ]
    assert all(
        s == f"[ISECG] 3 days left: consensus round on {round.deliverable}" for s in smtp.subjects()
    )
    assert "(2 of 3 eligible agencies have not)" in smtp.received[0].get_content()
    assert acronyms(
        n.agency for n in AgencyNotice.objects.filter(round=round, kind="reminder")
    ) == ["JAXA", "NASA"]
    round.refresh_from_db()
    assert round.reminder_sent_at == min(m.sent_at for m in reminders)

    with committed():
        assert consensus_rounds_send_reminders(now=at(13)) == 0
        assert consensus_rounds_send_reminders(now=at(14)) == 0
    assert OutboxMail.objects.filter(key__startswith="round-reminder:").count() == 2
    assert len(smtp.received) == 2


def test_a_round_is_marked_reminded_only_once_a_reminder_went_out(cast, smtp, committed):
    round = open_round(cast, committed)
    smtp.stop()
    with committed():
        assert consensus_rounds_send_reminders(now=at(13)) == 1  # written, not yet sent
    reminders = OutboxMail.objects.filter(key__startswith="round-reminder:")
    assert sorted(reminders.values_list("state", "attempts")) == [("waiting", 1)] * 3
    round.refresh_from_db()
    assert round.reminder_sent_at is None
    with committed():
        assert consensus_rounds_send_reminders(now=at(14)) == 0  # not written twice
    assert reminders.count() == 3

    smtp.start()
    with committed():
        assert outbox_send_waiting(ignore_backoff=True).sent == 3
    round.refresh_from_db()
    assert round.reminder_sent_at == min(m.sent_at for m in reminders)
    assert (
        round.history.latest().history_change_reason == "Deadline reminder sent to the delegates."
    )


def test_round_reminder_days_sets_the_day(cast, committed, settings, mailoutbox):
    settings.ROUND_REMINDER_DAYS = 5
    open_round(cast, committed)
    mailoutbox.clear()
    with committed():
        assert consensus_rounds_send_reminders(now=at(10)) == 0  # six days before
        assert consensus_rounds_send_reminders(now=at(11)) == 1
    assert [m.subject[:20] for m in mailoutbox] == ["[ISECG] 5 days left:"] * 3


def test_a_missed_run_still_reminds_on_a_later_day_before_the_deadline(cast, committed, mailoutbox):
    on_16th = open_round(cast, committed)
    on_15th = open_round(cast, committed, deadline=datetime.date(2026, 3, 15))
    on_14th = open_round(cast, committed, deadline=datetime.date(2026, 3, 14))
    mailoutbox.clear()
    # The beat was down from the 11th to the 14th: the next run, on the 15th, reminds the
    # rounds still open to positions, and not the one whose deadline has passed.
    with committed():
        assert consensus_rounds_send_reminders(now=at(10)) == 0
        assert consensus_rounds_send_reminders(now=at(15)) == 2
    subjects = sorted({m.subject for m in mailoutbox})
    assert subjects == [
        f"[ISECG] 1 day left: consensus round on {on_16th.deliverable}",
        f"[ISECG] Last day: consensus round on {on_15th.deliverable}",
    ]
    on_14th.refresh_from_db()
    assert on_14th.reminder_sent_at is None
    assert not OutboxMail.objects.filter(key__startswith=f"round-reminder:{on_14th.pk}:").exists()


def test_no_reminder_notices_pile_up_when_no_silent_agency_can_be_written_to(cast, committed):
    for agency in cast.agencies.values():
        end_appointment(agency, on=at(5).date())
    round = open_round(cast, committed)
    with committed():
        for day in (13, 14, 15):
            assert consensus_rounds_send_reminders(now=at(day)) == 0
    assert not AgencyNotice.objects.filter(round=round, kind="reminder").exists()
