"""Appointments keep both facts when the sources disagree: each account with its date, precision,
words and source; a conflict shown until the secretariat settles it, once, with history."""

import datetime
import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.groups.models import AppointmentAccount, ChairAppointment
from apps.groups.selectors import chair_on, disputed_edges, disputes
from apps.groups.settling import appointment_account_record, appointment_dates_settle, kind_of
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date
OPEN, CHOSEN, SET_ASIDE = "open", "chosen", "set_aside"


def _two_accounts(appointment, edge="start"):
    """Two sources disagreeing on the appointment's `edge`: 2024 (a year) and 4 March 2025."""
    about = {"chair": None, kind_of(appointment): appointment}
    return [
        factories.AppointmentAccountFactory(
            **about, edge=edge, date=day, precision=precision, words=words, source=source
        )
        for day, precision, words, source in (
            (DAY(2024, 1, 1), "year", "As the year concluded…", "ISECG 2024 Annual Report"),
            (DAY(2025, 3, 4), "day", "On 4 March 2025…", "ISECG 2025 Annual Report"),
        )
    ]


# --- the model --------------------------------------------------------------------------------


def test_an_account_is_about_exactly_one_appointment():
    chair = factories.ChairAppointmentFactory()
    cochair = factories.CoChairAppointmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AppointmentAccountFactory(chair=chair, cochair=cochair)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AppointmentAccountFactory(chair=None)


def test_an_account_quotes_its_words_and_names_its_source():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AppointmentAccountFactory(source="")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AppointmentAccountFactory(words="")


# --- the record -------------------------------------------------------------------------------


def test_the_record_keeps_both_accounts_of_the_chair_passing_to_nasa(isecg_record):
    esa, nasa = ChairAppointment.objects.order_by("pk")
    found = disputes(kind="chair")
    assert [(d.appointment, d.edge) for d in found] == [(esa, "end"), (nasa, "start")]
    for dispute in found:
        first, second = dispute.accounts
        assert (first.date, first.precision) == (DAY(2024, 1, 1), "year")
        assert first.source == "ISECG 2024 Annual Report (May 2025), Executive Summary"
        assert first.words.startswith("As the year concluded, the European Space Agency (ESA)")
        assert (second.date, second.precision) == (DAY(2025, 1, 1), "year")
        assert second.source == "ISECG 2025 Annual Report (March 2026), Executive Summary"
        assert second.words.startswith("At the end of 2025, the National Aeronautics")
    assert found[1].what == "When NASA's ISECG chair began"
    # What both support, and no more: each change happened by the end of 2025.
    assert (esa.ends_on, esa.ends_precision) == (DAY(2025, 12, 31), "on_or_before")
    assert (nasa.starts_on, nasa.starts_precision) == (DAY(2025, 12, 31), "on_or_before")
    assert chair_on(DAY(2026, 1, 1)) == nasa


