from anju.accounts.roles import CITY, Role
from anju.core import home, nav
from anju.units.models import Unit

nav.register(
    "行政区划", "units:list", CITY | {Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD}, order=700
)


def _units(request):
    units = Unit.objects.for_user(request.user)
    return {
        "townships": units.townships().count(),
        "villages": units.villages().count(),
        "fictional": units.villages().filter(is_fictional=True).exists(),
    }


home.register("units.summary", "units/_panel_summary.html", [Role.CITY_ADMIN], _units, order=50)
