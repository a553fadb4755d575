"""Sign-in lockout (django-axes, settings AXES_*): whose address an attempt came from, and what a
person or a script sees when signing in is paused."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    until = timezone.now() + settings.AXES_COOLOFF_TIME
    return (
        f"Too many failed sign-ins for this account or from this address: signing in is paused "
        f"for {minutes} minutes, until {until:%H:%M} UTC. Each further attempt before then "
        "starts the wait again. If you have forgotten your password, ask the ISECG secretariat "
        "to set a new one."
    )


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with the reason and when to try again: JSON for the API, the sign-in page otherwise."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    message = lockout_message()
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
    response["Retry-After"] = retry_after
    return response
