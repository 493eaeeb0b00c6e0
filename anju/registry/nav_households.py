"""Menu entries and home panels for the household pages."""

from django.urls import reverse

from anju.accounts.roles import BUSINESS, Role
from anju.core import home, nav
from anju.registry import selectors, services

nav.register("农户档案", "registry:household_list", BUSINESS, order=200)


def _households(request):
    counts = selectors.home_counts(request.user)
    return {
        **counts,
        "list_url": reverse("registry:household_list"),
        "scope_url": reverse("registry:household_list") + "?campaign=on",
        "can_create": services.can_edit(request.user),
    }


home.register(
    "registry.households",
    "registry/_panel_households.html",
    [Role.TOWNSHIP_OFFICER, Role.VILLAGE_WORKER],
    _households,
    order=20,
)
