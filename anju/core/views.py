from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from anju.core import home as home_panels
from anju.core.access import allow_any_user, public


@allow_any_user
def home(request):
    return render(request, "core/home.html", {"panels": home_panels.panels_for(request)})


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
