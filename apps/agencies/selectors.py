import datetime

from django.db.models import Q, QuerySet

from .models import Agency


def members_on(day: datetime.date) -> QuerySet[Agency]:
    """The agencies that are ISECG members on `day`, by country then name (Annex II order)."""
    return (
        Agency.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .order_by("country", "name")
    )
