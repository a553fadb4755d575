"""Activities that promote the products."""

from apps.deliverables.models import Activity

from .. import selectors
from ..serializers.activities import ActivityQuerySerializer, ActivitySerializer
from .base import RecordViewSet, record_schema


@record_schema(ActivitySerializer, ActivityQuerySerializer, "activities")
class ActivityViewSet(RecordViewSet):
    """Conference papers, talks, sessions and webnews items that promote the products."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    query_serializer_class = ActivityQuerySerializer

    def records(self, **filters):
        return selectors.activities_list(**filters)
