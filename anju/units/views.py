from django.db.models import Count, Q
from django.shortcuts import render

from anju.accounts.roles import CITY, Role
from anju.core.access import allow
from anju.units.models import Unit


@allow(CITY | {Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD})
def unit_list(request):
    units = Unit.objects.for_user(request.user)
    townships = units.townships().annotate(
        village_count=Count("children", filter=Q(children__is_active=True))
    )
    villages = units.villages().select_related("parent")
    township_code = request.GET.get("township", "")
    if township_code:
        villages = villages.filter(parent__code=township_code)
    elif request.user.unit.level != "township":
        villages = villages.none()
    return render(
        request,
        "units/list.html",
        {"townships": townships, "villages": villages, "township_code": township_code},
    )
