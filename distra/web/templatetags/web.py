"""Template helpers for lists: links that keep the current filters while changing the page or sort."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied (a value of None drops the parameter)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A column heading that sorts by ``key``, and by ``-key`` when already sorted by ``key``."""
    current = context["listing"].sort
    new = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    href = query_with(context, sort=new, page=None)
    return format_html('<a href="{}" class="link-body-emphasis text-decoration-none">{}{}</a>', href, label, arrow)
