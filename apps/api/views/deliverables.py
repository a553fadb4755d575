"""Deliverables: progress updates (with ETags), workflow moves, and opening consensus rounds."""

from contextlib import contextmanager

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import (
    allowed_moves,
    deliverable_transition,
    deliverable_update_progress,
    move_check,
)
from apps.documents.models import Revision
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open

from .. import selectors
from ..schema import (
    ETAG_HEADER,
    IF_MATCH_OPTIONAL,
    IF_MATCH_REQUIRED,
    IF_NONE_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    errors,
    location_header,
)
from ..serializers.deliverables import (
    DeliverableQuerySerializer,
    DeliverableSerializer,
    ProgressUpdateSerializer,
    TransitionRequestSerializer,
    TransitionsSerializer,
)
from ..serializers.rounds import (
    ConsensusRoundSerializer,
    ConsensusRoundSummarySerializer,
    RoundOpenSerializer,
    RoundPage,
)
from ..throttling import MoveThrottle
from .base import RecordViewSet, if_match_version, if_none_match_hit, parsed_body, with_etag
from .rounds import round_response


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


@extend_schema(tags=["deliverables"])
@extend_schema_view(
    list=extend_schema(
        summary="List deliverables",
        parameters=[DeliverableQuerySerializer],
        responses={200: DeliverableSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One deliverable (its ETag is its version)",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={
            200: DeliverableSerializer,
            304: OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match."),
            **errors(*READ_ERRORS),
        },
    ),
    partial_update=extend_schema(
        summary="Update progress (If-Match required)",
        description="Changes percent_complete, rag, next_milestone, target_date (with "
        "target_precision) or status_note (the lead group's co-chairs and the secretariat). "
        "A target_date sent without target_precision is a day. Send the ETag of your last GET in "
        "If-Match: without it 428, with an old one 412. Any other field is refused (400).",
        parameters=[IF_MATCH_REQUIRED, ETAG_HEADER],
        request=ProgressUpdateSerializer,
        responses={
            200: DeliverableSerializer,
            **errors(400, 401, 403, 404, 409, 412, 415, 428),
        },
    ),
)
class DeliverableViewSet(RecordViewSet):
    """ISECG products, their progress and their workflow state. Each has an ETag (its version):
    send it in If-Match to update, so a change you have not seen is never overwritten."""

    queryset = Deliverable.objects.all()
    serializer_class = DeliverableSerializer
    query_serializer_class = DeliverableQuerySerializer

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
        progress = dict(parsed_body(ProgressUpdateSerializer, request))
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
        responses={200: TransitionsSerializer, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Make a move",
        description="Moves the deliverable to `to`, recording `reason`. Publishing also takes "
        "published_on (and link). An illegal move is a 409 naming the current state and the "
        "moves you may make; a move that is someone else's, 403. With If-Match, a stale "
        "version is a 412.",
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        request=TransitionRequestSerializer,
        responses={200: DeliverableSerializer, **errors(400, 401, 403, 404, 409, 412, 415, 429)},
    )
    @action(detail=True, methods=["get", "post"], throttle_classes=[MoveThrottle])
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
            return with_etag(Response(TransitionsSerializer(data).data), deliverable)
        version = if_match_version(request, deliverable, required=False)
        asked = request.data.get("to") if isinstance(request.data, dict) else None
        if asked in DeliverableState.values:
            # A move not allowed from here is refused before its input is validated.
            with naming_moves(deliverable, request.user):
                move_check(deliverable=deliverable, actor=request.user, to=asked)
        move = parsed_body(TransitionRequestSerializer, request)
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
        responses={200: RoundPage, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Open a consensus round (secretariat)",
        description="On a submitted deliverable: the members on the day are the eligible "
        "agencies, frozen with the round; the deliverable moves to in_consensus. The round "
        "decides on `revision` (a number), by default the latest current revision; it keeps "
        "that revision's SHA-256. Eligible agencies nobody can be written to must be named in "
        "`acknowledge_unreachable`: else 400 (code unreachable_not_acknowledged) with their "
        "acronyms in `unreachable`, and nothing opened.",
        parameters=[location_header(201, "the new round")],
        request=RoundOpenSerializer,
        responses={201: ConsensusRoundSerializer, **errors(400, 401, 403, 404, 409, 415)},
    )
    @action(detail=True, methods=["get", "post"], url_path="consensus-rounds")
    def consensus_rounds(self, request, pk=None):
        deliverable = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(
                selectors.consensus_rounds_list(deliverable=deliverable.pk)
            )
            data = ConsensusRoundSummarySerializer(
                page, many=True, context=self.get_serializer_context()
            ).data
            return self.get_paginated_response(data)
        body = parsed_body(RoundOpenSerializer, request)
        revision = self._named_revision(deliverable, body.get("revision"))
        with naming_moves(deliverable, request.user):
            round = consensus_round_open(
                deliverable=deliverable,
                actor=request.user,
                channel=body["channel"],
                deadline=body.get("deadline"),
                meeting=body.get("meeting"),
                revision=revision,
                unreachable_acknowledged=body.get("acknowledge_unreachable", False),
                **({"reason": body["reason"]} if body.get("reason") else {}),
            )
        response = round_response(request, round, status.HTTP_201_CREATED)
        # The serializer gives a Hyperlink (a str subclass); WSGI servers that check header types
        # (runserver's wsgiref) refuse anything but a plain str.
        response["Location"] = str(response.data["url"])
        return response

    @staticmethod
    def _named_revision(deliverable: Deliverable, number: int | None) -> Revision | None:
        """The revision `number` of this deliverable; None (the service's default) if none named."""
        if number is None:
            return None
        revision = selectors.revision_of(deliverable=deliverable, number=number)
        if revision is None:
            listed = reverse("api:revision-list", kwargs={"id": deliverable.pk})
            raise exceptions.ValidationError(
                {"revision": [f"'{deliverable}' has no revision {number:02d}: see {listed}."]}
            )
        return revision
