"""What a person (or a script) sees when the server fails: a plain page or the API's JSON
shape, never a traceback. A database outage is a 503 that says to try again shortly; the
app reconnects by itself (CONN_HEALTH_CHECKS) once the database is back.

server_error must not touch the database: the request may have failed because it is down.
A missing page (page_not_found) is no failure: it is the site's page, with its navigation.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404

UNAVAILABLE = (
    "The database is unreachable for the moment (a restart or maintenance). Nothing you sent "
    "was saved: try again in a minute."
)
FAILED = (
    "Something went wrong on the server and your request was not completed; it has been "
    "logged. Try again, and tell the secretariat if it keeps happening."
)


def _is_outage(exc: BaseException | None) -> bool:
    # OperationalError/InterfaceError are the driver losing its server; other DatabaseErrors
    # (an integrity violation, a bad query) are bugs and stay plain 500s.
    # django-redis chains its errors in a cycle (a cause whose context is the error itself).
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError):
            return False
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled, so sys.exception() is it."""
    outage = _is_outage(sys.exception())
    status, message = (503, UNAVAILABLE) if outage else (500, FAILED)
    if request.path.startswith("/api/") or request.path == "/healthz":
        body = {"detail": message, "code": "unavailable" if outage else "server_error"}
        response = JsonResponse(body, status=status)
    else:
        template = loader.get_template("503.html" if outage else "500.html")
        response = HttpResponse(template.render({"message": message}), status=status)
    if outage:
        response["Retry-After"] = "30"
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the site's page, saying what the view found missing when it said so in a
    sentence ("There is no annual report for 2003: ..."); an unknown address says that."""
    said = ""
    if isinstance(exception, Http404) and not isinstance(exception, Resolver404):
        first = exception.args[0] if exception.args else ""
        said = first if isinstance(first, str) else ""
    return render(request, "404.html", {"message": said}, status=404)