def test_accounts_that_agree_are_no_conflict(cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"])
    for source in ("ISECG 2024 Annual Report", "NASA's ISECG page"):
        factories.AppointmentAccountFactory(chair=chair, source=source)
    assert disputes() == []
    assert disputed_edges(chair) == set()


# --- recording an account ---------------------------------------------------------------------


def test_the_secretariat_records_an_account_with_its_history(cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"])
    account = appointment_account_record(
        appointment=chair, edge="start", date=DAY(2025, 1, 1), precision="year",
        words="At the end of 2025, NASA assumed the chair.", source="ISECG 2025 Annual Report",
        actor=cast.secretariat,
    )  # fmt: skip
    row = account.history.get()
    assert (row.history_user, account.state, account.kind) == (cast.secretariat, OPEN, "chair")


def test_an_account_claims_no_day_its_source_does_not_give(cast):
    chair = factories.ChairAppointmentFactory()
    with pytest.raises(ApplicationError) as refused:
        appointment_account_record(
            appointment=chair, edge="start", date=DAY(2025, 3, 4), precision="year",
            words="In 2025.", source="A report", actor=cast.secretariat,
        )  # fmt: skip
    assert "stored as its first day (1 January 2025)" in refused.value.message


def test_only_the_secretariat_records_an_account(cast):
    chair = factories.ChairAppointmentFactory()
    with pytest.raises(ApplicationError) as refused:
        appointment_account_record(
            appointment=chair, edge="start", date=DAY(2025, 1, 1), precision="year",
            words="In 2025.", source="A report", actor=cast.cochair_twg,
        )  # fmt: skip
    assert refused.value.code == "forbidden"
    assert not AppointmentAccount.objects.exists()


# --- settling ---------------------------------------------------------------------------------


def test_settling_with_an_account_writes_its_date_and_marks_every_account(cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"], starts_on=None)
    first, second = _two_accounts(chair)
    appointment_dates_settle(
        appointment=chair, edge="start", actor=cast.secretariat, chosen=first,
        reason="The 2024 report was written closer to the handover.",
    )  # fmt: skip
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2024, 1, 1), "year")
    latest = chair.history.latest()
    assert latest.history_user == cast.secretariat
    assert latest.history_change_reason == (
        "The sources differed on the start: settled as 2024. The 2024 report was written closer "
        "to the handover."
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (CHOSEN, SET_ASIDE)
    for account in (first, second):
        assert (account.settled_by, account.settled_date) == (cast.secretariat, DAY(2024, 1, 1))
        assert account.settled_reason == "The 2024 report was written closer to the handover."
        assert account.history.latest().history_user == cast.secretariat
    assert disputes() == []


def test_settling_with_a_date_given_sets_every_account_aside(cast):
    chair = factories.ChairAppointmentFactory(starts_on=None)
    accounts = _two_accounts(chair)
    appointment_dates_settle(
        appointment=chair, edge="start", actor=cast.secretariat, date=DAY(2025, 1, 1),
        precision="month", reason="The minutes of the January 2025 plenary say so.",
    )  # fmt: skip
    chair.refresh_from_db()
    assert (chair.starts_on, chair.starts_precision) == (DAY(2025, 1, 1), "month")
    for account in accounts:
        account.refresh_from_db()
        assert (account.state, account.settled_precision) == (SET_ASIDE, "month")


@pytest.mark.parametrize("role", ["reader", "cochair", "delegate", "sam"])
def test_anyone_but_the_secretariat_is_refused_and_nothing_changes(cast, role):
    chair = factories.ChairAppointmentFactory(starts_on=None)
    first, _ = _two_accounts(chair)
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=chair, edge="start", actor=cast.by_role(role), chosen=first, reason="Mine."
        )
    assert refused.value.code == "forbidden"
    chair.refresh_from_db()
    assert chair.starts_on is None
    assert set(AppointmentAccount.objects.values_list("state", flat=True)) == {OPEN}


def test_a_conflict_is_settled_once(cast):
    chair = factories.ChairAppointmentFactory(starts_on=None)
    first, second = _two_accounts(chair)
    appointment_dates_settle(
        appointment=chair, edge="start", actor=cast.secretariat, chosen=first, reason="First."
    )
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=chair, edge="start", actor=cast.secretariat, chosen=second, reason="No."
        )
    assert refused.value.code == "illegal_move"
    assert "Nothing to settle" in refused.value.message
    chair.refresh_from_db()
    assert chair.starts_on == DAY(2024, 1, 1)


def test_an_account_of_another_conflict_is_refused(cast):
    chair = factories.ChairAppointmentFactory(starts_on=None)
    other = factories.ChairAppointmentFactory(agency=cast.agencies["ESA"], starts_on=None)
    _two_accounts(chair)
    foreign, _ = _two_accounts(other)
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=chair, edge="start", actor=cast.secretariat, chosen=foreign, reason="x"
        )
    assert refused.value.extra["fields"]["account"]
    assert not AppointmentAccount.objects.exclude(state=OPEN).exists()


