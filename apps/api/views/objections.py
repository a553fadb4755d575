"""A round's objections, followed to their resolution: the items (one per agency that objected)
and answering one. Who may answer how is apps.plenary.objections'."""

from contextlib import contextmanager

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.documents.models import Revision
from apps.plenary.models import ConsensusRound, Objection
from apps.plenary.objections import objection_answer

from .. import selectors
from ..schema import LIST_ERRORS, errors
from ..serializers.objections import ObjectionAnswerSerializer, ObjectionSerializer
from ..throttling import MoveThrottle
from .base import ApiView, parsed_body

ROUND_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The consensus round's id."
)
ITEM = OpenApiParameter(
    "item",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The objection item's id (as listed, and as a refused round opening names "
    "them in `open_objections`).",
)
OBJECTION_EXAMPLE = OpenApiExample(
    "Resolved in 02",
    response_only=True,
    value={
        "id": 3,
        "round": 5,
        "agency": {
            "id": 2,
            "url": "https://tracker.example.org/api/v1/agencies/2/",
            "acronym": "ESA",
            "name": "European Space Agency",
        },
        "rationale": "Chapter 3 leaves out the Gateway logistics module.",
        "status": "resolved",
        "resolved_in": {
            "number": 2,
            "label": "02",
            "url": "https://tracker.example.org/api/v1/deliverables/7/revisions/2/",
        },
        "response": "Chapter 3 now covers the logistics module (section 3.4).",
        "decided_by": {"id": 4, "username": "cochair-twg", "name": "Cochair-Twg"},
        "decided_at": "2025-06-02T10:00:00Z",
        "answer_url": "https://tracker.example.org/api/v1/consensus-rounds/5/objections/3/answer/",
    },
)
ANSWER_EXAMPLE = OpenApiExample(
    "Resolved in a revision",
    request_only=True,
    value={
        "status": "resolved",
        "response": "Chapter 3 now covers the logistics module (section 3.4).",
        "revision": 2,
    },
)


@contextmanager
def naming_item_status(item: Objection):
    """A 409 on an item names its status; an answered item allows no further answer."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            exc.extra.setdefault("state", Objection.objects.get(pk=item.pk).status)
            exc.extra.setdefault("allowed", [])
        raise


@extend_schema(tags=["consensus rounds"])
@extend_schema_view(
    list=extend_schema(
        summary="The round's objections and how each was answered",
        description="One item per agency that objected: open until the lead group's co-chairs "
        "or the secretariat answer it (resolved in a later revision, or not accepted with the "
        "reason) or the agency withdraws it. A new round opens only when no item of the last "
        "objected round is open. Read by any signed-in user.",
        parameters=[ROUND_ID],
        responses={200: ObjectionSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[OBJECTION_EXAMPLE],
    ),
)
class ObjectionViewSet(ApiView, viewsets.GenericViewSet):
    """Objections of a consensus round, each followed to its resolution."""

    serializer_class = ObjectionSerializer
    queryset = Objection.objects.none()  # reads go through the selectors, by round
    lookup_field = "pk"
    lookup_url_kwarg = "item"  # `id` is the round's
    lookup_value_regex = r"\d+"

    def get_throttles(self):
        if self.action == "answer":
            return [MoveThrottle()]
        return super().get_throttles()

    def round(self) -> ConsensusRound:
        round = (
            ConsensusRound.objects.select_related("deliverable__lead_group", "structural_change")
            .filter(pk=self.kwargs["id"])
            .first()
        )
        if round is None:
            raise exceptions.NotFound(
                f"No consensus round with id {self.kwargs['id']!r}; the list is at "
                f"{reverse('api:consensus-round-list')}."
            )
        return round

    def list(self, request, id=None):
        page = self.paginate_queryset(selectors.round_objections(round=self.round()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Answer an objection: resolved, not accepted, or withdrawn",
        description="resolved (naming the later `revision` that answers it, with a `response`) "
        "and not_accepted (the reason in `response`): the lead group's co-chairs or the "
        "secretariat. withdrawn: the agency's delegate, or the secretariat on its behalf. In a "
        "round on a structural change there is no revision: not_accepted (by the secretariat or "
        "a co-chair of a group it affects) or withdrawn. An item already answered is a 409 "
        "with its status.",
        parameters=[ROUND_ID, ITEM],
        request=ObjectionAnswerSerializer,
        responses={200: ObjectionSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
        examples=[ANSWER_EXAMPLE, OBJECTION_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, id=None, item=None):
        round = self.round()
        objection = round.objections.filter(pk=item).first()
        if objection is None:
            listed = reverse("api:objection-list", kwargs={"id": round.pk})
            raise exceptions.NotFound(
                f"Round {round.pk} has no objection item {item}; its items are listed at {listed}."
            )
        body = parsed_body(ObjectionAnswerSerializer, request)
        revision = self._named_revision(round, body.get("revision"))
        with naming_item_status(objection):
            objection_answer(
                objection=objection,
                actor=request.user,
                status=body["status"],
                response=body.get("response", ""),
                revision=revision,
            )
        fresh = selectors.round_objections(round=round).get(pk=objection.pk)
        return Response(self.get_serializer(fresh).data)

    @staticmethod
    def _named_revision(round: ConsensusRound, number: int | None) -> Revision | None:
        if number is None:
            return None
        if round.structural_change_id:
            raise exceptions.ValidationError(
                {
                    "revision": [
                        "This round decides a proposed structural change, which has no "
                        "revisions: leave revision out (its objections are not accepted, or "
                        "withdrawn)."
                    ]
                }
            )
        revision = selectors.revision_of(deliverable=round.deliverable, number=number)
        if revision is None:
            listed = reverse("api:revision-list", kwargs={"id": round.deliverable_id})
            raise exceptions.ValidationError(
                {"revision": [f"'{round.deliverable}' has no revision {number:02d}: see {listed}."]}
            )
        return revision
