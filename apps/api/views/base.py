"""What every API view shares: readers only, JSON in, paged lists, 401 for the unauthenticated,
a record's detail URL and history, and the ETag / If-Match handling of versioned objects.

Who may do what is answered by accounts.permissions, through the services (which refuse with
ApplicationError) and the selectors that tell a user what they may do now; nothing in the API
views decides a rule of its own. Errors become JSON in apps.api.errors.
"""

import re

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.history import history_entries, history_records
from apps.deliverables.models import Deliverable

from ..errors import PreconditionRequired
from ..pagination import Pages
from ..schema import LIST_ERRORS, READ_ERRORS, errors
from ..serializers.base import HistoryEntrySerializer, HistoryPage

# --- common ground ---------------------------------------------------------------------------


class IsReader(BasePermission):
    """Any signed-in, active member of the community reads the API (permissions.is_reader)."""

    def has_permission(self, request, view) -> bool:
        return permissions.is_reader(request.user)


class ApiView:
    """Mixed into every API view: readers only, and a 401 (not 403) for the unauthenticated."""

    permission_classes = [IsReader]
    # Bodies are JSON only, parsed by REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] (api/parsers.py).
    pagination_class = Pages

    def get_authenticate_header(self, request) -> str:
        # DRF answers 403 when the first authentication class (session) has no challenge to
        # offer; naming the token scheme makes "not signed in" a 401, as clients expect.
        return 'Token realm="api"'


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts: the file, or a JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def history_response(view, obj) -> Response:
    """One page of the object's history: who changed what, when, and why."""
    page = view.paginate_queryset(history_records(obj))
    entries = history_entries(obj, page, show_notes=permissions.may_read_notes(view.request.user))
    data = HistoryEntrySerializer(entries, many=True, context={"request": view.request}).data
    return view.get_paginated_response(data)


def parsed_query(serializer_class, request) -> dict:
    """The validated query parameters (a bad one is a 400 naming it), unset ones left out; an
    empty one (?state=) is refused rather than read as "any"."""
    blank = {
        name: ["Give a value, or leave the parameter out."]
        for name, field in serializer_class().fields.items()
        if request.query_params.get(name) == "" and not getattr(field, "allow_blank", False)
    }
    if blank:
        raise exceptions.ValidationError(blank)
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {key: value for key, value in query.validated_data.items() if value not in (None, "")}


def parsed_body(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class RecordViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """A readable collection with filters, a detail URL and the object's history/."""

    query_serializer_class: type[serializers.Serializer]

    def records(self, **filters):
        raise NotImplementedError

    def get_queryset(self):
        if self.action == "list":
            return self.records(**parsed_query(self.query_serializer_class, self.request))
        return self.records()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            noun = self.queryset.model._meta.verbose_name
            raise exceptions.NotFound(
                f"No {noun} with id {self.kwargs.get('pk')!r}; the list is at "
                f"{reverse(f'api:{self.basename}-list')}."
            ) from None

    @extend_schema(
        summary="History: who changed what, when, and why",
        responses={200: HistoryPage, **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        return history_response(self, self.get_object())


def record_schema(serializer, query, noun: str):
    return extend_schema_view(
        list=extend_schema(
            tags=[noun],
            summary=f"List {noun}",
            parameters=[query],
            responses={200: serializer(many=True), **errors(*LIST_ERRORS)},
        ),
        retrieve=extend_schema(
            tags=[noun],
            summary=f"One of the {noun}",
            responses={200: serializer, **errors(*READ_ERRORS)},
        ),
        history=extend_schema(tags=[noun]),
    )


# --- ETags: a deliverable's version -----------------------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def etag_of(deliverable: Deliverable) -> str:
    return f'"{deliverable.version}"'


def if_match_version(
    request, deliverable: Deliverable, *, required: bool, detail: str = "api:deliverable-detail"
) -> int | None:
    """The version the client last read, from If-Match; None when optional and absent. Any
    versioned record's (a structural change's, `detail` naming its URL) reads the same."""
    header = request.headers.get("If-Match", "").strip()
    if not header or (header == "*" and not required):
        if required:
            where = reverse(detail, args=[deliverable.pk])
            raise PreconditionRequired(
                f"Send the ETag you read in an If-Match header (e.g. If-Match: "
                f"{etag_of(deliverable)} after GET {where}), so an update never overwrites a "
                "change you have not seen."
            )
        return None
    if header == "*":
        raise PreconditionRequired(
            "If-Match: * would overwrite whatever is there now: send the ETag of the version "
            f'you read (e.g. "{deliverable.version}").'
        )
    versions = [int(m.group(1)) for tag in header.split(",") if (m := _ETAG.match(tag.strip()))]
    if not versions:
        raise ApplicationError(
            f"If-Match {header!r} is not an ETag of this {deliverable._meta.verbose_name}: "
            "send the ETag header of "
            f'your last GET, e.g. "{deliverable.version}".',
            code="stale",
        )
    return deliverable.version if deliverable.version in versions else versions[0]


def if_none_match_hit(request, deliverable: Deliverable) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in tags or etag_of(deliverable) in tags


def with_etag(response: Response, deliverable: Deliverable) -> Response:
    response["ETag"] = etag_of(deliverable)
    return response
