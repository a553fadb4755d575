from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.agencies.models import Agency
from apps.deliverables import selectors as deliverable_selectors
from apps.groups.models import WorkingGroup

from .. import activity, queues
from ..templatetags.my_work import remember
from .common import _first


def home(request: HttpRequest) -> HttpResponse:
    """The person's queues, role by role (queues.py), and what happened lately to what they
    follow (activity.py)."""
    who = queues.who_of(request.user, today=timezone.localdate(), resolve=True)
    names = {
        "agencies": list(
            Agency.objects.filter(pk__in=who.agency_ids)
            .order_by("acronym")
            .values_list("acronym", flat=True)
        )
        if who.delegate
        else [],
        "groups": list(WorkingGroup.objects.filter(pk__in=who.group_ids).order_by("acronym"))
        if who.cochair
        else [],
    }
    roles, count = queues.home_queues(who, names)
    remember(request, count)  # the navigation shows the same count, not counted again
    context = {
        "today": who.today,
        "roles": roles,
        "work_count": count,
        "cochair_groups": names["groups"],
        "recent": activity.recent_activity(who),
    }
    if who.cochair:  # their "my documents": everything their groups have in progress
        context["my_deliverables"] = _first(
            deliverable_selectors.deliverables_of_groups(group_ids=who.group_ids)
        )
        context["my_groups_query"] = "&".join(f"group={g.acronym}" for g in names["groups"][:1])
    return render(request, "web/home.html", context)
