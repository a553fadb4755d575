"""The header's unread count and the watch form, read from the person's summary
(selectors.summary_of: one query per request for both): no view has to pass them."""

from django import template

from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup

from ..models import Level, Watch
from ..selectors import summary_of

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = _user(context)
    return summary_of(user).unread if user is not None else 0


@register.inclusion_tag("web/_watch_form.html", takes_context=True)
def watch_form(context, target=None) -> dict:
    """The form to watch `target` (a deliverable, a working group; none: everything)."""
    if isinstance(target, Deliverable):
        scope, what = Watch.Scope.DELIVERABLE, "this deliverable"
    elif isinstance(target, WorkingGroup):
        scope, what = Watch.Scope.GROUP, f"{target.acronym}'s deliverables"
    else:
        scope, what, target = Watch.Scope.EVERYTHING, "everything", None
    user = _user(context)
    target_id = target.pk if target is not None else None
    state = summary_of(user).watch_of(scope, target_id) if user is not None else None
    request = context.get("request")
    return {
        "csrf_token": context.get("csrf_token"),
        "scope": scope,
        "target_id": target_id,
        "what": what,
        "state": state,
        "levels": Level.choices,
        "next": request.get_full_path() if request is not None else "",
    }
