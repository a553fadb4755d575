from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts import permissions
from apps.agencies.selectors import members_named_on
from apps.groups.selectors import disputes

from ..forms.agencies import MembersOnForm


def agency_list(request: HttpRequest) -> HttpResponse:
    """The members on a day (today unless `on` is given), under the names they had that day."""
    form = MembersOnForm(request.GET or None)
    today = timezone.localdate()
    day = today
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    context = {
        "form": form,
        "day": day,
        "past": day < today,
        "members": members_named_on(day),
        # Heads of delegation whose dates the sources disagree on, until settled.
        "delegate_disputes": disputes(kind="delegate"),
        "may_settle": permissions.may_manage_record(request.user),
    }
    return render(request, "web/agency_list.html", context)
