"""Throttles on the token endpoint, where a password is tried: per client address and per
account, so neither one machine nor many machines can guess a password quickly. Rates are in
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("auth", "auth_username"). Counters live in the default
cache: per process unless CACHES names a shared one."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _AuthThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read when used, not when imported, so the settings in force apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident_of(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = self.ident_of(request)
        return self.cache_format % {"scope": self.scope, "ident": ident} if ident else None


class AuthAddressThrottle(_AuthThrottle):
    scope = "auth"

    def ident_of(self, request) -> str | None:
        return self.get_ident(request)


class AuthUsernameThrottle(_AuthThrottle):
    scope = "auth_username"

    def ident_of(self, request) -> str | None:
        data = request.data  # a malformed body raises here: 400 / 415, as in the view
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        return username.strip().lower()
