"""Menu entries and home panels of the spot-checks."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import TOWNSHIP, Role
from anju.core import home, nav

nav.register("抽查", "inspections:plan", [Role.CITY_REVIEWER], order=500)
nav.register("抽查", "inspections:mine", [Role.INSPECTOR], order=500)
nav.register("抽查结果", "inspections:results", TOWNSHIP, order=500)


def _reviewer(request):
    from anju.inspections import verdicts
    from anju.inspections.models import Sample

    sample = Sample.objects.for_user(request.user).first()
    if sample is None:
        return {"sample": None, "plan_url": reverse("inspections:plan")}
    villages = verdicts.village_results(sample)
    return {
        "sample": sample,
        "summary": verdicts.summary(villages),
        "url": reverse("inspections:sample", args=[sample.pk]),
        "plan_url": reverse("inspections:plan"),
    }


def _inspector(request):
    from anju.inspections.models import Sample, SampleHousehold

    mine = SampleHousehold.objects.filter(
        sample_village__inspector=request.user, sample__status=Sample.Status.DRAWN
    )
    return {
        "total": mine.count(),
        "left": mine.filter(visit__isnull=True).count(),
        "url": reverse("inspections:mine"),
    }


def _township(request):
    from anju.inspections.models import Sample, SpotCheckProblem

    unit = request.user.unit
    published = Sample.objects.published().filter(villages__township=unit).distinct().count()
    confirmed = SpotCheckProblem.objects.filter(
        confirmed_entry__isnull=False, visit__sample_household__township=unit
    ).count()
    if not published and not confirmed:
        return None
    return {"published": published, "confirmed": confirmed, "url": reverse("inspections:results")}


home.register(
    "inspections.reviewer", "inspections/_panel_reviewer.html", [Role.CITY_REVIEWER], _reviewer, 50
)
home.register(
    "inspections.inspector", "inspections/_panel_inspector.html", [Role.INSPECTOR], _inspector, 10
)
home.register("inspections.township", "inspections/_panel_township.html", TOWNSHIP, _township, 60)
