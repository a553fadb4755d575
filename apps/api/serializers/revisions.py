"""A deliverable's revisions: their facts, the upload and status bodies, and the diff between
two of them. A revision is named by its deliverable and its number (00, 01, …), never by id."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from apps.documents.files import ACCEPTED_LIST
from apps.documents.models import Revision

from .base import ReadSerializer, StrictCharField, UserRefSerializer, paginated


def revision_url(request, view_name: str, revision: Revision) -> str:
    path = reverse(view_name, kwargs={"id": revision.deliverable_id, "number": revision.number})
    return request.build_absolute_uri(path)


def diff_url(request, deliverable_id: int, old: int, new: int) -> str:
    path = reverse("api:revision-diff", kwargs={"id": deliverable_id})
    return request.build_absolute_uri(f"{path}?from={old}&to={new}")


@extend_schema_field(OpenApiTypes.URI)
class RevisionLink(serializers.Field):
    """The absolute URL of one of a revision's endpoints (it is named by deliverable and number)."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, revision: Revision) -> str:
        return revision_url(self.context["request"], self.view_name, revision)


class RevisionSerializer(ReadSerializer):
    url = RevisionLink("api:revision-detail")
    label = serializers.CharField(help_text='The number as people write it: "00", "01", …')
    uploaded_by = UserRefSerializer(read_only=True)
    file_url = RevisionLink(
        "api:revision-file", help_text="Download of the file (its ETag is the SHA-256)."
    )
    diff_url = serializers.SerializerMethodField(
        help_text="What changed since the previous revision; null for 00."
    )
    history_url = RevisionLink("api:revision-history")

    class Meta:
        model = Revision
        fields = [
            "url",
            "deliverable",
            "number",
            "label",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "note",
            "kind",
            "kind_reason",
            "uploaded_by",
            "uploaded_at",
            "status",
            "status_reason",
            "is_sample",
            "text_state",
            "text_error",
            "file_url",
            "diff_url",
            "history_url",
        ]
        extra_kwargs = {
            "deliverable": {"help_text": "The deliverable's id."},
            "size": {"help_text": "In bytes."},
            "sha256": {"help_text": "SHA-256 of the bytes, in hex: the file's ETag."},
            "content_type": {"help_text": "Found in the bytes: DOCX, ODT or PDF."},
            "text_state": {"help_text": "The text extraction: a diff needs `done`."},
        }

    def get_diff_url(self, revision: Revision) -> str | None:
        if revision.number == 0:
            return None
        request = self.context["request"]
        return diff_url(request, revision.deliverable_id, revision.number - 1, revision.number)


RevisionPage = paginated(RevisionSerializer, "RevisionPage")


class RevisionRefSerializer(serializers.Serializer):
    """The revision a round is on (or a position was given on)."""

    number = serializers.IntegerField()
    label = serializers.CharField()
    sha256 = serializers.CharField(help_text="The SHA-256 the round keeps for its text.")
    url = serializers.URLField()
    file_url = serializers.URLField()


def revision_ref(request, revision: Revision | None, sha256: str = "") -> dict | None:
    if revision is None:
        return None
    return {
        "number": revision.number,
        "label": revision.label,
        "sha256": sha256 or revision.sha256,
        "url": revision_url(request, "api:revision-detail", revision),
        "file_url": revision_url(request, "api:revision-file", revision),
    }


# --- request bodies --------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file part of a multipart body; what it may be is the service's question."""


class RevisionUploadSerializer(serializers.Serializer):
    file = UploadField(
        allow_empty_file=True,  # the service says what an empty file should have been
        help_text=f"{ACCEPTED_LIST[0].upper()}{ACCEPTED_LIST[1:]}, whose name agrees with its "
        "bytes, at most REVISION_MAX_MB (50 MB unless configured). Anything else is refused "
        "with a 400 naming what was sent and what is accepted.",
        error_messages={"required": f"Send the file: {ACCEPTED_LIST}."},
    )
    note = StrictCharField(
        max_length=NOTE_MAX_LENGTH,
        help_text="What changed in this revision (for 00: what the text is).",
        error_messages={
            "blank": "Say what changed in this revision (for 00: what the text is).",
            "required": "Say what changed in this revision (for 00: what the text is).",
        },
    )
    kind = serializers.ChoiceField(
        choices=[Revision.Kind.SUBSTANTIVE.value, Revision.Kind.EDITORIAL.value],
        required=False,
        help_text="Only while a consensus round is open, and then required: substantive (the "
        "round is cancelled) or editorial (the round goes on, on the new text). With no round "
        "open, leave it out (400 otherwise).",
    )
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Why the revision is substantive or editorial (required with `kind`); the "
        "delegates read it in their mail.",
    )


class RevisionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Revision.Status.SUPERSEDED.value, Revision.Status.WITHDRAWN.value],
        error_messages={"invalid_choice": "Give superseded or withdrawn."},
    )
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "blank": "Say why: this step records a reason.",
            "required": "Say why: this step records a reason.",
        },
    )


class RevisionDiffQuerySerializer(serializers.Serializer):
    """?from=N&to=M: `from` is a Python keyword, so the fields are declared here."""

    def get_fields(self):
        def number(which: str) -> serializers.IntegerField:
            message = f"Give the number of the revision to compare {which}, e.g. ?from=0&to=1."
            return serializers.IntegerField(
                min_value=0,
                max_value=32767,
                help_text=f"The number of the revision to compare {which} (0 for 00).",
                error_messages={
                    "required": message,
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                },
            )

        return {"from": number("from"), "to": number("to")}


# --- the diff --------------------------------------------------------------------------------


class WordChangeSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class ParagraphOperationSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete", "replace"])
    old = serializers.CharField(allow_null=True, help_text="The paragraph before; null: inserted.")
    new = serializers.CharField(allow_null=True, help_text="The paragraph after; null: deleted.")
    words = WordChangeSerializer(
        many=True, help_text="For a replaced paragraph, its words changed; empty otherwise."
    )


class RevisionDiffSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.IntegerField(help_text="The earlier text's revision number."),
            "to": serializers.IntegerField(help_text="The later text's revision number."),
            "operations": ParagraphOperationSerializer(
                many=True, help_text="Paragraph by paragraph, in order, turning from into to."
            ),
            "html": serializers.CharField(
                help_text="The same as inline HTML (<ins>, <del>; every text escaped), long "
                "unchanged runs summarised."
            ),
        }
