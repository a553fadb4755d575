"""ISECG's member agencies and their earlier names."""

from rest_framework import serializers

from apps.agencies.models import Agency, AgencyName

from .base import ReadSerializer, history_link


class AgencyNameSerializer(ReadSerializer):
    class Meta:
        model = AgencyName
        fields = ["name", "acronym", "used_until", "used_until_precision", "note"]


class AgencySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail")
    history_url = history_link("api:agency-history")
    earlier_names = AgencyNameSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "country",
            "joined_on",
            "joined_precision",
            "left_on",
            "left_precision",
            "website",
            "earlier_names",
            "notes",
            "source",
            "history_url",
        ]


class AgencyQuerySerializer(serializers.Serializer):
    member_on = serializers.DateField(
        required=False, help_text="Only the agencies that are members on this day (YYYY-MM-DD)."
    )
