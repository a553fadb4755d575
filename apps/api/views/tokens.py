"""API tokens: for scripts (POST/DELETE /api/v1/auth/token/, GET /api/v1/auth/tokens/, DELETE
/api/v1/auth/tokens/<id>/) and the 'Your API tokens' page."""

import datetime
import math

from django.contrib import messages
from django.contrib.auth import authenticate
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import permissions
from apps.core.errors import ApplicationError

from ..models import DEFAULT_DAYS, MAX_DAYS, NAME_MAX_LENGTH, ApiToken
from ..schema import LIST_ERRORS, errors
from ..serializers.tokens import ApiTokenSerializer, IssuedTokenSerializer, TokenRequestSerializer
from ..services import api_token_create, api_token_revoke
from ..throttling import AuthAddressThrottle, AuthUsernameThrottle
from .base import ApiView, parsed_body

MINTING_REFUSED = (
    "A token cannot make another token (a leaked one would never expire): send your username "
    "and password, or use the 'Your API tokens' page (/api/token/) while signed in."
)
NOTHING_TO_REVOKE = (
    "This revokes the token the request is sent with, and this request carries none. To "
    "revoke one of your tokens, DELETE /api/v1/auth/tokens/<id>/ (ids in GET "
    "/api/v1/auth/tokens/), or use the 'Your API tokens' page (/api/token/)."
)


@extend_schema(tags=["authentication"])
class TokenView(ApiView, APIView):
    """Make a token for scripts ('Authorization: Token <token>'), or revoke the one you send."""

    throttle_classes = [AuthAddressThrottle, AuthUsernameThrottle]

    def get_permissions(self):
        # Getting a token is how an unauthenticated script signs in; revoking needs one.
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        summary="Make an API token",
        description="With username and password (or signed in in the browser, with neither): "
        "a new token, named (default “script”), read-write unless you ask for read, valid 90 "
        "days unless you say (at most 365). The secret is in this answer only: the server keeps "
        "a hash. A token cannot make another token. Throttled per client address and per "
        "account from one address; 503 when the attempt counters cannot be reached.",
        request=TokenRequestSerializer,
        responses={200: IssuedTokenSerializer, **errors(400, 401, 403, 415, 429, 503)},
    )
    def post(self, request):
        body = parsed_body(TokenRequestSerializer, request)
        user = _signing_in(request, body.get("username"), body.get("password"))
        issued = api_token_create(
            actor=user,
            name=body["name"],
            scope=body["scope"],
            expires_in_days=body["expires_in_days"],
        )
        context = {"request": request, "secret": issued.secret}
        response = Response(IssuedTokenSerializer(issued.token, context=context).data)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Revoke the API token you send",
        description="The token in this request's Authorization header stops working at once. "
        "Revoke another of yours with DELETE /api/v1/auth/tokens/<id>/.",
        responses={204: None, **errors(400, 401, 403)},
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise serializers.ValidationError(NOTHING_TO_REVOKE)
        api_token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _signing_in(request, username: str | None, password: str | None):
    """Who asks for a token: the person proving their password, or a signed-in session."""
    if username or password:
        if not (username and password):
            missing = "password" if username else "username"
            raise serializers.ValidationError({missing: [f"Give your {missing} too."]})
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            raise exceptions.AuthenticationFailed(
                "Wrong username or password (or the account is disabled)."
            )
        return user
    if isinstance(request.auth, ApiToken):
        raise exceptions.PermissionDenied(MINTING_REFUSED)
    if permissions.is_reader(request.user):
        return request.user
    raise exceptions.NotAuthenticated()


@extend_schema_view(
    list=extend_schema(
        summary="List your API tokens",
        description="Yours only, newest first, live or ended; never a secret.",
        responses={200: ApiTokenSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Revoke one of your API tokens",
        description="Scripts using it are refused from now on; it stays in the list, revoked.",
        responses={204: None, **errors(401, 403, 404)},
    ),
)
@extend_schema(tags=["authentication"])
class ApiTokenViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built with nobody signed in
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-pk")

    def destroy(self, request, pk=None):
        token = ApiToken.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if token is None:
            where = reverse("api:api-token-list")
            raise exceptions.NotFound(f"No API token with id {pk!r}; yours are listed at {where}.")
        api_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the 'Your API tokens' page ------------------------------------------------------------------

ENDED_SHOWN_FOR = datetime.timedelta(days=90)  # ended tokens stay on the page this long


@never_cache  # the answer to a creation holds the secret: no browser or proxy may keep it
@require_http_methods(["GET", "POST"])
def token_page(request):
    """'Your API tokens': your tokens (never their secrets); make one (its secret shown this
    once), or revoke one."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "create":
        return _create(request)
    if action == "revoke":
        return _revoke(request)
    if action is not None:
        choose = "Choose “Make the token” or a token's “Revoke”."
        return _page(request, error=choose, http_status=400)
    return _page(request)


def _create(request):
    entered = {key: request.POST.get(key, "") for key in ("name", "scope", "expires_in_days")}
    days = entered["expires_in_days"].strip()
    try:
        if not (days.isascii() and days.isdigit() and len(days) <= 3):
            raise ApplicationError(f"Give the number of days it lasts, from 1 to {MAX_DAYS}.")
        issued = api_token_create(
            actor=request.user,
            name=entered["name"],
            scope=entered["scope"],
            expires_in_days=int(days),
        )
    except ApplicationError as refused:
        return _page(request, error=refused.message, entered=entered, http_status=400)
    return _page(request, issued=issued)


def _revoke(request):
    wanted = request.POST.get("token", "")
    token = (
        ApiToken.objects.filter(user=request.user, pk=wanted).first() if wanted.isdigit() else None
    )
    if token is None:
        messages.error(request, "No such token of yours: it may have been revoked already.")
    else:
        api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"“{token.name}” is revoked: scripts using it are refused now.")
    return redirect("api:token-page")


def _page(request, *, issued=None, error: str = "", entered: dict | None = None, http_status=200):
    now = timezone.now()
    tokens = list(
        ApiToken.objects.filter(user=request.user)
        .exclude(revoked_at__lt=now - ENDED_SHOWN_FOR)
        .exclude(expires_at__lt=now - ENDED_SHOWN_FOR)
    )
    live = [token for token in tokens if token.state_on(now) == ApiToken.State.ACTIVE]
    for token in live:
        token.days_left = math.ceil((token.expires_at - now) / datetime.timedelta(days=1))
    api_root = request.build_absolute_uri(reverse("api:api-root"))
    return render(
        request,
        "api/token.html",
        {
            "issued": issued,
            "live": live,
            "ended": [token for token in tokens if token not in live],
            "error": error,
            "entered": entered or {"scope": ApiToken.Scope.READ, "expires_in_days": DEFAULT_DAYS},
            "scopes": ApiToken.Scope.choices,
            "name_max_length": NAME_MAX_LENGTH,
            "max_days": MAX_DAYS,
            "default_days": DEFAULT_DAYS,
            "api_root": api_root,
            "feed_url": request.build_absolute_uri(reverse("web:feed")),
            "docs_url": reverse("api:docs"),
        },
        status=http_status,
    )
