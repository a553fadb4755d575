import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Agency


def members_on(day: datetime.date) -> QuerySet[Agency]:
    """The agencies that are ISECG members on `day`, by country then name (Annex II order)."""
    return (
        Agency.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .order_by("country", "name")
    )


def agency_label_on(agency: Agency, day: datetime.date) -> str:
    """The agency as it was called on `day`, "Name (ACR)": an earlier name applies before its
    end date (the nearest such end wins); an earlier name without one is an alternate, never
    the name of a day. Reads `agency.earlier_names.all()` (prefetch it)."""
    earlier = [n for n in agency.earlier_names.all() if n.used_until and day < n.used_until]
    earlier = [n for n in earlier if n.name]
    if earlier:
        return min(earlier, key=lambda n: n.used_until).label
    return f"{agency.name} ({agency.acronym})"


@dataclass(frozen=True)
class MemberOn:
    """A member on a day: the name it had then, and its other names in words."""

    agency: Agency
    label: str
    other_names: list[str]


def members_named_on(day: datetime.date) -> list[MemberOn]:
    """The members on `day` under the names they had then, by country as a reader sorts it
    (Ukraine before USA, whatever the database's collation), then by that name. Two queries."""
    members = []
    for agency in members_on(day).prefetch_related("earlier_names"):
        label = agency_label_on(agency, day)
        current = f"{agency.name} ({agency.acronym})"
        others = [f"now {current}"] if label != current else []
        others += [str(n) for n in agency.earlier_names.all() if n.label != label]
        members.append(MemberOn(agency=agency, label=label, other_names=others))
    return sorted(members, key=lambda m: (m.agency.country.casefold(), m.label.casefold()))
