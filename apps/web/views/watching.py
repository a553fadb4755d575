"""Watching: the notifications page, the watch forms, and the private feed addresses with the
two feeds they open (Atom of what one watches, ICS of deadlines and meetings)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from apps.watching import feed_addresses, selectors, services
from apps.watching.calendar import calendar_of
from apps.watching.feeds import WatchedFeed
from apps.watching.models import FeedAddress, Watch
from apps.watching.routes import ROUTES

from ..forms.watching import FeedAddressForm, WatchForm
from .common import refused


def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(request.user), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/notifications.html",
        {
            "page": page,
            "query": "",
            "watches": selectors.watches_of(request.user),
            "routes": ROUTES,
        },
    )


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read, then shows what it tells of."""
    try:
        notification = services.notification_open(actor=request.user, notification_id=pk)
    except ApplicationError as error:
        if error.code == "not_found":
            return HttpResponseNotFound(error.message, content_type="text/plain; charset=utf-8")
        return refused(request, error, back=reverse("web:notifications"))
    return redirect(_safe(request, notification.url) or reverse("web:notifications"))


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_read_all(actor=request.user)
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("web:notifications")


def _safe(request: HttpRequest, url: str) -> str:
    """`url` when it is a path on this site, else ""."""
    if (
        url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return ""


@require_POST
def watch(request: HttpRequest) -> HttpResponse:
    """Watch, change how, or stop watching: always the signed-in person's own watch."""
    form = WatchForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(" ".join(e) for e in form.errors.values())
        messages.error(request, f"Not changed: {errors}")
        return redirect(_safe(request, request.POST.get("next", "")) or "web:notifications")
    data = form.cleaned_data
    if data["scope"] == Watch.Scope.DELIVERABLE:
        target = get_object_or_404(Deliverable, pk=data["target"])
    elif data["scope"] == Watch.Scope.GROUP:
        target = get_object_or_404(WorkingGroup, pk=data["target"])
    else:
        target = None
    what = "everything" if target is None else f"“{target}”"
    back = _safe(request, data["next"]) or (
        target.get_absolute_url() if target else reverse("web:notifications")
    )
    try:
        if data["action"] == "stop":
            services.watch_stop(actor=request.user, target=target)
            messages.success(request, f"You no longer watch {what}.")
        else:
            services.watch_start(
                actor=request.user, target=target, level=data["level"], digest=data["digest"]
            )
            how = "in a daily digest" if data["digest"] else "by a mail per change"
            messages.success(request, f"You watch {what}: you will hear of it {how}.")
    except ApplicationError as error:
        return refused(request, error, back=back)
    return redirect(back)


# --- private feed addresses ----------------------------------------------------------------------


def _feed_url(kind: str, secret: str) -> str:
    name = "web:feed-watched" if kind == FeedAddress.Kind.ATOM else "web:feed-calendar"
    return f"{settings.SITE_URL}{reverse(name, args=[secret])}"


def _webcal(url: str) -> str:
    """The webcal:// form of a calendar's address, which calendars offer to subscribe to."""
    return "webcal://" + url.split("://", 1)[-1]


@never_cache  # the answer to an issue holds the secret: no browser or proxy may keep it
@require_http_methods(["GET", "POST"])
def feed_address_page(request: HttpRequest) -> HttpResponse:
    issued = None
    if request.method == "POST":
        form = FeedAddressForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a feed and “Make a new address” or “Revoke”.")
            return redirect("web:feed-addresses")
        kind = form.cleaned_data["kind"]
        label = FeedAddress.Kind(kind).label
        if form.cleaned_data["action"] == "revoke":
            revoked = feed_addresses.feed_address_revoke(actor=request.user, kind=kind)
            messages.success(
                request,
                f"The address of your {label} is revoked: it answers “not found” from now on."
                if revoked
                else f"You had no address for your {label}.",
            )
            return redirect("web:feed-addresses")
        try:
            made = feed_addresses.feed_address_issue(actor=request.user, kind=kind)
        except ApplicationError as error:
            return refused(request, error, back=reverse("web:feed-addresses"))
        url = _feed_url(kind, made.secret)
        issued = {"address": made.address, "url": url, "webcal": _webcal(url)}
    live = feed_addresses.feed_addresses_of(request.user)
    kinds = [
        {"kind": value, "label": label, "live": live.get(value)}
        for value, label in FeedAddress.Kind.choices
    ]
    return render(request, "web/notifications_feeds.html", {"kinds": kinds, "issued": issued})


def _private(response: HttpResponse) -> HttpResponse:
    # What a person reads is theirs: never kept by a shared cache, never indexed.
    patch_cache_control(response, private=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


NO_SUCH_FEED = (
    "No such feed address: it was revoked or replaced, or never existed. Make a new one on the "
    "'Your feeds' page (/feeds/).\n"
)


def _feed_refused() -> HttpResponse:
    return _private(HttpResponseNotFound(NO_SUCH_FEED, content_type="text/plain; charset=utf-8"))


@login_not_required  # the address is the credential: feed readers send no cookie
@require_safe
def feed_watched(request: HttpRequest, token: str) -> HttpResponse:
    user = feed_addresses.feed_user(secret=token, kind=FeedAddress.Kind.ATOM)
    if user is None:
        return _feed_refused()
    return _private(WatchedFeed()(request, user=user))


@login_not_required
@require_safe
def feed_calendar(request: HttpRequest, token: str) -> HttpResponse:
    user = feed_addresses.feed_user(secret=token, kind=FeedAddress.Kind.CALENDAR)
    if user is None:
        return _feed_refused()
    response = HttpResponse(calendar_of(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="isecg-tracker.ics"'
    return _private(response)
