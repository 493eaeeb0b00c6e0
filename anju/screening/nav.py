"""Menu entry, home panels and the household-page panel of screening."""

from django.urls import reverse

from anju.accounts.roles import BUSINESS, CITY, TOWNSHIP, Role
from anju.core import home, nav
from anju.registry import panels
from anju.screening import selectors
from anju.screening.choices import Aspect
from anju.screening.models import FIRING, Finding, Run, Status

nav.register("政策筛查", "screening:findings", BUSINESS, order=250)


def _township(request):
    """Township officer and head: findings waiting to be confirmed or dismissed."""
    counts = selectors.open_by_aspect(request.user)
    return {
        "total": sum(counts.values()),
        "aspects": [(a.value, a.label, counts.get(a.value, 0)) for a in Aspect],
        "url": reverse("screening:findings") + "?status=open",
        "can_decide": request.user.role == Role.TOWNSHIP_OFFICER,
    }


def _reviewer(request):
    """City reviewer: dismissals not yet audited."""
    pending = selectors.dismissals_for(request.user, "pending")
    return {"count": pending.count(), "latest": list(pending[:5])}


def _city(request):
    """City admin and reviewer: the latest county run and the county's open findings."""
    run = Run.objects.filter(kind=Run.Kind.COUNTY).select_related("unit").first()
    firing = Finding.objects.for_user(request.user).filter(status__in=FIRING)
    return {
        "run": run,
        "firing": firing.count(),
        "open": firing.filter(status=Status.OPEN).count(),
        "can_run": True,
    }


home.register("screening.township", "screening/_panel_township.html", TOWNSHIP, _township, 20)
home.register(
    "screening.dismissals", "screening/_panel_dismissals.html", [Role.CITY_REVIEWER], _reviewer, 20
)
home.register("screening.city", "screening/_panel_city.html", CITY, _city, 25)


def _household(request, household):
    """The household page's findings: what fires now, with explanation and remedy."""
    user = request.user
    if user.role not in BUSINESS:
        return None
    findings = list(
        Finding.objects.for_user(user)
        .filter(household=household, status__in=FIRING)
        .select_related("decided_by")
        .order_by("rule_code")
    )
    resolved = (
        Finding.objects.for_user(user).filter(household=household, status=Status.RESOLVED).count()
    )
    from anju.screening import forms

    return {
        "household": household,
        "findings": findings,
        "resolved": resolved,
        "can_decide": user.role == Role.TOWNSHIP_OFFICER and household.township_id == user.unit_id,
        "next": request.get_full_path(),
        "all_url": reverse("screening:findings") + f"?household={household.pk}&status=all",
        "dismiss_form": forms.dismiss_form(),
    }


panels.register("screening.findings", "screening/_household_findings.html", _household, order=20)
