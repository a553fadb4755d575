"""Every agency really told: who can be reached, an opening refused while an agency nobody can
write to is not acknowledged, one logged notice per agency, and who may record that an agency
was told another way. Delivery against a real SMTP server, and the reminders:
test_notices_delivery.py."""

import datetime

import pytest
from django.db import connection

from apps.agencies.models import DelegateAppointment
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH
from apps.core.models import OutboxMail
from apps.plenary.models import AgencyNotice, ConsensusRound
from apps.plenary.notices import (
    agency_addresses,
    notice_log,
    other_channel_record,
    told_agency_ids,
    unreachable_agencies,
)
from apps.plenary.selectors import round_facts
from apps.plenary.services import consensus_round_open, consensus_rounds_close_expired
from tests import factories

from .test_races import race

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DAY = OPENED.date()
DEADLINE = datetime.date(2026, 3, 16)  # the default 14 days
DAY_AFTER = datetime.datetime(2026, 3, 17, 0, 30, tzinfo=datetime.UTC)
SINCE = datetime.date(2025, 1, 1)


def at(day: int, hour: int = 7) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit sets off (the mails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def open_round(cast, committed, **options):
    options.setdefault("unreachable_acknowledged", True)
    with committed():
        return consensus_round_open(
            deliverable=options.pop("deliverable", None) or cast.deliverable("submitted"),
            actor=cast.secretariat,
            channel="written_procedure",
            now=options.pop("now", OPENED),
            **options,
        )


def alternate(agency, username: str, *, starts_on=SINCE, email=None) -> DelegateAppointment:
    person = factories.UserFactory(username=username)
    if email is not None:
        person.email = email
        person.save()
    return factories.DelegateAppointmentFactory(
        person=person, agency=agency, role="alternate", starts_on=starts_on
    )


def end_appointment(agency, on: datetime.date = DAY) -> None:
    DelegateAppointment.objects.filter(agency=agency).update(ends_on=on)


def acronyms(agencies) -> list[str]:
    return sorted(agency.acronym for agency in agencies)


def statuses(round) -> dict[str, list[str]]:
    names = {agency.pk: agency.acronym for agency in round.eligible_agencies.all()}
    return {names[pk]: [s.status for s in states] for pk, states in notice_log(round).items()}


def close_reason(round) -> str:
    assert consensus_rounds_close_expired(now=DAY_AFTER) == 1
    round.refresh_from_db()
    return round.history.latest().history_change_reason


# -- 1. Who can be reached -------------------------------------------------------------------


def test_heads_and_alternates_in_force_with_an_address_make_an_agency_reachable(cast):
    esa, jaxa, nasa = (cast.agencies[a] for a in ("ESA", "JAXA", "NASA"))
    alternate(esa, "alternate-esa")
    end_appointment(jaxa)  # its head's last day was yesterday
    alternate(jaxa, "alternate-jaxa", starts_on=DAY + datetime.timedelta(days=1))  # from tomorrow
    nasa_head = cast.delegates["NASA"]
    nasa_head.is_active = False  # left: the tracker no longer writes to them
    nasa_head.save()
    alternate(nasa, "alternate-nasa", email="")
    # ESA's alternate was CSA's alternate until last year: the ended appointment does not
    # make CSA reachable through the one still in force at ESA.
    csa = factories.AgencyFactory(acronym="CSA", joined_on=datetime.date(2008, 1, 1))
    factories.DelegateAppointmentFactory(
        person=DelegateAppointment.objects.get(person__username="alternate-esa").person,
        agency=csa,
        role="alternate",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=SINCE,
    )
    ids = {esa.pk, jaxa.pk, nasa.pk, csa.pk}

    assert agency_addresses(ids, DAY) == {
        esa.pk: ["alternate-esa@example.org", "delegate-esa@example.org"]
    }
    assert acronyms(unreachable_agencies(ids, DAY)) == ["CSA", "JAXA", "NASA"]
    # On the day: JAXA's head the day before, its alternate the day after.
    before = agency_addresses(ids, DAY - datetime.timedelta(days=1))
    assert before[jaxa.pk] == ["delegate-jaxa@example.org"]
    after = agency_addresses(ids, DAY + datetime.timedelta(days=1))
    assert after[jaxa.pk] == ["alternate-jaxa@example.org"]
    assert csa.pk in agency_addresses({csa.pk}, datetime.date(2022, 1, 1))  # when it was in force


# -- 2. The opening, refused until each unreachable agency is acknowledged ----------------------


def test_an_opening_with_unreachable_agencies_not_acknowledged_is_refused_and_writes_nothing(
    cast, committed, mailoutbox
):
    end_appointment(cast.agencies["NASA"], on=datetime.date(2026, 2, 1))
    factories.AgencyFactory(acronym="CSA", joined_on=datetime.date(2008, 1, 1))  # nobody at all
    deliverable = cast.deliverable("submitted")
    rows = deliverable.history.count()
    for acknowledged, missing in [
        (False, ["CSA", "NASA"]),
        ([], ["CSA", "NASA"]),
        (["CSA"], ["NASA"]),
        (["csa", "NASA "], ["CSA", "NASA"]),  # acronyms as the page shows them, not near ones
    ]:
        with pytest.raises(ApplicationError) as refused:
            open_round(
                cast, committed, deliverable=deliverable, unreachable_acknowledged=acknowledged
            )
        assert refused.value.code == "unreachable_not_acknowledged"
        assert refused.value.extra["unreachable"] == missing
        assert f"tracker can write to: {', '.join(missing)}." in refused.value.message
        assert "Acknowledge them to open the round anyway" in refused.value.message
    assert ConsensusRound.objects.count() == AgencyNotice.objects.count() == 0
    assert OutboxMail.objects.count() == 0 and mailoutbox == []
    deliverable.refresh_from_db()
    assert (deliverable.state, deliverable.history.count()) == ("submitted", rows)

    round = open_round(
        cast, committed, deliverable=deliverable, unreachable_acknowledged=["NASA", "CSA"]
    )
    assert round.history.latest().history_change_reason == (
        "Submitted for plenary consensus (acknowledged as unreachable by the tracker: CSA, NASA)"
    )
    assert len(mailoutbox) == 2  # ESA and JAXA


def test_an_agency_unreachable_since_the_page_was_shown_is_refused(cast, committed):
    csa = factories.AgencyFactory(acronym="CSA", joined_on=datetime.date(2008, 1, 1))
    members = {agency.pk for agency in cast.agencies.values()} | {csa.pk}
    shown = [agency.acronym for agency in unreachable_agencies(members, DAY)]
    assert shown == ["CSA"]
    # Meanwhile NASA's only delegate leaves; the form still sends what the page showed.
    nasa_head = cast.delegates["NASA"]
    nasa_head.is_active = False
    nasa_head.save()
    with pytest.raises(ApplicationError) as refused:
        open_round(cast, committed, unreachable_acknowledged=shown)
    assert refused.value.extra["unreachable"] == ["NASA"]
    assert ConsensusRound.objects.count() == 0


# -- 3. One notice per eligible agency --------------------------------------------------------


def test_the_opening_logs_one_notice_per_eligible_agency_and_one_mail_to_its_people(
    cast, committed, mailoutbox
):
    alternate(cast.agencies["ESA"], "alternate-esa")
    csa = factories.AgencyFactory(acronym="CSA", joined_on=datetime.date(2008, 1, 1))
    former = factories.AgencyFactory(
        acronym="OLD", joined_on=datetime.date(2008, 1, 1), left_on=datetime.date(2020, 1, 1)
    )
    factories.DelegateAppointmentFactory(agency=former, starts_on=SINCE)  # not a member now
    round = open_round(cast, committed, unreachable_acknowledged=["CSA"])

    notices = list(AgencyNotice.objects.filter(round=round).select_related("agency", "mail"))
    assert sorted((n.agency.acronym, n.kind) for n in notices) == [
        ("CSA", "opened"),
        ("ESA", "opened"),
        ("JAXA", "opened"),
        ("NASA", "opened"),
    ]
    by_agency = {n.agency.acronym: n for n in notices}
    assert by_agency["CSA"].mail is None
    assert by_agency["ESA"].mail.recipients == [
        "alternate-esa@example.org",
        "delegate-esa@example.org",
    ]
    assert all(n.history.count() == 1 for n in notices)  # each logged with its history row
    assert statuses(round) == {
        "CSA": ["no address"],
        "ESA": ["delivered"],
        "JAXA": ["delivered"],
        "NASA": ["delivered"],
    }
    assert sorted(m.to for m in mailoutbox) == [
        ["alternate-esa@example.org", "delegate-esa@example.org"],
        ["delegate-jaxa@example.org"],
        ["delegate-nasa@example.org"],
    ]
    assert csa.pk not in told_agency_ids(round)
    facts = round_facts(round=round, today=DAY)
    assert acronyms(facts.silence_not_counted) == ["CSA"]
    assert acronyms(facts.silence_counts) == ["ESA", "JAXA", "NASA"]


# -- 6. Recording another channel: who, when, and what a note may hold --------------------------


@pytest.mark.parametrize(
    "note, says",
    [
        ("", "Say how and when the agency was told"),
        ("   \n ", "Say how and when the agency was told"),
        ("Phoned\x07 the head", "holds control characters (U+0007 at character 7)"),
        ("x" * (NOTE_MAX_LENGTH + 1), f"keep it to {NOTE_MAX_LENGTH}"),
    ],
)
def test_another_channel_needs_a_note_a_person_could_have_written(cast, committed, note, says):
    round = open_round(cast, committed)
    with pytest.raises(ApplicationError) as refused:
        other_channel_record(
            round=round, agency=cast.agencies["NASA"], actor=cast.secretariat, note=note
        )
    assert says in refused.value.message
    assert (refused.value.code, list(refused.value.extra["fields"])) == ("invalid", ["note"])
    assert not AgencyNotice.objects.filter(kind="other_channel").exists()


def test_only_the_secretariat_records_another_channel_for_an_eligible_agency_of_an_open_round(
    cast, committed
):
    end_appointment(cast.agencies["NASA"], on=datetime.date(2026, 2, 1))
    round = open_round(cast, committed)
    nasa = cast.agencies["NASA"]
    note = "Told at the plenary, 4 March"
    for actor in (cast.delegates["ESA"], cast.delegates["NASA"], cast.reader, cast.cochair_twg):
        with pytest.raises(ApplicationError) as refused:
            other_channel_record(round=round, agency=nasa, actor=actor, note=note)
        assert refused.value.code == "forbidden"
    later = factories.AgencyFactory(acronym="HSC", joined_on=datetime.date(2026, 3, 3))
    with pytest.raises(ApplicationError, match="HSC is not eligible") as refused:
        other_channel_record(round=round, agency=later, actor=cast.secretariat, note=note)
    assert not AgencyNotice.objects.filter(kind="other_channel").exists()
    assert "Never told, so their silence is not counted as no objection: NASA." in close_reason(
        round
    )
    with pytest.raises(ApplicationError, match="already closed") as refused:
        other_channel_record(round=round, agency=nasa, actor=cast.secretariat, note=note)
    assert refused.value.code == "illegal_move"
    assert not AgencyNotice.objects.filter(kind="other_channel").exists()


@pytest.mark.django_db(transaction=True)
def test_another_channel_recorded_while_the_round_closes_is_counted_or_refused(cast):
    """The record waits for a close running at that moment: either it is in before the close
    counts (NASA told) or it is refused (NASA never told), never kept beside a close that said
    NASA was never told."""
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL: run with DATABASE_URL=postgres://...")
    end_appointment(cast.agencies["NASA"], on=datetime.date(2026, 2, 1))
    for _ in range(3):
        round = consensus_round_open(
            unreachable_acknowledged=True, deliverable=cast.deliverable("submitted"),
            actor=cast.secretariat, channel="written_procedure", now=OPENED,
        )  # fmt: skip
        closed, recorded = race(
            lambda: consensus_rounds_close_expired(now=DAY_AFTER),
            lambda round=round: other_channel_record(
                round=round, agency=cast.agencies["NASA"], actor=cast.secretariat,
                note="Told at the plenary, 16 March",
            ),
        )  # fmt: skip
        assert closed == 1
        round.refresh_from_db()
        never_told = "Never told" in round.history.latest().history_change_reason
        if isinstance(recorded, Exception):
            assert "already closed" in recorded.message and never_told
        else:
            assert recorded.kind == "other_channel" and not never_told
