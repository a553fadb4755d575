"""Structural changes in templates: `{% load changes %}`, then `{{ change|takes_effect }}`
("in effect", "takes effect on 1 July 2026") and `{% with l=change|lineage %}` (what it does
to the groups: groups.change_selectors.change_lineage)."""

from django import template

from apps.groups.change_selectors import change_lineage, takes_effect_label

register = template.Library()


@register.filter
def takes_effect(change) -> str:
    return takes_effect_label(change)


@register.filter
def lineage(change):
    return change_lineage(change)
