"""Accounts of an appointment's dates, and settling what the sources disagree on.

An account is what one source says about when the ISECG chair, a co-chair or a head of
delegation began or ended (AppointmentAccount). While the open accounts of one edge give
different dates, the pages and the report checklist show the conflict; the secretariat settles
it here, once: the date chosen (an account's, or one they give) goes into the appointment with
the reason, and every open account of that edge is marked chosen or set aside. The web form,
the API action and any command call these functions; the admin only shows accounts.
"""

import datetime

from django.utils import timezone

from apps.accounts import permissions
from apps.core.dates import DatePrecision, describe_date, stored_date_checked
from apps.core.errors import ApplicationError
from apps.core.limits import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH, length_checked, text_checked
from apps.core.transactions import atomic_retrying

from .appointment_accounts import KINDS, AccountState, AppointmentAccount, AppointmentEdge
from .models import ChairAppointment

DATE_FIELD = {AppointmentEdge.START: "starts_on", AppointmentEdge.END: "ends_on"}
# Only the ISECG chair keeps a precision with its dates; co-chairs and delegates act on days.
PRECISION_FIELD = {AppointmentEdge.START: "starts_precision", AppointmentEdge.END: "ends_precision"}


def kind_of(appointment) -> str:
    """'chair', 'cochair' or 'delegate': the AppointmentAccount field naming this appointment."""
    from apps.agencies.models import DelegateAppointment

    from .models import CoChairAppointment

    for kind, model in (
        ("chair", ChairAppointment),
        ("cochair", CoChairAppointment),
        ("delegate", DelegateAppointment),
    ):
        if isinstance(appointment, model):
            return kind
    raise TypeError(f"{type(appointment).__name__} is not an appointment with accounts")


def _check_may(actor) -> None:
    if not permissions.may_manage_record(actor):
        raise ApplicationError(
            "Only the secretariat records and settles what the sources say about an "
            "appointment's dates; ask the secretariat.",
            code="forbidden",
        )


def _edge_checked(edge: str) -> str:
    if edge not in AppointmentEdge.values:
        message = "Say which date: 'start' or 'end'."
        raise ApplicationError(message, code="invalid", extra={"fields": {"edge": [message]}})
    return edge


def _what(appointment, edge: str) -> str:
    verb = "began" if edge == AppointmentEdge.START else "ended"
    return f"when the {KINDS[kind_of(appointment)]} “{appointment}” {verb}"


@atomic_retrying
def appointment_account_record(
    *,
    appointment,
    edge: str,
    date: datetime.date,
    precision: str,
    words: str,
    source: str,
    actor,
    notes: str = "",
) -> AppointmentAccount:
    """Record what a source says about when `appointment` began or ended, in its words. Who:
    the secretariat. A second account with another date makes the edge a conflict to settle."""
    _check_may(actor)
    edge = _edge_checked(edge)
    stored = stored_date_checked(date, precision, field="date", what="date the source gives")
    if stored is None:
        message = "Give the date the source gives (a year, a month or a day)."
        raise ApplicationError(message, code="invalid", extra={"fields": {"date": [message]}})
    account = AppointmentAccount(
        **{kind_of(appointment): appointment},
        edge=edge,
        date=stored.day,
        precision=stored.precision,
        words=length_checked(
            words, field="words", limit=SUMMARY_MAX_LENGTH, required=True,
            ask="Quote what the source says about the date.",
        ),
        source=length_checked(
            source, field="source", limit=300, required=True,
            ask="Name the source: the publication and its section.",
        ),
        notes=length_checked(notes, field="notes", limit=SUMMARY_MAX_LENGTH, required=False),
    )  # fmt: skip
    account._history_user = actor
    account._change_reason = f"{account.source} on {_what(appointment, edge)}"
    account.save()
    return account


