"""Activities that promote the products: papers, talks, sessions, webnews items."""

from rest_framework import serializers

from apps.deliverables.models import Activity

from .base import (
    YEAR_RANGE,
    DateAsStoredField,
    DeliverableRefSerializer,
    GroupRefSerializer,
    ReadSerializer,
    history_link,
)


class ActivitySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    history_url = history_link("api:activity-history")
    deliverables = DeliverableRefSerializer(many=True, read_only=True)
    group = GroupRefSerializer(read_only=True, allow_null=True)
    occurred_display = DateAsStoredField("occurred_on", "occurred_precision")

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "occurred_on",
            "occurred_precision",
            "occurred_display",
            "event",
            "place",
            "link",
            "deliverables",
            "group",
            "summary",
            "source",
            "history_url",
        ]


class ActivityQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    deliverable = serializers.IntegerField(
        required=False, min_value=1, help_text="Only activities promoting this deliverable (id)."
    )
