from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.selectors import members_on
from apps.groups.selectors import disputes

from ..forms.agencies import MembersOnForm


def agency_list(request: HttpRequest) -> HttpResponse:
    form = MembersOnForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    members = members_on(day).prefetch_related("earlier_names")
    context = {
        "form": form,
        "day": day,
        "members": members,
        # Heads of delegation whose dates the sources disagree on, until settled.
        "delegate_disputes": disputes(kind="delegate"),
        "may_settle": permissions.may_manage_record(request.user),
    }
    return render(request, "web/agency_list.html", context)
