"""The navigation's "Home" count: the rows of the person's queues that are work to do
(apps/web/queues.py), once per request. A reader holds no role, so has no queue: their count
costs nothing; anyone else's is one query (the home page passes the one it counted)."""

from django import template

from apps.web import queues

from .people import signed_in_as

register = template.Library()

MEMO = "_my_work_count"  # on the request: the home page sets it from its own totals


def remember(request, count: int) -> None:
    setattr(request, MEMO, count)


@register.simple_tag(takes_context=True)
def my_work_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, MEMO):
        person = signed_in_as(context)  # read for the header anyway: no query of its own
        count = queues.work_count(queues.who_of(user)) if person and person.roles else 0
        remember(request, count)
    return getattr(request, MEMO)
