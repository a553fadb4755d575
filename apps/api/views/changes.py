"""Structural changes: list and read them, propose one, amend it (with its ETag), withdraw it,
put it to a consensus round, and record the SAMs' endorsement. Every write is a service of
apps/groups/changes.py or apps/plenary/opening.py; the round itself is then the consensus
rounds' endpoints (positions, close, extend, cancel), as for a deliverable."""

from contextlib import contextmanager

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.groups.change_selectors import structural_changes
from apps.groups.changes import (
    structural_change_amend,
    structural_change_endorse,
    structural_change_propose,
    structural_change_withdraw,
)
from apps.groups.models import StructuralChange
from apps.plenary.abilities import change_abilities
from apps.plenary.services import structural_change_round_open

from .. import selectors
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.changes import (
    ChangeAmendSerializer,
    ChangeEndorseSerializer,
    ChangeProposeSerializer,
    ChangeWithdrawSerializer,
    StructuralChangeQuerySerializer,
    StructuralChangeSerializer,
)
from ..serializers.rounds import (
    ChangeRoundOpenSerializer,
    ConsensusRoundSerializer,
    ConsensusRoundSummarySerializer,
    RoundPage,
)
from ..throttling import MoveThrottle
from .base import RecordViewSet, if_match_version, parsed_body, with_etag
from .rounds import round_response

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from your last GET of the change, e.g. "3". Required: without it '
    "the amendment is refused with 428; with an old one (someone amended it since), 412.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description='The change\'s version in quotes: `version` 3 is ETag "3". Send it back in '
    "If-Match to amend it.",
)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 415, 429)


