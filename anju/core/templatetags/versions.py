"""``{% version_input obj %}``: the hidden version of the record a one-button form acts on
(transitions, approvals, reviews; see ``anju/core/versions.py``)."""

from django import template
from django.utils.html import format_html

from anju.core.versions import FIELD, version_of

register = template.Library()


@register.simple_tag
def version_input(obj):
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, version_of(obj))
