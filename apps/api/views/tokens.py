"""API tokens: for scripts (POST/DELETE /api/v1/auth/token/) and the 'Your API token' page."""

from django.contrib.auth import authenticate
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import permissions

from ..schema import errors
from ..serializers.tokens import TokenRequestSerializer, TokenSerializer
from ..services import api_token_issue, api_token_regenerate, api_token_revoke
from ..throttling import AuthAddressThrottle, AuthUsernameThrottle
from .base import ApiView, IsReader, parsed_body


@extend_schema(tags=["authentication"])
class TokenView(ApiView, APIView):
    """Your API token, for scripts: 'Authorization: Token <token>'."""

    throttle_classes = [AuthAddressThrottle, AuthUsernameThrottle]

    def get_permissions(self):
        # Getting a token is how an unauthenticated script signs in; revoking needs one.
        return [AllowAny()] if self.request.method == "POST" else [IsReader()]

    @extend_schema(
        summary="Get your API token",
        description="With username and password (or already signed in, with neither): your "
        "token, made if you have none. Throttled per client address and per username.",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **errors(400, 401, 415, 429)},
    )
    def post(self, request):
        body = parsed_body(TokenRequestSerializer, request)
        username, password = body.get("username"), body.get("password")
        if username or password:
            missing = "password" if username else "username"
            if not (username and password):
                raise serializers.ValidationError({missing: [f"Give your {missing} too."]})
            user = authenticate(request._request, username=username, password=password)
            if user is None:
                raise exceptions.AuthenticationFailed(
                    "Wrong username or password (or the account is disabled)."
                )
        elif permissions.is_reader(request.user):
            user = request.user
        else:
            raise exceptions.NotAuthenticated()
        token, _ = api_token_issue(actor=user)
        return Response(
            {"token": token.key, "username": user.get_username(), "created": token.created}
        )

    @extend_schema(
        summary="Revoke your API token",
        description="Scripts using it are refused from now on. Get a new one with POST.",
        responses={204: None, **errors(401)},
    )
    def delete(self, request):
        api_token_revoke(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@require_http_methods(["GET", "POST"])
def token_page(request):
    """'Your API token': see, make, replace or revoke the token your scripts use."""
    token = getattr(request.user, "auth_token", None)
    shown = None
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "create":
            token, _ = api_token_issue(actor=request.user)
        elif what == "regenerate":
            token = api_token_regenerate(actor=request.user)
        elif what == "revoke":
            api_token_revoke(actor=request.user)
            token = None
        shown = what
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            "done": shown,
            "api_root": request.build_absolute_uri(reverse("api:api-root")),
            "docs_url": reverse("api:docs"),
        },
    )
