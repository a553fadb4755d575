"""The API's entry point, and the JSON 404 for every unknown URL under /api/v1/."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import APIRootView

from .base import ApiView


class Root(ApiView, APIRootView):
    """The API's entry point: a link to every collection."""


@csrf_exempt  # nothing is changed here; a POST to a wrong URL deserves a 404, not a CSRF 403
@login_not_required
def not_found(request, rest: str = ""):
    """Unknown URLs under /api/v1/ answer JSON too, never the HTML 404 page."""
    detail = f"No API endpoint at {request.path}"
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            detail += f"; every API URL ends with a slash: {request.path}/"
    return JsonResponse(
        {
            "detail": f"{detail}. The endpoints are listed at {reverse('api:api-root')} and "
            f"documented at {reverse('api:docs')}.",
            "code": "not_found",
        },
        status=404,
    )