def test_settling_needs_a_reason_and_one_choice(cast):
    chair = factories.ChairAppointmentFactory(starts_on=None)
    first, _ = _two_accounts(chair)
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=chair, edge="start", actor=cast.secretariat, chosen=first, reason="  "
        )
    assert "reason" in refused.value.extra["fields"]
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=chair, edge="start", actor=cast.secretariat, chosen=first,
            date=DAY(2025, 1, 1), reason="Both.",
        )  # fmt: skip
    assert "not both" in refused.value.message


def test_a_cochair_appointment_holds_days_only(cast):
    appointment = cast.twg.cochair_appointments.get()
    year_account, day_account = _two_accounts(appointment)
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=appointment, edge="start", actor=cast.secretariat, chosen=year_account,
            reason="The report says 2024.",
        )  # fmt: skip
    assert "holds exact days" in refused.value.message
    appointment_dates_settle(
        appointment=appointment, edge="start", actor=cast.secretariat, chosen=day_account,
        reason="The minutes give the day.",
    )  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.starts_on == DAY(2025, 3, 4)


def test_a_delegates_end_must_come_after_their_start(cast):
    appointment = cast.delegates["NASA"].delegate_appointments.get()
    _two_accounts(appointment, edge="end")
    with pytest.raises(ApplicationError) as refused:
        appointment_dates_settle(
            appointment=appointment, edge="end", actor=cast.secretariat, date=DAY(2019, 5, 1),
            reason="Typed wrong.",
        )  # fmt: skip
    assert "after the start" in refused.value.message
    appointment.refresh_from_db()
    assert appointment.ends_on is None


# --- the pages and the admin ------------------------------------------------------------------


def test_each_kind_of_conflict_is_shown_where_its_appointment_is(client, cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"], starts_on=None)
    _two_accounts(chair)
    _two_accounts(cast.twg.cochair_appointments.get())
    _two_accounts(cast.delegates["JAXA"].delegate_appointments.get(), edge="end")
    client.force_login(cast.reader)
    pages = {
        "When NASA's ISECG chair began": reverse("web:groups"),
        "When Cochair-Twg's (JAXA) co-chairing of TWG began": reverse(
            "web:group", args=[cast.twg.pk]
        ),
        "When Delegate-Jaxa's appointment as head of delegation of JAXA ended": reverse(
            "web:agencies"
        ),
    }
    for what, url in pages.items():
        page = html.unescape(client.get(url).content.decode())
        assert "Sources differ" in page and what in page, url
        assert "As the year concluded…" in page and "ISECG 2025 Annual Report" in page
        assert "The secretariat settles which date the record keeps." in page
    client.force_login(cast.secretariat)
    assert (
        "Settle which date the record keeps" in client.get(reverse("web:groups")).content.decode()
    )


def test_the_admin_shows_accounts_and_refuses_a_disputed_date(client, cast):
    chair = factories.ChairAppointmentFactory(agency=cast.agencies["NASA"], starts_on=None)
    _two_accounts(chair)
    cast.secretariat.is_staff = True
    cast.secretariat.save()
    client.force_login(cast.secretariat)
    url = reverse("admin:groups_chairappointment_change", args=[chair.pk])
    page = client.get(url).content.decode()
    assert "What the sources say about its dates" in page and "As the year concluded…" in page
    response = client.post(
        url,
        {
            "agency": chair.agency_id, "person_name": "", "starts_on": "2024-12-01",
            "starts_precision": "month", "ends_precision": "day", "source": "", "notes": "",
            "accounts-TOTAL_FORMS": "2", "accounts-INITIAL_FORMS": "2",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "The sources disagree on this appointment&#x27;s start" in response.content.decode()
    chair.refresh_from_db()
    assert chair.starts_on is None
    assert client.get(reverse("admin:groups_appointmentaccount_add")).status_code == 403
