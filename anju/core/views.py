from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.core import home as home_panels
from anju.core.access import allow_any_user, public
from anju.core.models import Reminder


@allow_any_user
def home(request):
    return render(request, "core/home.html", {"panels": home_panels.panels_for(request)})


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@allow_any_user
def reminders(request):
    # What is still to do first, then what was done with (its cause resolved).
    items = Reminder.objects.for_user(request.user).order_by(
        F("done_at").desc(nulls_first=True), "-created_at", "-id"
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "core/reminders.html", {"page": page})


@allow_any_user
@require_POST
def reminders_read(request):
    Reminder.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect("core:reminders")


@allow_any_user
def reminder_open(request, pk: int):
    reminder = Reminder.objects.for_user(request.user).filter(pk=pk).first()
    if reminder is None:
        return redirect("core:reminders")
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return redirect(reminder.url or "core:reminders")
