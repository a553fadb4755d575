"""Working groups, their co-chair appointments and their outlook for a year."""

from rest_framework import serializers

from apps.groups.models import (
    CoChairAppointment,
    GroupStatus,
    OutlookItem,
    StructuralChange,
    WorkingGroup,
)

from .base import (
    YEAR_RANGE,
    AgencyRefSerializer,
    DeliverableRefSerializer,
    GroupRefSerializer,
    ReadSerializer,
    UserRefSerializer,
    history_link,
)


class StructuralChangeRefSerializer(ReadSerializer):
    class Meta:
        model = StructuralChange
        fields = ["id", "kind", "effective_on", "effective_precision", "summary", "decision"]


class WorkingGroupSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:working-group-detail")
    history_url = history_link("api:working-group-history")
    status_change = StructuralChangeRefSerializer(read_only=True, allow_null=True)
    successor = GroupRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "mandate",
            "established_on",
            "established_precision",
            "status",
            "status_change",
            "successor",
            "notes",
            "source",
            "history_url",
        ]


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
