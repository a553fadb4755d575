"""Comments on a revision: one comment or reply as the API shows it, and the body that posts one.
A comment is named by its revision (deliverable and number) and its id."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.limits import NOTE_MAX_LENGTH
from apps.documents.models import Comment

from .base import ReadSerializer, StrictCharField, UserRefSerializer, paginated

# The ids a database integer holds: a larger one is a 400 naming it, never a query error.
MAX_ID = 2**31 - 1


def comments_url(request, revision) -> str:
    path = reverse(
        "api:revision-comment-list",
        kwargs={"id": revision.deliverable_id, "number": revision.number},
    )
    return request.build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class CommentLink(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, comment: Comment) -> str:
        revision = self.context["revision"]
        path = reverse(
            "api:revision-comment-detail",
            kwargs={
                "id": revision.deliverable_id,
                "number": revision.number,
                "comment_id": comment.pk,
            },
        )
        return self.context["request"].build_absolute_uri(path)


class CommentSerializer(ReadSerializer):
    url = CommentLink()
    author = UserRefSerializer(read_only=True)
    replies = serializers.IntegerField(
        source="reply_count", help_text="How many replies answer this comment."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "url",
            "parent",
            "author",
            "quote",
            "body",
            "deliverable_state",
            "created_at",
            "replies",
        ]
        extra_kwargs = {
            "parent": {"help_text": "The id of the comment this one replies to; null: a comment."},
            "quote": {"help_text": "The passage of the revision's text commented on, or blank."},
            "body": {"help_text": "As written: plain text, never HTML (escape it to show it)."},
            "deliverable_state": {
                "help_text": "The deliverable's state when it was written: wg_review or "
                "in_consensus."
            },
        }


CommentPage = paginated(CommentSerializer, "CommentPage")


class CommentRequestSerializer(serializers.Serializer):
    body = StrictCharField(
        max_length=NOTE_MAX_LENGTH,
        help_text="The comment, as plain text (tabs and line breaks kept; other control "
        "characters are refused).",
        error_messages={"blank": "Write the comment.", "required": "Write the comment."},
    )
    quote = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text="A passage of the revision's text, copied as it is there (refused if the "
        "extracted text does not hold it).",
    )
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="To reply: the id of a comment on the same revision.",
    )
