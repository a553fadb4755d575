import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.deliverables import selectors as deliverable_selectors
from apps.groups.models import WorkingGroup
from apps.plenary import selectors as plenary_selectors
from apps.reports.models import ReportDraft

from .common import HOME_LIST_LIMIT, _first


def home(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    group_ids = permissions.cochaired_group_ids(user)
    agency_ids = permissions.delegate_agency_ids(user)
    cochair_groups = list(WorkingGroup.objects.filter(pk__in=group_ids))
    context = {
        "today": today,
        "recent": deliverable_selectors.recent_changes(),
        "cochair_groups": cochair_groups,
        "limit": HOME_LIST_LIMIT,
    }
    if group_ids:
        context |= {
            "my_deliverables": _first(
                deliverable_selectors.deliverables_of_groups(group_ids=group_ids)
            ),
            "my_groups_query": "&".join(f"group={g.acronym}" for g in cochair_groups[:1]),
            "due_soon": _first(
                deliverable_selectors.deliverables_due(group_ids=group_ids, today=today)
            ),
            "returned": deliverable_selectors.returned_deliverables(
                group_ids=group_ids, since=today - datetime.timedelta(days=180)
            )[:HOME_LIST_LIMIT],
        }
    if agency_ids:
        context["awaiting"] = _first(plenary_selectors.rounds_awaiting(agency_ids=agency_ids))
        context["my_agencies"] = Agency.objects.filter(pk__in=agency_ids)
    if permissions.is_secretariat(user):
        context |= {
            "to_open": _first(
                deliverable_selectors.deliverables_filtered(
                    deliverable_selectors.DeliverableFilter(state="submitted", sort="target")
                )
            ),
            "closing_soon": _first(plenary_selectors.open_rounds().filter(deadline__gte=today)),
            "ready_to_close": _first(plenary_selectors.rounds_ready_to_close(today=today)),
            "is_secretariat": True,
            "report_drafts": ReportDraft.objects.order_by("-created_at")[:5],
        }
    return render(request, "web/home.html", context)
