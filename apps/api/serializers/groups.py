"""Working groups, their co-chair appointments and their outlook for a year."""

from django.utils import timezone
from rest_framework import serializers

from apps.groups.models import (
    CoChairAppointment,
    GroupStatus,
    MandateVersion,
    OutlookItem,
    StructuralChange,
    WorkingGroup,
)
from apps.groups.selectors import version_in_force

from .base import (
    YEAR_RANGE,
    AgencyRefSerializer,
    DateAsStoredField,
    DeliverableRefSerializer,
    GroupRefSerializer,
    ReadSerializer,
    UserRefSerializer,
    history_link,
)


class StructuralChangeRefSerializer(ReadSerializer):
    effective_display = DateAsStoredField("effective_on", "effective_precision")

    class Meta:
        model = StructuralChange
        fields = [
            "id",
            "kind",
            "effective_on",
            "effective_precision",
            "effective_display",
            "summary",
            "decision",
        ]


class MandateVersionSerializer(ReadSerializer):
    in_force_display = DateAsStoredField("in_force_from", "in_force_precision")

    class Meta:
        model = MandateVersion
        fields = [
            "id",
            "text",
            "in_force_from",
            "in_force_precision",
            "in_force_display",
            "change",
            "source",
        ]
        extra_kwargs = {
            "in_force_from": {"help_text": "Blank: the first text the record knows."},
            "change": {"help_text": "The structural change that brought it into force, if any."},
        }


class WorkingGroupSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:working-group-detail")
    mandate = serializers.SerializerMethodField(
        help_text="The mandate in force today (the text of the current version in `mandates`)."
    )
    mandates = MandateVersionSerializer(
        many=True,
        read_only=True,
        help_text="Every version of the mandate, each from the date it came into force.",
    )
    history_url = history_link("api:working-group-history")
    status_change = StructuralChangeRefSerializer(read_only=True, allow_null=True)
    successor = GroupRefSerializer(read_only=True, allow_null=True)
    established_display = DateAsStoredField("established_on", "established_precision")

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "mandate",
            "mandates",
            "established_on",
            "established_precision",
            "established_display",
            "status",
            "status_change",
            "successor",
            "notes",
            "source",
            "history_url",
        ]

    def get_mandate(self, group: WorkingGroup) -> str:
        version = version_in_force(group.mandates.all(), timezone.localdate())
        return version.text if version else ""


class WorkingGroupQuerySerializer(serializers.Serializer):
    active_on = serializers.DateField(
        required=False,
        help_text="Only the groups active on this day: established by then, not yet merged, "
        "absorbed or closed.",
    )
    status = serializers.ChoiceField(choices=GroupStatus.choices, required=False)
    acronym = serializers.CharField(required=False, max_length=20)


class CoChairAppointmentSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cochair-appointment-detail")
    history_url = history_link("api:cochair-appointment-history")
    person = UserRefSerializer(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    group = GroupRefSerializer(read_only=True)

    class Meta:
        model = CoChairAppointment
        fields = [
            "id",
            "url",
            "person",
            "agency",
            "group",
            "starts_on",
            "ends_on",
            "source",
            "history_url",
        ]


class CoChairAppointmentQuerySerializer(serializers.Serializer):
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    agency = serializers.CharField(required=False, max_length=30, help_text="Agency acronym.")
    on = serializers.DateField(required=False, help_text="Only appointments in force that day.")


class OutlookItemSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:outlook-item-detail")
    history_url = history_link("api:outlook-item-history")
    group = GroupRefSerializer(read_only=True, allow_null=True)
    partner_groups = GroupRefSerializer(many=True, read_only=True)
    planned_deliverables = DeliverableRefSerializer(many=True, read_only=True)

    class Meta:
        model = OutlookItem
        fields = [
            "id",
            "url",
            "year",
            "group",
            "partner_groups",
            "position",
            "text",
            "planned_deliverables",
            "assessment",
            "assessment_note",
            "source",
            "history_url",
        ]


class OutlookItemQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    priorities = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only the ISECG Priorities (no group); false: only groups' items.",
    )
