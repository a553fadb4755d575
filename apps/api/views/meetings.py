"""Plenary meetings, teleconferences and written procedures."""

from apps.plenary.models import PlenaryMeeting

from .. import selectors
from ..serializers.meetings import MeetingQuerySerializer, MeetingSerializer
from .base import RecordViewSet, record_schema


@record_schema(MeetingSerializer, MeetingQuerySerializer, "meetings")
class MeetingViewSet(RecordViewSet):
    """Plenary meetings, monthly teleconferences and written procedures."""

    queryset = PlenaryMeeting.objects.all()
    serializer_class = MeetingSerializer
    query_serializer_class = MeetingQuerySerializer

    def records(self, **filters):
        return selectors.meetings_list(**filters)
