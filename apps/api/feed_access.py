"""Feeds that a feed reader can follow: a signed-in session, or a token.

Feed readers rarely send headers, so the feed also takes a read-only token in its address
(`/feed/atom/?token=<secret>`); a read-write token never travels in an address, where proxies
and browser histories would keep it. The request loggers redact it (RedactTokens).
"""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework import exceptions

from .authentication import ApiTokenAuthentication, token_for_secret

NOT_IN_ADDRESS = (
    "Only a read-only token may be given in the feed's address (?token=): a read-write token "
    "would be written into the logs of every proxy on the way. Make a read-only token on the "
    "'Your API tokens' page (/api/token/), or send this one in an 'Authorization: Token' header."
)


def readable_with_token(view):
    """`view` (a feed) for a signed-in person, or for a token in the Authorization header or,
    when read-only, in ?token=. No credentials at all: the login page, as for every page."""

    @login_not_required
    def feed(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            try:
                user = _token_user(request)
            except exceptions.APIException as refused:
                return _refused(refused)
            if user is None:
                return redirect_to_login(request.path)
            request.user = user
        response = view(request, *args, **kwargs)
        # What a member reads is for them: never kept by a shared cache.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    return feed


def _token_user(request: HttpRequest):
    found = ApiTokenAuthentication().authenticate(request)
    if found is not None:
        return found[0]
    secret = request.GET.get("token")
    if secret is None:
        return None
    token = token_for_secret(secret)
    if not token.is_read_only:
        raise exceptions.PermissionDenied(NOT_IN_ADDRESS)
    return token.user


def _refused(refused: exceptions.APIException) -> HttpResponse:
    response = HttpResponse(
        f"{refused.detail}\n", status=refused.status_code, content_type="text/plain; charset=utf-8"
    )
    if refused.status_code == 401:
        response["WWW-Authenticate"] = 'Token realm="feed"'
    return response
