from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from anju.accounts.roles import ALL, CITY, Role
from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core.access import allow
from anju.core.scoping import get_scoped_or_404


@allow(Role.AUDIT_ADMIN)
def audit_log(request):
    events = AuditEvent.objects.all()
    event = request.GET.get("event", "")
    username = request.GET.get("username", "").strip()
    if event in Event.values:
        events = events.filter(event=event)
    if username:
        events = events.filter(username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"page": page, "events": Event.choices, "event": event, "username": username},
    )


# 三权分立 (SECURITY.md row 8): the system administrator reads no audit records, not even
# one record's history; everyone else reads the history of records in their scope.
HISTORY_ROLES = ALL - {Role.CITY_ADMIN}


@allow(HISTORY_ROLES)
def history(request, label: str, pk: str):
    """The change history of one record, for users whose scope covers the record."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    queryset = model._default_manager.all()
    if hasattr(queryset, "for_user"):
        obj = get_scoped_or_404(request, queryset, pk=pk)
    elif request.user.role in CITY | {Role.AUDIT_ADMIN, Role.SECURITY_ADMIN}:
        obj = queryset.filter(pk=pk).first()
        if obj is None:
            raise Http404
    else:
        raise Http404
    events = AuditEvent.objects.for_object(obj).order_by("-id")[:200]
    return render(request, "audit/history.html", {"obj": obj, "events": events})
