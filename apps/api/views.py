"""The REST API under /api/v1/: thin views that parse input, call a service or selector, render.

Who may do what is answered by accounts.permissions, through the services (which refuse with
ApplicationError) and the selectors that tell a user what they may do now; nothing here decides
a rule of its own. Errors become JSON in apps.api.errors.
"""

import re
from contextlib import contextmanager

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import APIRootView
from rest_framework.views import APIView

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.core.history import history_entries, history_records
from apps.deliverables.models import Activity, Deliverable
from apps.deliverables.services import (
    allowed_moves,
    deliverable_transition,
    deliverable_update_progress,
)
from apps.groups.models import CoChairAppointment, OutlookItem, WorkingGroup
from apps.plenary.models import ConsensusRound, PlenaryMeeting
from apps.plenary.selectors import round_facts
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    position_record,
)
from apps.reports.models import ReportDraft
from apps.reports.services import report_draft_request

from . import selectors
from . import serializers as s
from .errors import Conflict, PreconditionRequired
from .schema import (
    ETAG_HEADER,
    IF_MATCH_OPTIONAL,
    IF_MATCH_REQUIRED,
    IF_NONE_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    errors,
)
from .services import api_token_issue, api_token_regenerate, api_token_revoke
from .throttling import AuthAddressThrottle, AuthUsernameThrottle

# --- common ground ---------------------------------------------------------------------------


class IsReader(BasePermission):
    """Any signed-in, active member of the community reads the API (permissions.is_reader)."""

    def has_permission(self, request, view) -> bool:
        return permissions.is_reader(request.user)


class Pages(PageNumberPagination):
    """?page=N, and ?page_size=N (up to 200) for scripts that want fewer round trips."""

    page_size_query_param = "page_size"
    max_page_size = 200


class ApiView:
    """Mixed into every API view: readers only, and a 401 (not 403) for the unauthenticated."""

    permission_classes = [IsReader]
    parser_classes = [JSONParser]
    pagination_class = Pages

    def get_authenticate_header(self, request) -> str:
        # DRF answers 403 when the first authentication class (session) has no challenge to
        # offer; naming the token scheme makes "not signed in" a 401, as clients expect.
        return 'Token realm="api"'


class Root(ApiView, APIRootView):
    """The API's entry point: a link to every collection."""


