"""Objections followed to their resolution: one item per agency that objected in a round, and the
body that answers one. An item is named by its round and its id."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.limits import REASON_MAX_LENGTH
from apps.plenary.models import Objection

from .base import AgencyRefSerializer, ReadSerializer, StrictCharField, UserRefSerializer, paginated
from .revisions import revision_url


class ResolvingRevisionSerializer(serializers.Serializer):
    """The revision an objection was resolved in."""

    number = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.URLField()


@extend_schema_field(OpenApiTypes.URI)
class AnswerLink(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item: Objection) -> str:
        path = reverse("api:objection-answer", kwargs={"id": item.round_id, "item": item.pk})
        return self.context["request"].build_absolute_uri(path)


class ObjectionSerializer(ReadSerializer):
    agency = AgencyRefSerializer(read_only=True)
    resolved_in = serializers.SerializerMethodField(
        help_text="The revision that resolves it (status resolved); null otherwise."
    )
    decided_by = UserRefSerializer(
        read_only=True, allow_null=True, help_text="Who answered or withdrew it; null: open."
    )
    answer_url = AnswerLink(help_text="POST here to answer it (while it is open).")

    class Meta:
        model = Objection
        fields = [
            "id",
            "round",
            "agency",
            "rationale",
            "status",
            "resolved_in",
            "response",
            "decided_by",
            "decided_at",
            "answer_url",
        ]
        extra_kwargs = {
            "round": {"help_text": "The round's id."},
            "rationale": {"help_text": "The agency's latest rationale for objecting."},
            "response": {
                "help_text": "How it was answered (the co-chairs' answer, the reason it is not "
                "accepted, or the agency's withdrawal); blank while open."
            },
        }

    @extend_schema_field(ResolvingRevisionSerializer(allow_null=True))
    def get_resolved_in(self, item: Objection) -> dict | None:
        revision = item.resolved_in
        if revision is None:
            return None
        return {
            "number": revision.number,
            "label": revision.label,
            "url": revision_url(self.context["request"], "api:revision-detail", revision),
        }


ObjectionPage = paginated(ObjectionSerializer, "ObjectionPage")

ANSWERS = [
    Objection.Status.RESOLVED.value,
    Objection.Status.NOT_ACCEPTED.value,
    Objection.Status.WITHDRAWN.value,
]


class ObjectionAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ANSWERS,
        help_text="resolved (in `revision`) or not_accepted: the lead group's co-chairs or the "
        "secretariat; withdrawn: the agency's delegate, or the secretariat on its behalf.",
        error_messages={"invalid_choice": "Give resolved, not_accepted or withdrawn."},
    )
    response = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="How the objection was answered (for not_accepted: the reason); required "
        "unless withdrawn. The agencies read it before the next round.",
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=32767,
        help_text="For resolved: the number of the revision that answers it, a later one than "
        "the round's.",
    )