@atomic_retrying
def appointment_dates_settle(
    *,
    appointment,
    edge: str,
    actor,
    reason: str,
    chosen: AppointmentAccount | None = None,
    date: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    now: datetime.datetime | None = None,
) -> list[AppointmentAccount]:
    """Settle the conflict on `appointment`'s start or end (`edge`): with the `chosen` account's
    date, or with the `date` and `precision` the secretariat gives. Writes it into the
    appointment with the reason, marks each open account of that edge chosen or set aside, all
    with history. Who: the secretariat; anyone else is refused and nothing changes."""
    _check_may(actor)
    edge = _edge_checked(edge)
    kind = kind_of(appointment)
    # The appointment first, then its accounts: one order, so two settlings never deadlock.
    locked = type(appointment).objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    accounts = list(
        AppointmentAccount.objects.select_for_update(of=("self",))
        .filter(**{kind: locked}, edge=edge, state=AccountState.OPEN)
        .order_by("pk")
    )
    what = _what(locked, edge)
    if len({(a.date, a.precision) for a in accounts}) < 2:
        raise ApplicationError(
            f"Nothing to settle: the sources do not disagree on {what} (it was settled "
            "already, or only one account is open).",
            code="illegal_move",
        )
    reason = text_checked(
        reason, field="reason", limit=REASON_MAX_LENGTH, required=True,
        ask="Say why this date is the one the record keeps (kept in the history).",
    )  # fmt: skip
    if (chosen is None) == (date is None):
        message = "Choose one of the accounts, or give the date and its precision (not both)."
        raise ApplicationError(message, code="invalid", extra={"fields": {"account": [message]}})
    if chosen is not None:
        chosen = _open_account(chosen, accounts, what)
        date, precision = chosen.date, chosen.precision
    else:
        stored = stored_date_checked(date, precision, field="date", what="date")
        date, precision = stored.day, stored.precision
    _check_fits(locked, edge, date, precision)
    setattr(locked, DATE_FIELD[edge], date)
    if isinstance(locked, ChairAppointment):
        setattr(locked, PRECISION_FIELD[edge], precision)
    settled_as = describe_date(date, precision)
    locked._history_user = actor
    locked._change_reason = f"The sources differed on the {edge}: settled as {settled_as}. {reason}"
    locked.save()
    now = now or timezone.now()
    for account in accounts:
        picked = chosen is not None and account.pk == chosen.pk
        account.state = AccountState.CHOSEN if picked else AccountState.SET_ASIDE
        account.settled_at, account.settled_by, account.settled_reason = now, actor, reason
        account.settled_date, account.settled_precision = date, precision
        account._history_user = actor
        account._change_reason = (
            f"{'Chosen' if picked else 'Set aside'}: {what} settled as {settled_as}. {reason}"
        )
        account.save()
    return accounts


def _open_account(
    chosen: AppointmentAccount, accounts: list[AppointmentAccount], what: str
) -> AppointmentAccount:
    for account in accounts:
        if account.pk == chosen.pk:
            return account
    offered = ", ".join(f"#{a.pk}" for a in accounts)
    message = (
        f"Account #{chosen.pk} is not an open account of {what}: choose one of {offered}, or "
        "give the date."
    )
    raise ApplicationError(message, code="invalid", extra={"fields": {"account": [message]}})


def _check_fits(appointment, edge: str, date: datetime.date, precision: str) -> None:
    """The date the appointment can hold: a day for co-chairs and delegates, and an end after
    the start."""
    message = ""
    if not isinstance(appointment, ChairAppointment) and precision != DatePrecision.DAY:
        message = (
            f"A {KINDS[kind_of(appointment)]} holds exact days (it says who may act on which "
            f"day), and {describe_date(date, precision)} is not one: give the day."
        )
    elif edge == AppointmentEdge.START and appointment.ends_on and date >= appointment.ends_on:
        message = f"The start must come before the end ({appointment.ends_on}): give one before."
    elif edge == AppointmentEdge.END and appointment.starts_on and date <= appointment.starts_on:
        message = f"The end must come after the start ({appointment.starts_on}): give a later one."
    if message:
        raise ApplicationError(message, code="invalid", extra={"fields": {"date": [message]}})