def parsed_query(serializer_class, request) -> dict:
    """The validated query parameters (a bad one is a 400 naming it), unset ones left out."""
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
        responses={200: s.HistoryPage, **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = self.get_object()
        page = self.paginate_queryset(history_records(obj))
        entries = history_entries(obj, page)
        data = s.HistoryEntrySerializer(entries, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


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


# --- the ISECG record --------------------------------------------------------------------------


@record_schema(s.AgencySerializer, s.AgencyQuerySerializer, "agencies")
class AgencyViewSet(RecordViewSet):
    """ISECG's member agencies, with earlier names; `member_on` gives the members on a day."""

    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    query_serializer_class = s.AgencyQuerySerializer

    def records(self, **filters):
        return selectors.agencies_list(**filters)


@record_schema(s.WorkingGroupSerializer, s.WorkingGroupQuerySerializer, "working groups")
class WorkingGroupViewSet(RecordViewSet):
    """Working groups with their mandates and status; `active_on` gives those active on a day."""

    queryset = WorkingGroup.objects.all()
    serializer_class = s.WorkingGroupSerializer
    query_serializer_class = s.WorkingGroupQuerySerializer

    def records(self, **filters):
        return selectors.working_groups_list(**filters)


@record_schema(
    s.CoChairAppointmentSerializer, s.CoChairAppointmentQuerySerializer, "co-chair appointments"
)
class CoChairAppointmentViewSet(RecordViewSet):
    """Who co-chairs which working group, for which agency, from when until when."""

    queryset = CoChairAppointment.objects.all()
    serializer_class = s.CoChairAppointmentSerializer
    query_serializer_class = s.CoChairAppointmentQuerySerializer

    def records(self, **filters):
        return selectors.cochair_appointments_list(**filters)


@record_schema(s.OutlookItemSerializer, s.OutlookItemQuerySerializer, "outlook items")
class OutlookItemViewSet(RecordViewSet):
    """What each working group (or ISECG as a whole: the Priorities) plans for a year."""

    queryset = OutlookItem.objects.all()
    serializer_class = s.OutlookItemSerializer
    query_serializer_class = s.OutlookItemQuerySerializer

    def records(self, **filters):
        return selectors.outlook_items_list(**filters)


@record_schema(s.ActivitySerializer, s.ActivityQuerySerializer, "activities")
class ActivityViewSet(RecordViewSet):
    """Conference papers, talks, sessions and webnews items that promote the products."""

    queryset = Activity.objects.all()
    serializer_class = s.ActivitySerializer
    query_serializer_class = s.ActivityQuerySerializer

    def records(self, **filters):
        return selectors.activities_list(**filters)


@record_schema(s.MeetingSerializer, s.MeetingQuerySerializer, "meetings")
class MeetingViewSet(RecordViewSet):
    """Plenary meetings, monthly teleconferences and written procedures."""

    queryset = PlenaryMeeting.objects.all()
    serializer_class = s.MeetingSerializer
    query_serializer_class = s.MeetingQuerySerializer

    def records(self, **filters):
        return selectors.meetings_list(**filters)


# --- deliverables: ETags, progress, the workflow -----------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def etag_of(deliverable: Deliverable) -> str:
    return f'"{deliverable.version}"'


def if_match_version(request, deliverable: Deliverable, *, required: bool) -> int | None:
    """The version the client last read, from If-Match; None when optional and absent."""
    header = request.headers.get("If-Match", "").strip()
    if not header or (header == "*" and not required):
        if required:
            where = reverse("api:deliverable-detail", args=[deliverable.pk])
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
            f"If-Match {header!r} is not an ETag of this deliverable: send the ETag header of "
            f'your last GET, e.g. "{deliverable.version}".',
            code="stale",
        )
    return deliverable.version if deliverable.version in versions else versions[0]


def if_none_match_hit(request, deliverable: Deliverable) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in tags or etag_of(deliverable) in tags


@contextmanager
def naming_moves(deliverable: Deliverable, user):
    """Every 409 on a deliverable names its current state and the moves this user may make."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            fresh = Deliverable.objects.get(pk=deliverable.pk)
            exc.extra.setdefault("state", fresh.state)
            exc.extra.setdefault(
                "allowed", [move.target for move in allowed_moves(deliverable=fresh, user=user)]
            )
        raise


def with_etag(response: Response, deliverable: Deliverable) -> Response:
    response["ETag"] = etag_of(deliverable)
    return response


@extend_schema(tags=["deliverables"])
@extend_schema_view(
    list=extend_schema(
        summary="List deliverables",
        parameters=[s.DeliverableQuerySerializer],
        responses={200: s.DeliverableSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One deliverable (its ETag is its version)",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={
            200: s.DeliverableSerializer,
            304: OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match."),
            **errors(*READ_ERRORS),
        },
    ),
    partial_update=extend_schema(
        summary="Update progress (If-Match required)",
        description="Changes percent_complete, rag, next_milestone, target_date or status_note "
        "(the lead group's co-chairs and the secretariat). Send the ETag of your last GET in "
        "If-Match: without it 428, with an old one 412. Any other field is refused (400).",
        parameters=[IF_MATCH_REQUIRED, ETAG_HEADER],
        request=s.ProgressUpdateSerializer,
        responses={
            200: s.DeliverableSerializer,
            **errors(400, 401, 403, 404, 409, 412, 415, 428),
        },
    ),
)
class DeliverableViewSet(RecordViewSet):
    """ISECG products, their progress and their workflow state. Each has an ETag (its version):
    send it in If-Match to update, so a change you have not seen is never overwritten."""

    queryset = Deliverable.objects.all()
    serializer_class = s.DeliverableSerializer
    query_serializer_class = s.DeliverableQuerySerializer

    def records(self, **filters):
        return selectors.deliverables_list(**filters)

    def retrieve(self, request, pk=None):
        deliverable = self.get_object()
        if if_none_match_hit(request, deliverable):
            return with_etag(Response(status=status.HTTP_304_NOT_MODIFIED), deliverable)
        return with_etag(Response(self.get_serializer(deliverable).data), deliverable)

    def partial_update(self, request, pk=None):
        deliverable = self.get_object()
        version = if_match_version(request, deliverable, required=True)
        progress = dict(parsed_body(s.ProgressUpdateSerializer, request))
        reason = progress.pop("reason", "")
        with naming_moves(deliverable, request.user):
            deliverable_update_progress(
                deliverable=deliverable,
                actor=request.user,
                expected_version=version,
                reason=reason,
                **progress,
            )
        return self._rendered(deliverable)

    def _rendered(self, deliverable: Deliverable, status_code: int = 200) -> Response:
        fresh = selectors.deliverable_for_api(pk=deliverable.pk)
        return with_etag(Response(self.get_serializer(fresh).data, status=status_code), fresh)

    @extend_schema(
        methods=["GET"],
        summary="The moves you may make now",
        description="Jira-style: each move names its target state (POST it as `to`) and the "
        "body fields it needs. Opening and cancelling a consensus round go through the round "
        "endpoints named in `endpoint`.",
        parameters=[ETAG_HEADER],
        responses={200: s.TransitionsSerializer, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Make a move",
        description="Moves the deliverable to `to`, recording `reason`. Publishing also takes "
        "published_on (and link). An illegal move is a 409 naming the current state and the "
        "moves you may make; a move that is someone else's, 403. With If-Match, a stale "
        "version is a 412.",
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        request=s.TransitionRequestSerializer,
        responses={200: s.DeliverableSerializer, **errors(400, 401, 403, 404, 409, 412, 415)},
    )
    @action(detail=True, methods=["get", "post"])
    def transitions(self, request, pk=None):
        deliverable = self.get_object()
        if request.method == "GET":
            open_round = deliverable.consensus_rounds.filter(
                state=ConsensusRound.State.OPEN
            ).first()
            endpoints = {
                "open_round": request.build_absolute_uri(
                    reverse("api:deliverable-consensus-rounds", args=[deliverable.pk])
                ),
                "cancel_round": request.build_absolute_uri(
                    reverse("api:consensus-round-cancel", args=[open_round.pk])
                )
                if open_round
                else None,
            }
            moves = selectors.deliverable_transitions(
                deliverable=deliverable, user=request.user, endpoints=endpoints
            )
            data = {
                "state": deliverable.state,
                "version": deliverable.version,
                "transitions": moves,
            }
            return with_etag(Response(s.TransitionsSerializer(data).data), deliverable)
        version = if_match_version(request, deliverable, required=False)
        move = parsed_body(s.TransitionRequestSerializer, request)
        with naming_moves(deliverable, request.user):
            deliverable_transition(
                deliverable=deliverable,
                actor=request.user,
                to=move["to"],
                reason=move["reason"],
                published_on=move.get("published_on"),
                link=move.get("link", ""),
                expected_version=version,
            )
        return self._rendered(deliverable)

    @extend_schema(
        methods=["GET"],
        summary="The deliverable's consensus rounds",
        responses={200: s.RoundPage, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Open a consensus round (secretariat)",
        description="On a submitted deliverable: the members on the day are the eligible "
        "agencies, frozen with the round; the deliverable moves to in_consensus.",
        request=s.RoundOpenSerializer,
        responses={201: s.ConsensusRoundSerializer, **errors(400, 401, 403, 404, 409, 415)},
    )
    @action(detail=True, methods=["get", "post"], url_path="consensus-rounds")
    def consensus_rounds(self, request, pk=None):
        deliverable = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(
                selectors.consensus_rounds_list(deliverable=deliverable.pk)
            )
            data = s.ConsensusRoundSummarySerializer(
                page, many=True, context=self.get_serializer_context()
            ).data
            return self.get_paginated_response(data)
        body = parsed_body(s.RoundOpenSerializer, request)
        with naming_moves(deliverable, request.user):
            round = consensus_round_open(
                deliverable=deliverable,
                actor=request.user,
                channel=body["channel"],
                deadline=body.get("deadline"),
                meeting=body.get("meeting"),
                **({"reason": body["reason"]} if body.get("reason") else {}),
            )
        response = round_response(request, round, status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response


# --- consensus rounds --------------------------------------------------------------------------


def round_response(request, round: ConsensusRound, status_code: int = 200) -> Response:
    round = selectors.consensus_rounds_list().get(pk=round.pk)
    facts = round_facts(round=round)
    speaks_for = selectors.agencies_user_speaks_for(round=round, user=request.user)
    context = {
        "request": request,
        "facts": facts,
        "speaks_for": [agency.acronym for agency in speaks_for],
        "actions": selectors.round_actions(facts=facts, user=request.user, speaks_for=speaks_for),
    }
    return Response(s.ConsensusRoundSerializer(round, context=context).data, status=status_code)


@contextmanager
def naming_round_actions(round: ConsensusRound, user):
    """Every 409 on a round names its state and what this user may do on it now."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            fresh = ConsensusRound.objects.get(pk=round.pk)
            facts = round_facts(round=fresh)
            speaks_for = selectors.agencies_user_speaks_for(round=fresh, user=user)
            exc.extra.setdefault("state", fresh.state)
            exc.extra.setdefault(
                "allowed",
                selectors.round_actions(facts=facts, user=user, speaks_for=speaks_for),
            )
        raise


ROUND_ACTION_ERRORS = errors(400, 401, 403, 404, 409, 415)


@extend_schema(tags=["consensus rounds"])
@extend_schema_view(
    list=extend_schema(
        summary="List consensus rounds",
        parameters=[s.ConsensusRoundQuerySerializer],
        responses={200: s.ConsensusRoundSummarySerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One round: every eligible agency's position, the tally, and your actions",
        responses={200: s.ConsensusRoundSerializer, **errors(*READ_ERRORS)},
    ),
)
class ConsensusRoundViewSet(RecordViewSet):
    """Plenary decisions on deliverables: the eligible agencies (frozen when the round opens),
    their positions, and the outcome."""

    queryset = ConsensusRound.objects.all()
    serializer_class = s.ConsensusRoundSummarySerializer
    query_serializer_class = s.ConsensusRoundQuerySerializer

    def records(self, **filters):
        return selectors.consensus_rounds_list(**filters)

    def retrieve(self, request, pk=None):
        return round_response(request, self.get_object())

    @extend_schema(
        methods=["GET"],
        summary="Every position ever recorded in the round, newest first",
        responses={200: s.PositionPage, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a position",
        description="An agency's delegate records its position; the secretariat may record one "
        "on an agency's behalf (then `agency` is required). An objection needs a rationale. "
        "The last eligible agency to answer closes the round.",
        request=s.PositionRequestSerializer,
        responses={
            201: inline_serializer(
                "PositionRecorded",
                {"position": s.PositionSerializer(), "round": s.ConsensusRoundSerializer()},
            ),
            **ROUND_ACTION_ERRORS,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def positions(self, request, pk=None):
        round = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.round_positions(round=round))
            data = s.PositionSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = parsed_body(s.PositionRequestSerializer, request)
        agency = self._speaking_agency(round, request.user, body.get("agency", ""))
        with naming_round_actions(round, request.user):
            recorded = position_record(
                round=round,
                actor=request.user,
                agency=agency,
                position=body["position"],
                rationale=body.get("rationale", ""),
            )
        round_data = round_response(request, round).data
        position = s.PositionSerializer(recorded, context={"request": request}).data
        return Response({"position": position, "round": round_data}, status=201)

    @staticmethod
    def _speaking_agency(round: ConsensusRound, user, acronym: str) -> Agency:
        """The agency named, or the only one this user may speak for in the round."""
        if acronym:
            agency = Agency.objects.filter(acronym__iexact=acronym).first()
            if agency is None:
                raise serializers.ValidationError(
                    {"agency": [f"No agency with the acronym {acronym!r}."]}
                )
            return agency
        speaks_for = selectors.agencies_user_speaks_for(round=round, user=user)
        if len(speaks_for) == 1:
            return speaks_for[0]
        if not speaks_for:
            raise ApplicationError(
                "You may not record a position in this round: only the delegates of its "
                "eligible agencies, and the secretariat on their behalf, may.",
                code="forbidden",
            )
        raise serializers.ValidationError(
            {
                "agency": [
                    "You may record a position for several agencies in this round: say which, "
                    'e.g. "agency": "' + speaks_for[0].acronym + '".'
                ]
            }
        )

    @extend_schema(
        summary="Close the round (secretariat; after the deadline or once all have answered)",
        request=s.ReasonSerializer,
        responses={200: s.ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(s.ReasonSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_close(round=round, actor=request.user, reason=body["reason"])
        return round_response(request, round)

    @extend_schema(
        summary="Extend the deadline (secretariat)",
        request=s.RoundExtendSerializer,
        responses={200: s.ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(s.RoundExtendSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_extend(
                round=round, actor=request.user, deadline=body["deadline"], reason=body["reason"]
            )
        return round_response(request, round)

    @extend_schema(
        summary="Cancel the round (secretariat): the deliverable goes back to submitted",
        request=s.ReasonSerializer,
        responses={200: s.ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(s.ReasonSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_cancel(round=round, actor=request.user, reason=body["reason"])
        return round_response(request, round)


# --- annual report drafts ----------------------------------------------------------------------

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts: the file, or a JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def download_schema(kind: str, media_type: str):
    return extend_schema(
        summary=f"Download the draft's {kind}",
        description="Only once the draft is done: before that, 409 with its state and progress.",
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"The {kind}."),
            **{(code, "application/json"): body for code, body in errors(401, 404, 409).items()},
        },
    )


@extend_schema(tags=["annual report drafts"])
@extend_schema_view(
    list=extend_schema(
        summary="List annual report drafts",
        parameters=[s.ReportDraftQuerySerializer],
        responses={200: s.ReportDraftSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One draft: poll it until its state is done (or failed, with the error)",
        responses={200: s.ReportDraftSerializer, **errors(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Request a draft of the annual report (secretariat)",
        description="Queues the year's next version and answers 202 at once, with the draft's "
        "URL in Location: poll it until `state` is done, then download docx_url / html_url.",
        request=s.ReportDraftRequestSerializer,
        responses={202: s.ReportDraftSerializer, **errors(400, 401, 403, 415)},
    ),
)
class ReportDraftViewSet(RecordViewSet):
    """Drafts of the annual report: each request makes the year's next version, drafted in the
    background from the record; the DOCX is for the secretariat to edit, the HTML to preview."""

    queryset = ReportDraft.objects.all()
    serializer_class = s.ReportDraftSerializer
    query_serializer_class = s.ReportDraftQuerySerializer

    def records(self, **filters):
        return selectors.report_drafts_list(**filters)

    def create(self, request):
        body = parsed_body(s.ReportDraftRequestSerializer, request)
        draft = report_draft_request(year=body["year"], actor=request.user)
        draft = self.records().get(pk=draft.pk)  # the task may have run already (no broker)
        data = self.get_serializer(draft).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    def _download(self, kind: str, media_type: str):
        draft = self.get_object()
        if draft.state != ReportDraft.State.DONE:
            progress = (
                f"{draft.percent}%, {draft.current_section}"
                if draft.current_section
                else f"{draft.percent}%"
            )
            why = (
                f"it failed: {draft.error}"
                if draft.state == ReportDraft.State.FAILED
                else f"it is {draft.state} ({progress}); poll "
                f"{reverse('api:report-draft-detail', args=[draft.pk])} until it is done"
            )
            raise Conflict(
                f"Draft v{draft.version} of {draft.year} has no {kind} yet: {why}.",
                state=draft.state,
                allowed=[],
            )
        file = getattr(draft, kind)
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise exceptions.NotFound(
                f"The {kind} of draft v{draft.version} of {draft.year} is no longer on the "
                "server: request a new draft of the year."
            ) from None
        response = FileResponse(
            handle,
            as_attachment=kind == "docx",
            filename=file.name.rsplit("/", 1)[-1],
            content_type=media_type,
        )
        # The preview is shown in the browser from our origin: sandboxed, it can run nothing.
        response["Content-Security-Policy"] = "sandbox"
        if kind == "html":
            response["X-Frame-Options"] = "SAMEORIGIN"  # shown in the web app's report page
        return response

    @download_schema("DOCX", DOCX_MEDIA_TYPE)
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def docx(self, request, pk=None):
        return self._download("docx", DOCX_MEDIA_TYPE)

    @download_schema("HTML preview", "text/html")
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def html(self, request, pk=None):
        return self._download("html", "text/html; charset=utf-8")


# --- tokens ------------------------------------------------------------------------------------


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
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer, **errors(400, 401, 415, 429)},
    )
    def post(self, request):
        body = parsed_body(s.TokenRequestSerializer, request)
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


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ?format=json for JSON), for signed-in users and token
    holders."""

    def handle_exception(self, exc):
        # Errors are JSON like everywhere else in the API, not an OpenAPI document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


# --- pages and fallbacks (plain Django) ---------------------------------------------------------


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
