"""What several pages share."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.core.errors import ApplicationError


def refused(request: HttpRequest, error: ApplicationError, *, back: str) -> HttpResponse:
    """A refused write: 403 for a move this user may not make, otherwise back with the reason."""
    if error.code == "forbidden":
        return render(request, "web/refused.html", {"message": error.message}, status=403)
    messages.error(request, error.message)
    return redirect(back)


HOME_LIST_LIMIT = 10  # each list on a home page shows this many, then links to the whole list


def _first(queryset) -> dict:
    """The first HOME_LIST_LIMIT rows of a list and how many there are in all."""
    return {"rows": list(queryset[:HOME_LIST_LIMIT]), "total": queryset.count()}
