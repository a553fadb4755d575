"""Sign-in lockout (django-axes, settings AXES_* and SIGN_IN_*): whose address an attempt came
from, when signing in is paused, and what a person or a script sees then.

Axes counts wrong passwords per (account, address) (AXES_LOCKOUT_PARAMETERS) and, on a success,
clears only that pair's. This handler adds two wider pauses with higher thresholds, each of
which spares the addresses an account has signed in from before (its usual addresses, from
axes' log of successful sign-ins), so nobody can lock a person out from elsewhere:
- an account, from every address (someone guessing from many machines);
- an address, for every account (one machine trying many accounts).
"""

import datetime
import math
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address the outermost one saw.

    The same rule as the API throttles (REST_FRAMEWORK["NUM_PROXIES"]): X-Forwarded-For is
    only read when proxies are declared, since a client can send any value in it.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR")


ACCOUNT_LIMIT = "SIGN_IN_ACCOUNT_FAILURE_LIMIT"  # settings read when used, as axes reads its own
ADDRESS_LIMIT = "SIGN_IN_ADDRESS_FAILURE_LIMIT"


@dataclass(frozen=True)
class Lock:
    """Why signing in is paused ("pair", "account" or "address") and until when."""

    scope: str
    until: datetime.datetime


def is_usual_address(username: str | None, address: str | None) -> bool:
    """Has this account signed in from this address within SIGN_IN_USUAL_ADDRESS_DAYS?"""
    if not username or not address:
        return False
    since = timezone.now() - datetime.timedelta(days=settings.SIGN_IN_USUAL_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


class SignInLockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, with the account-wide and address-wide pauses."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT: a wider pause counts as reaching it.
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair < limit and self.wider_lock(request, credentials) is not None:
            return limit
        return pair

    def lock_for(self, request, credentials: dict | None = None) -> Lock | None:
        """The pause that refuses this attempt, if any: the pair's first, then the wider ones."""
        username = get_client_username(request, credentials)
        pair = self._recent(request).filter(username=username, ip_address=request.axes_ip_address)
        count, last = _failures(pair)
        if count >= get_failure_limit(request, credentials):
            return Lock("pair", last + get_cool_off(request))
        return self.wider_lock(request, credentials)

    def wider_lock(self, request, credentials: dict | None = None) -> Lock | None:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = self._recent(request)
        wider = []
        if username:
            wider.append(("account", recent.filter(username=username), ACCOUNT_LIMIT))
        if address:
            wider.append(("address", recent.filter(ip_address=address), ADDRESS_LIMIT))
        for scope, rows, limit_setting in wider:
            count, last = _failures(rows)
            if count >= getattr(settings, limit_setting):
                if is_usual_address(username, address):
                    return None  # both wider pauses spare a usual address
                return Lock(scope, last + get_cool_off(request))
        return None

    @staticmethod
    def _recent(request):
        return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def _failures(rows) -> tuple[int, datetime.datetime | None]:
    totals = rows.aggregate(count=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["count"] or 0, totals["last"]


def clear_sign_in_failures(*, username: str) -> int:
    """After a password reset through the e-mailed link: the guesses were against the old
    password, and the person proved they read the account's mail."""
    return AxesProxyHandler.reset_attempts(username=username)


# --- what a person or a script sees -----------------------------------------------------------

WHY = {
    "pair": "Too many wrong passwords for this account from your address: signing in to it "
    "from here is paused until {until} UTC.",
    "account": "Too many wrong passwords for this account from many addresses: signing in to "
    "it is paused until {until} UTC, except from addresses where it has signed in before.",
    "address": "Too many wrong passwords from your address: signing in from here is paused "
    "until {until} UTC, except to accounts that have signed in from here before.",
}


def lockout_message(lock: Lock, *, reset_url: str) -> str:
    return (
        WHY[lock.scope].format(until=f"{lock.until:%H:%M}")
        + " Attempts before then are refused without being tried. To sign in now, reset your "
        f'password with the link e-mailed to you from {reset_url} ("Forgot your password?" '
        "on the sign-in page): it signs you in and lifts the pause."
    )


def current_lock(request: HttpRequest, credentials) -> Lock:
    lock = AxesProxyHandler.get_implementation().lock_for(request, credentials)
    # Axes refused: if the pause ended in between, say the longest it can last from now.
    return lock or Lock("pair", timezone.now() + get_cool_off(request))


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with the reason, until when and what to do: JSON for the API, the sign-in page
    otherwise (the admin's own on /admin/)."""
    lock = current_lock(request, credentials)
    reset_url = request.build_absolute_uri(reverse("password_reset"))
    message = lockout_message(lock, reset_url=reset_url)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "code": "locked_out"}, status=status
        )
    else:
        username = (credentials or {}).get("username") or ""
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
        template = "admin/login.html" if request.path.startswith("/admin/") else None
        if template:
            context |= {"title": "Log in", "site_header": "ISECG deliverables tracker"}
            form.errors["__all__"] = form.error_class([message])
        response = render(request, template or "registration/login.html", context, status=status)
    seconds = (lock.until - timezone.now()).total_seconds()
    response["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response
