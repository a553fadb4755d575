"""The header's "Signed in as": the person's name and roles (accounts.selectors.person_of),
computed once per request, so no view has to pass them."""

from django import template

from apps.accounts.selectors import Person, person_of

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_as(context) -> Person | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, "_signed_in_as"):
        request._signed_in_as = person_of(user=user)
    return request._signed_in_as
