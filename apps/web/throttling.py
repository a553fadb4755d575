"""Web forms that record positions and make moves: the API's per-person rate ("moves"), so a
script driving the forms is held to the same pace. Fails open (apps.accounts.throttles)."""

import functools

from django.shortcuts import render

from apps.accounts.throttles import move_hit, slow_down_message


def moves_throttled(view):
    @functools.wraps(view)
    def throttled(request, *args, **kwargs):
        verdict = move_hit(user=request.user)
        if not verdict.allowed:
            message = slow_down_message(verdict, "positions and moves")
            response = render(request, "web/refused.html", {"message": message}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        return view(request, *args, **kwargs)

    return throttled
