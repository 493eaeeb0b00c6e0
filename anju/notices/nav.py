"""Menu entry and home panels of notices."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import TOWNSHIP, Role
from anju.core import home, nav

nav.register("通报", "notices:list", [Role.CITY_REVIEWER], order=550)


def _reviewer(request):
    from anju.notices.models import Notice

    notices = Notice.objects.for_user(request.user).defer("document", "evidence")
    drafts = list(notices.drafts().order_by("-updated_at")[:3])
    return {
        "drafts": drafts,
        "draft_count": notices.drafts().count(),
        "issued_count": notices.issued().count(),
        "propose_url": reverse("notices:propose"),
        "list_url": reverse("notices:list"),
    }


def _readers(request):
    """Issued notices the user may read: those naming their township, or (city
    administrator) all; hidden when there are none."""
    from anju.notices.models import Notice

    issued = Notice.objects.for_user(request.user).issued().defer("document", "evidence")
    latest = list(issued.prefetch_related("units")[:3])
    if not latest:
        return None
    unit_id = request.user.unit_id
    for notice in latest:
        notice.mine = next((u for u in notice.units.all() if u.township_id == unit_id), None)
    return {"notices": latest, "count": issued.count(), "list_url": reverse("notices:list")}


home.register(
    "notices.reviewer", "notices/_panel_reviewer.html", [Role.CITY_REVIEWER], _reviewer, order=55
)
home.register(
    "notices.readers",
    "notices/_panel_readers.html",
    [Role.CITY_ADMIN, *TOWNSHIP],
    _readers,
    order=15,
)
