"""ISECG's member agencies and their earlier names."""

from rest_framework import serializers

from apps.agencies.models import Agency, AgencyName

from .base import DateAsStoredField, ReadSerializer, history_link


class AgencyNameSerializer(ReadSerializer):
    used_until_display = DateAsStoredField("used_until", "used_until_precision")

    class Meta:
        model = AgencyName
        fields = [
            "name",
            "acronym",
            "used_until",
            "used_until_precision",
            "used_until_display",
            "notes",
        ]


class AgencySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail")
    history_url = history_link("api:agency-history")
    earlier_names = AgencyNameSerializer(many=True, read_only=True)
    joined_display = DateAsStoredField("joined_on", "joined_precision")
    left_display = DateAsStoredField("left_on", "left_precision")

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
            "joined_display",
            "left_on",
            "left_precision",
            "left_display",
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
