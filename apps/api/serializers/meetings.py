"""Plenary meetings, teleconferences and written procedures."""

from rest_framework import serializers

from apps.plenary.models import PlenaryMeeting

from .base import YEAR_RANGE, AgencyRefSerializer, ReadSerializer, history_link


class MeetingSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    history_url = history_link("api:meeting-history")
    host_agency = AgencyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PlenaryMeeting
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "starts_on",
            "starts_precision",
            "ends_on",
            "place",
            "host_agency",
            "minutes",
            "source",
            "history_url",
        ]


class MeetingQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlenaryMeeting.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
