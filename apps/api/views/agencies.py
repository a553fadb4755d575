"""ISECG's member agencies."""

from apps.agencies.models import Agency

from .. import selectors
from ..serializers.agencies import AgencyQuerySerializer, AgencySerializer
from .base import RecordViewSet, record_schema


@record_schema(AgencySerializer, AgencyQuerySerializer, "agencies")
class AgencyViewSet(RecordViewSet):
    """ISECG's member agencies, with earlier names; `member_on` gives the members on a day."""

    queryset = Agency.objects.all()
    serializer_class = AgencySerializer
    query_serializer_class = AgencyQuerySerializer

    def records(self, **filters):
        return selectors.agencies_list(**filters)
