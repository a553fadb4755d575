"""The API's throttles, counted in the shared "throttles" cache (apps/accounts/throttles.py), so
every worker counts the same requests. Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].

- The token endpoint, where a password is tried: per client address ("auth") and per account
  from one address ("auth_username"); an account is never throttled for requests made from
  elsewhere, so nobody can keep its owner from getting a token. With the counters unreachable
  these refuse for now (503, "try again shortly"): guessing must not go unthrottled.
- Positions and moves: per person ("moves"); with the counters unreachable they let the write
  through (its service checks who may make it anyway).
"""

from rest_framework import exceptions, status
from rest_framework.throttling import BaseThrottle

from apps.accounts import throttles
from apps.accounts.lockout import client_ip


class TryAgainShortly(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "try_again_shortly"
    default_detail = throttles.UNAVAILABLE_MESSAGE

    def __init__(self) -> None:
        super().__init__()
        self.wait = throttles.UNAVAILABLE_RETRY_SECONDS  # sent as Retry-After


class _SignInThrottle(BaseThrottle):
    """Fails safe: refused for now while the counters cannot be reached."""

    scope = ""

    def ident_of(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        self.verdict = throttles.Verdict(True, 0)
        ident = self.ident_of(request) if request.method == "POST" else None
        if ident is None:
            return True
        try:
            self.verdict = throttles.hit(self.scope, ident)
        except throttles.CountersUnavailable:
            raise TryAgainShortly() from None
        return self.verdict.allowed

    def wait(self) -> float | None:
        return self.verdict.retry_after


class AuthAddressThrottle(_SignInThrottle):
    scope = "auth"

    def ident_of(self, request) -> str | None:
        return client_ip(request._request) or "unknown"


class AuthUsernameThrottle(_SignInThrottle):
    scope = "auth_username"

    def ident_of(self, request) -> str | None:
        data = request.data  # a malformed body raises here: 400 / 415, as in the view
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        return f"{username.strip().lower()} from {client_ip(request._request)}"


class MoveThrottle(BaseThrottle):
    """Positions and moves per person; fails open (apps.accounts.throttles.move_hit)."""

    def allow_request(self, request, view) -> bool:
        self.verdict = throttles.Verdict(True, 0)
        if request.method == "POST" and request.user.is_authenticated:
            self.verdict = throttles.move_hit(user=request.user)
        return self.verdict.allowed

    def wait(self) -> float | None:
        return self.verdict.retry_after
