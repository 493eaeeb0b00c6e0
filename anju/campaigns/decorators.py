"""View decorators of other apps' pages about rounds: ``needs_round`` for a page that has
nothing to show before the county's first round is published (a fresh install)."""

from __future__ import annotations

import functools

from django.shortcuts import render


def needs_round(view):
    """Render "no round yet" (200) instead of the page when the user's county has no
    current round; the city administrator is pointed to the rounds page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        from anju.campaigns.models import Campaign

        if Campaign.objects.current(request.user) is None:
            return render(request, "campaigns/no_round.html", {}, status=200)
        return view(request, *args, **kwargs)

    return wrapped
