"""Working groups, their co-chair appointments and their outlook (incl. the ISECG Priorities)."""

from apps.groups.models import CoChairAppointment, OutlookItem, WorkingGroup

from .. import selectors
from ..serializers.groups import (
    CoChairAppointmentQuerySerializer,
    CoChairAppointmentSerializer,
    OutlookItemQuerySerializer,
    OutlookItemSerializer,
    WorkingGroupQuerySerializer,
    WorkingGroupSerializer,
)
from .base import RecordViewSet, record_schema


@record_schema(WorkingGroupSerializer, WorkingGroupQuerySerializer, "working groups")
class WorkingGroupViewSet(RecordViewSet):
    """Working groups with their mandates and status; `active_on` gives those active on a day."""

    queryset = WorkingGroup.objects.all()
    serializer_class = WorkingGroupSerializer
    query_serializer_class = WorkingGroupQuerySerializer

    def records(self, **filters):
        return selectors.working_groups_list(**filters)


@record_schema(
    CoChairAppointmentSerializer, CoChairAppointmentQuerySerializer, "co-chair appointments"
)
class CoChairAppointmentViewSet(RecordViewSet):
    """Who co-chairs which working group, for which agency, from when until when."""

    queryset = CoChairAppointment.objects.all()
    serializer_class = CoChairAppointmentSerializer
    query_serializer_class = CoChairAppointmentQuerySerializer

    def records(self, **filters):
        return selectors.cochair_appointments_list(**filters)


@record_schema(OutlookItemSerializer, OutlookItemQuerySerializer, "outlook items")
class OutlookItemViewSet(RecordViewSet):
    """What each working group (or ISECG as a whole: the Priorities) plans for a year."""

    queryset = OutlookItem.objects.all()
    serializer_class = OutlookItemSerializer
    query_serializer_class = OutlookItemQuerySerializer

    def records(self, **filters):
        return selectors.outlook_items_list(**filters)
