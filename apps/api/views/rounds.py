"""Consensus rounds: positions, close, extend, cancel."""

from contextlib import contextmanager

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.documents.models import Revision
from apps.meetings.services import plenary_outcome_record
from apps.plenary.abilities import round_abilities
from apps.plenary.models import ConsensusRound
from apps.plenary.notices import other_channel_record
from apps.plenary.selectors import round_facts
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    position_record,
)

from .. import selectors
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.meeting_records import (
    AgencyNoticesSerializer,
    DecisionSerializer,
    NoticeQuerySerializer,
    OtherChannelSerializer,
    OutcomeRequestSerializer,
)
from ..serializers.rounds import (
    ConsensusRoundQuerySerializer,
    ConsensusRoundSerializer,
    ConsensusRoundSummarySerializer,
    PositionPage,
    PositionRequestSerializer,
    PositionSerializer,
    ReasonSerializer,
    RoundExtendSerializer,
)
from ..throttling import MoveThrottle
from . import meeting_docs as docs
from .base import RecordViewSet, parsed_body, parsed_query
from .meeting_records import meeting_decisions


def round_response(request, round: ConsensusRound, status_code: int = 200) -> Response:
    round = selectors.consensus_rounds_list().get(pk=round.pk)
    facts = round_facts(round=round)
    # Each position shows the revision it was given on: their numbers in one query, if any.
    given = [p for row in facts.rows for p in (row.latest, *row.earlier) if p and p.revision_id]
    prefetch_related_objects(given, Prefetch("revision", Revision.objects.only("pk", "number")))
    abilities = round_abilities(facts=facts, user=request.user)
    context = {
        "request": request,
        "facts": facts,
        "speaks_for": [agency.acronym for agency in abilities.speaks_for],
        "actions": list(abilities.actions),
        "previous_objected": selectors.previous_objected_round(round=round),
    }
    return Response(ConsensusRoundSerializer(round, context=context).data, status=status_code)


