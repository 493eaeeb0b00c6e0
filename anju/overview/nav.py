"""Menu entries and the home panel of the overview."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import CITY, TOWNSHIP
from anju.core import home, nav

nav.register("全县概览", "overview:index", CITY, order=150)
nav.register("本镇概览", "overview:index", TOWNSHIP, order=150)


def _city(request):
    from anju.overview import selectors

    data = selectors.headline(request.user)
    return {**data, "url": reverse("overview:index")}


home.register("overview.city", "overview/_panel_city.html", CITY, _city, order=5)
