"""Dates in templates, as precisely as they are stored (core.dates): `{% load dates %}`, then
`{{ d.target_date|as_stored:d.target_precision }}` gives "2026", "Dec 2026" or "12 Dec 2026",
and `as_stored_long` "December 2026". A missing date gives "", so `|default:"—"` follows."""

from django import template

from apps.core.dates import LONG, SHORT, date_as_stored

register = template.Library()


@register.filter
def as_stored(value, precision: str = "day") -> str:
    return date_as_stored(value or None, precision or "day", style=SHORT)


@register.filter
def as_stored_long(value, precision: str = "day") -> str:
    return date_as_stored(value or None, precision or "day", style=LONG)