@contextmanager
def naming_round_actions(round: ConsensusRound, user):
    """Every 409 on a round names its state and what this user may do on it now."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            fresh = ConsensusRound.objects.get(pk=round.pk)
            abilities = round_abilities(facts=round_facts(round=fresh), user=user)
            exc.extra.setdefault("state", fresh.state)
            exc.extra.setdefault("allowed", list(abilities.actions))
        raise


ROUND_ACTION_ERRORS = errors(400, 401, 403, 404, 409, 415)


@extend_schema(tags=["consensus rounds"])
@extend_schema_view(
    list=extend_schema(
        summary="List consensus rounds",
        parameters=[ConsensusRoundQuerySerializer],
        responses={200: ConsensusRoundSummarySerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One round: every eligible agency's position, the tally, and your actions",
        responses={200: ConsensusRoundSerializer, **errors(*READ_ERRORS)},
    ),
)
class ConsensusRoundViewSet(RecordViewSet):
    """Plenary decisions on deliverables: the eligible agencies (frozen when the round opens),
    their positions, and the outcome."""

    queryset = ConsensusRound.objects.all()
    serializer_class = ConsensusRoundSummarySerializer
    query_serializer_class = ConsensusRoundQuerySerializer

    def records(self, **filters):
        return selectors.consensus_rounds_list(**filters)

    def retrieve(self, request, pk=None):
        return round_response(request, self.get_object())

    @extend_schema(
        methods=["GET"],
        summary="Every position ever recorded in the round, newest first",
        responses={200: PositionPage, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a position",
        description="An agency's delegate records its position; the secretariat may record one "
        "on an agency's behalf (then `agency` is required). An objection needs a rationale. "
        "The last eligible agency to answer closes the round.",
        request=PositionRequestSerializer,
        responses={
            201: inline_serializer(
                "PositionRecorded",
                {"position": PositionSerializer(), "round": ConsensusRoundSerializer()},
            ),
            **ROUND_ACTION_ERRORS,
            **errors(429),
        },
    )
    @action(detail=True, methods=["get", "post"], throttle_classes=[MoveThrottle])
    def positions(self, request, pk=None):
        round = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.round_positions(round=round))
            data = PositionSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = parsed_body(PositionRequestSerializer, request)
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
        position = PositionSerializer(recorded, context={"request": request}).data
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
        speaks_for = round_abilities(facts=round_facts(round=round), user=user).speaks_for
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
        request=ReasonSerializer,
        responses={200: ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(ReasonSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_close(round=round, actor=request.user, reason=body["reason"])
        return round_response(request, round)

    @extend_schema(
        summary="Extend the deadline (secretariat)",
        request=RoundExtendSerializer,
        responses={200: ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(RoundExtendSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_extend(
                round=round, actor=request.user, deadline=body["deadline"], reason=body["reason"]
            )
        return round_response(request, round)

    @extend_schema(
        summary="Cancel the round (secretariat): the deliverable goes back to submitted",
        request=ReasonSerializer,
        responses={200: ConsensusRoundSerializer, **ROUND_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(ReasonSerializer, request)
        with naming_round_actions(round, request.user):
            consensus_round_cancel(round=round, actor=request.user, reason=body["reason"])
        return round_response(request, round)

    @extend_schema(
        summary="Record the outcome of a meeting for every agency present (secretariat)",
        description="In one step, every eligible agency recorded present at `meeting` states "
        "`default` unless it is in `exceptions` (an objection with its rationale); each "
        "position is recorded as stated in the meeting, on the agency's behalf. All or none: "
        "an agency not present (or not eligible) in `exceptions`, or no attendance recorded, "
        "is a 400 and nothing is recorded. Agencies absent keep their say until the deadline; "
        "the round closes once every eligible agency has answered. The decision is listed in "
        "the meeting's minutes; recording it twice is a 409.",
        request=OutcomeRequestSerializer,
        parameters=[location_header(201, "the decision")],
        responses={201: DecisionSerializer, **ROUND_ACTION_ERRORS, **errors(429)},
        examples=[docs.OUTCOME_EXAMPLE, docs.DECISION_EXAMPLE],
    )
    @action(detail=True, methods=["post"], throttle_classes=[MoveThrottle])
    def outcome(self, request, pk=None):
        round = self.get_object()
        body = parsed_body(OutcomeRequestSerializer, request)
        exceptions = {
            row["agency"]: (row["position"], row["rationale"]) for row in body["exceptions"]
        }
        with naming_round_actions(round, request.user):
            decision = plenary_outcome_record(
                round=round,
                meeting=body["meeting"],
                actor=request.user,
                default=body["default"],
                exceptions=exceptions,
            )
        [entry] = [e for e in meeting_decisions(body["meeting"]) if e.decision.pk == decision.pk]
        data = DecisionSerializer(entry, context={"request": request}).data
        return Response(data, status=201, headers={"Location": str(data["url"])})

    @extend_schema(
        methods=["GET"],
        summary="How each eligible agency was told of the round",
        description="Per agency (by acronym): whether it is reachable today, whether it was "
        "told (only then does its silence count as no objection), and each notice with what "
        "became of it.",
        parameters=[NoticeQuerySerializer],
        responses={200: AgencyNoticesSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[docs.NOTICES_EXAMPLE],
    )
    @extend_schema(
        methods=["POST"],
        summary="Record that an agency was told another way (secretariat)",
        description="A call, a letter, the plenary itself: from then on its silence counts as "
        "no objection. While the round is open (else 409), for an eligible agency (else 400). "
        "Answers the agency's row.",
        request=OtherChannelSerializer,
        parameters=[location_header(201, "the agency's notices")],
        responses={201: AgencyNoticesSerializer, **ROUND_ACTION_ERRORS},
        examples=[docs.OTHER_CHANNEL_EXAMPLE, docs.NOTICES_EXAMPLE],
    )
    @action(detail=True, methods=["get", "post"])
    def notices(self, request, pk=None):
        round = self.get_object()
        if request.method == "GET":
            query = parsed_query(NoticeQuerySerializer, request)
            rows = selectors.round_notice_rows(round=round, agency=query.get("agency", ""))
            page = self.paginate_queryset(rows)
            data = AgencyNoticesSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = parsed_body(OtherChannelSerializer, request)
        with naming_round_actions(round, request.user):
            other_channel_record(
                round=round, agency=body["agency"], actor=request.user, note=body["note"]
            )
        acronym = body["agency"].acronym
        [row] = selectors.round_notice_rows(round=round, agency=acronym)
        data = AgencyNoticesSerializer(row, context={"request": request}).data
        where = reverse("api:consensus-round-notices", args=[round.pk]) + f"?agency={acronym}"
        return Response(data, status=201, headers={"Location": request.build_absolute_uri(where)})
