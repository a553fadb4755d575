"""A revision's comments: the list (oldest first), one comment, and posting a comment or a reply.
Who may comment, when, and what is accepted is apps.documents.comments'."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from apps.documents.comments import comment_post
from apps.documents.models import Comment, Revision

from .. import selectors
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.comments import CommentRequestSerializer, CommentSerializer
from ..throttling import MoveThrottle
from .base import ApiView, parsed_body
from .deliverables import naming_moves
from .revision_docs import DELIVERABLE_ID, NUMBER
from .revisions import RevisionLookup

COMMENT_ID = OpenApiParameter(
    "comment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The comment's id."
)
COMMENT_EXAMPLE = OpenApiExample(
    "A reply",
    response_only=True,
    value={
        "id": 12,
        "url": "https://tracker.example.org/api/v1/deliverables/7/revisions/1/comments/12/",
        "parent": 11,
        "author": {"id": 9, "username": "delegate-esa", "name": "Delegate-Esa"},
        "quote": "The Moon and Mars.",
        "body": "ESA would add the Gateway timeline here.",
        "deliverable_state": "wg_review",
        "created_at": "2025-05-14T08:05:00Z",
        "replies": 0,
    },
)
POST_EXAMPLE = OpenApiExample(
    "Reply, quoting the text",
    request_only=True,
    value={
        "body": "ESA would add the Gateway timeline here.",
        "quote": "The Moon and Mars.",
        "parent": 11,
    },
)


@extend_schema(tags=["comments"], parameters=[DELIVERABLE_ID, NUMBER])
@extend_schema_view(
    list=extend_schema(
        summary="The revision's comments and replies, oldest first",
        description="Every comment in one list; a reply names its `parent`. Read by any "
        "signed-in user.",
        responses={200: CommentSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[COMMENT_EXAMPLE],
    ),
    create=extend_schema(
        summary="Comment on the revision, or reply (co-chairs, delegates, the secretariat)",
        description="While the deliverable is in WG review or in a consensus round (409 "
        "otherwise). `quote` must be a passage of the revision's extracted text; `parent` a "
        "comment on the same revision (400 naming the field otherwise). Text is stored as "
        "sent, never as HTML; control characters other than tabs and line breaks are refused.",
        parameters=[location_header(201, "the new comment")],
        request=CommentRequestSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
        examples=[POST_EXAMPLE, COMMENT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One comment",
        parameters=[COMMENT_ID],
        responses={200: CommentSerializer, **errors(*READ_ERRORS)},
        examples=[COMMENT_EXAMPLE],
    ),
)
class CommentViewSet(RevisionLookup, ApiView, viewsets.GenericViewSet):
    """Comments on a revision during WG review and consensus rounds; replies thread under their
    parent. Never edited or deleted."""

    serializer_class = CommentSerializer
    queryset = Comment.objects.none()  # reads go through the selectors, by revision
    lookup_field = "pk"
    lookup_url_kwarg = "comment_id"  # `id` is the deliverable's
    lookup_value_regex = r"\d+"

    def get_throttles(self):
        if self.action == "create":
            return [MoveThrottle()]
        return super().get_throttles()

    def _context(self, revision: Revision) -> dict:
        return {**self.get_serializer_context(), "revision": revision}

    def list(self, request, id=None, number=None):
        revision = self.revision()
        page = self.paginate_queryset(selectors.revision_comments(revision=revision))
        data = CommentSerializer(page, many=True, context=self._context(revision)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, id=None, number=None, comment_id=None):
        revision = self.revision()
        comment = selectors.revision_comments(revision=revision).filter(pk=comment_id).first()
        if comment is None:
            listed = reverse("api:revision-comment-list", kwargs={"id": id, "number": number})
            raise exceptions.NotFound(
                f"Revision {revision.label} has no comment {comment_id}; its comments are "
                f"listed at {listed}."
            )
        return Response(CommentSerializer(comment, context=self._context(revision)).data)

    def create(self, request, id=None, number=None):
        revision = self.revision()
        body = parsed_body(CommentRequestSerializer, request)
        parent = self._parent(revision, body.get("parent"))
        with naming_moves(revision.deliverable, request.user):
            comment = comment_post(
                revision=revision,
                actor=request.user,
                body=body["body"],
                quote=body.get("quote", ""),
                parent=parent,
            )
        fresh = selectors.revision_comments(revision=revision).get(pk=comment.pk)
        data = CommentSerializer(fresh, context=self._context(revision)).data
        response = Response(data, status=status.HTTP_201_CREATED)
        # A plain str: WSGI servers that check header types refuse the serializer's own.
        response["Location"] = str(data["url"])
        return response

    @staticmethod
    def _parent(revision: Revision, pk: int | None) -> Comment | None:
        """The comment replied to; one on another revision is the service's to refuse."""
        if pk is None:
            return None
        parent = Comment.objects.filter(pk=pk).first()
        if parent is None:
            listed = reverse(
                "api:revision-comment-list",
                kwargs={"id": revision.deliverable_id, "number": revision.number},
            )
            raise exceptions.ValidationError(
                {"parent": [f"No comment with id {pk}: reply to one listed at {listed}."]}
            )
        return parent
