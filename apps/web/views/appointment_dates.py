"""Settling what the sources disagree on about an appointment's dates: the secretariat's form.

The page is reached from the conflict shown on the group list (the ISECG chair), a group's page
(its co-chairs) or the agency list (delegates); the rule is groups.settling's.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.groups.models import AppointmentAccount
from apps.groups.selectors import ACCOUNT_RELATIONS, Dispute, disputes
from apps.groups.settling import appointment_dates_settle

from ..forms.appointment_dates import OTHER, AppointmentDatesSettleForm
from ..throttling import moves_throttled
from .common import refused


def _back(account: AppointmentAccount) -> str:
    """The page that shows this conflict."""
    if account.kind == "cochair":
        return reverse("web:group", args=[account.cochair.group_id])
    if account.kind == "delegate":
        return reverse("web:agencies")
    return reverse("web:groups")


def _dispute_of(account: AppointmentAccount) -> Dispute | None:
    key = (account.kind, account.appointment.pk, account.edge)
    for dispute in disputes(kind=account.kind):
        if (dispute.kind, dispute.appointment.pk, dispute.edge) == key:
            return dispute
    return None


@moves_throttled
def appointment_dates_settle_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        AppointmentAccount.objects.select_related(*ACCOUNT_RELATIONS), pk=pk
    )
    back = _back(account)
    if not permissions.may_manage_record(request.user):  # who, before anything they sent
        error = ApplicationError(
            "Only the secretariat settles what the sources disagree on.", code="forbidden"
        )
        return refused(request, error, back=back)
    dispute = _dispute_of(account)
    if dispute is None:
        messages.info(request, "The sources no longer disagree on this date: it was settled.")
        return redirect(back)
    form = AppointmentDatesSettleForm(request.POST or None, accounts=dispute.accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = None if data["choice"] == OTHER else _offered(dispute, data["choice"])
        typed = data["date"] if data["choice"] == OTHER else None
        try:
            appointment_dates_settle(
                appointment=dispute.appointment,
                edge=dispute.edge,
                actor=request.user,
                reason=data["reason"],
                chosen=chosen,
                date=typed.day if typed else None,
                precision=typed.precision if typed else "day",
            )
        except ApplicationError as error:
            field = next(iter((error.extra or {}).get("fields") or {}), None)
            field = {"account": "choice"}.get(field, field)
            if field not in form.fields:
                return refused(request, error, back=back)
            form.add_error(field, error.message)
        else:
            messages.success(request, f"{dispute.what}: settled. Every account is kept.")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    context = {"dispute": dispute, "form": form, "back": back}
    return render(request, "web/appointment_dates_settle.html", context, status=status)


def _offered(dispute: Dispute, choice: str) -> AppointmentAccount:
    return next(a for a in dispute.accounts if str(a.pk) == choice)