@contextmanager
def naming_change_actions(change: StructuralChange, user):
    """Every 409 on a change names its state and what this user may do on it now."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            fresh = structural_changes().get(pk=change.pk)
            exc.extra.setdefault("state", fresh.state)
            exc.extra.setdefault("allowed", list(change_abilities(change=fresh, user=user).actions))
        raise


@extend_schema(tags=["structural changes"])
@extend_schema_view(
    list=extend_schema(
        summary="List structural changes",
        description="Proposals and decisions alike: `state` says which. Only a decided change "
        "takes effect (`takes_effect`); a proposal has not happened.",
        parameters=[StructuralChangeQuerySerializer],
        responses={200: StructuralChangeSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One structural change: the proposal, where it stands, its lineage, your actions",
        parameters=[ETAG],
        responses={200: StructuralChangeSerializer, **errors(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Propose a structural change (secretariat, or a co-chair of a group it affects)",
        description="Nothing in the record changes until it is decided: the secretariat puts "
        "it to a consensus round (consensus_rounds_url). What each kind needs (the groups it "
        "affects, the group taking over, the new groups) is checked, and a refusal names the "
        "field (400). A co-chair proposing for groups none of which they co-chair: 403.",
        request=ChangeProposeSerializer,
        parameters=[location_header(201, "the new proposal")],
        responses={201: StructuralChangeSerializer, **errors(400, 401, 403, 415, 429)},
    ),
    partial_update=extend_schema(
        summary="Amend the proposal (If-Match required)",
        description="While it is proposed (else 409), by those who may propose it; `reason` "
        "is required. Send the ETag of your last GET in If-Match: without it 428, with an old "
        "one 412 (someone amended it since). Its kind and groups do not change: withdraw it "
        "and propose another.",
        parameters=[IF_MATCH, ETAG],
        request=ChangeAmendSerializer,
        responses={
            200: StructuralChangeSerializer,
            **errors(400, 401, 403, 404, 409, 412, 415, 428, 429),
        },
    ),
)
class StructuralChangeViewSet(RecordViewSet):
    """Proposals to set up, merge, absorb, split, close or rename a working group, or to change
    its mandate: decided by a consensus round (and the SAMs where needed), in effect on their
    date. Each has an ETag (its version)."""

    queryset = StructuralChange.objects.all()
    serializer_class = StructuralChangeSerializer
    query_serializer_class = StructuralChangeQuerySerializer

    def get_throttles(self):
        if self.request.method in ("POST", "PATCH"):
            return [MoveThrottle()]
        return super().get_throttles()

    def records(self, **filters):
        return structural_changes(**filters)

    def get_serializer_context(self):
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "secretariat": permissions.may_manage_record(user),
            "actions": lambda change: change_abilities(change=change, user=user).actions,
        }

    def _rendered(self, change: StructuralChange, status_code: int = 200) -> Response:
        fresh = structural_changes().get(pk=change.pk)
        response = Response(self.get_serializer(fresh).data, status=status_code)
        return with_etag(response, fresh)

    def retrieve(self, request, pk=None):
        return self._rendered(self.get_object())

    def create(self, request):
        body = dict(parsed_body(ChangeProposeSerializer, request))
        body["groups"] = body.get("groups", [])
        body["into_group"] = body.get("into_group")
        change = structural_change_propose(actor=request.user, **body)
        response = self._rendered(change, status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])  # a plain str, as WSGI servers want
        return response

    def partial_update(self, request, pk=None):
        change = self.get_object()
        version = if_match_version(
            request, change, required=True, detail="api:structural-change-detail"
        )
        fields = dict(parsed_body(ChangeAmendSerializer, request))
        reason = fields.pop("reason")
        with naming_change_actions(change, request.user):
            structural_change_amend(
                change=change,
                actor=request.user,
                expected_version=version,
                reason=reason,
                **fields,
            )
        return self._rendered(change)

    @extend_schema(
        summary="Withdraw the proposal",
        description="While it is proposed (else 409: in a round, cancel the round first), by "
        "those who may propose it. It stays in the record, withdrawn, with its history.",
        request=ChangeWithdrawSerializer,
        responses={200: StructuralChangeSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        change = self.get_object()
        body = parsed_body(ChangeWithdrawSerializer, request)
        with naming_change_actions(change, request.user):
            structural_change_withdraw(change=change, actor=request.user, reason=body["reason"])
        return self._rendered(change)

    @extend_schema(
        summary="Record the SAMs' endorsement (secretariat)",
        description="Of a change agreed by consensus and awaiting the senior agency managers "
        "(else 409): it is then decided, and takes effect on its effective date (at once when "
        "that date has come). `endorsed_on` is today or earlier.",
        request=ChangeEndorseSerializer,
        responses={200: StructuralChangeSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def endorse(self, request, pk=None):
        change = self.get_object()
        body = parsed_body(ChangeEndorseSerializer, request)
        with naming_change_actions(change, request.user):
            structural_change_endorse(
                change=change,
                actor=request.user,
                endorsed_on=body["endorsed_on"],
                decision=body["decision"],
            )
        return self._rendered(change)

    @extend_schema(
        methods=["GET"],
        summary="The change's consensus rounds",
        responses={200: RoundPage, **errors(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Put the proposal to a consensus round (secretariat)",
        description="While it is proposed (else 409). The same rule as for a product: the "
        "members on the day are the eligible agencies, frozen with the round; silence at the "
        "deadline counts as no objection, one standing objection sends the proposal back to "
        "proposed. Eligible agencies nobody can be written to must be named in "
        "`acknowledge_unreachable`: else 400 (code unreachable_not_acknowledged) with their "
        "acronyms in `unreachable`, and nothing opened. Positions, closing, extending and "
        "cancelling are the consensus round's endpoints.",
        parameters=[location_header(201, "the new round")],
        request=ChangeRoundOpenSerializer,
        responses={201: ConsensusRoundSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="consensus-rounds")
    def consensus_rounds(self, request, pk=None):
        change = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(
                selectors.consensus_rounds_list(structural_change=change.pk)
            )
            data = ConsensusRoundSummarySerializer(
                page, many=True, context={"request": request}
            ).data
            return self.get_paginated_response(data)
        body = parsed_body(ChangeRoundOpenSerializer, request)
        with naming_change_actions(change, request.user):
            round = structural_change_round_open(
                change=change,
                actor=request.user,
                channel=body["channel"],
                deadline=body.get("deadline"),
                meeting=body.get("meeting"),
                unreachable_acknowledged=body.get("acknowledge_unreachable", False),
                **({"reason": body["reason"]} if body.get("reason") else {}),
            )
        response = round_response(request, round, status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])
        return response
