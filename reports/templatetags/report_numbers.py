"""What the request forms say about a register number: the symbol added after the digits typed."""

from django import template

from reports.documents.base import NUMBER_TYPES, number_ending

register = template.Library()


@register.simple_tag
def register_number_ending(kind: str, unit) -> str:
    return number_ending(kind, unit) if kind in NUMBER_TYPES and unit is not None else ""
