"""Small display helpers for the screening templates."""

from django import template

register = template.Library()

STATUS_CLASS = {
    "open": "text-bg-warning",
    "confirmed": "text-bg-primary",
    "dismissed": "text-bg-secondary",
    "resolved": "text-bg-success",
}
SEVERITY_CLASS = {"E": "text-bg-danger", "W": "border border-dark-subtle text-body"}
RUN_CLASS = {
    "pending": "text-bg-secondary",
    "running": "text-bg-primary",
    "done": "text-bg-success",
    "failed": "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "text-bg-light")


@register.filter
def severity_class(severity: str) -> str:
    return SEVERITY_CLASS.get(severity, "text-bg-light")


@register.filter
def run_class(status: str) -> str:
    return RUN_CLASS.get(status, "text-bg-light")


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (and the page reset)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
