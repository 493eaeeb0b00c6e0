"""自筹资金, 是否举债 and 其他住房补助 become the household's (ADR 0009), step 2 of 3: each
household takes the values of its current renovation, set-wise (one UPDATE). The values do
not change, so nothing is re-screened or audited; the renovation's audit history keeps them.
Earlier (not current) renovations played no part in screening and their values stay in that
history only."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forward(apps, schema_editor):
    Household = apps.get_model("registry", "Household")
    Renovation = apps.get_model("registry", "Renovation")
    current = Renovation.objects.filter(pk=OuterRef("renovation_id"))
    Household.objects.filter(renovation__isnull=False).update(
        self_funds=Subquery(current.values("self_funds")[:1]),
        borrowed=Subquery(current.values("borrowed")[:1]),
        other_subsidy=Subquery(current.values("other_subsidy")[:1]),
    )


def backward(apps, schema_editor):
    Household = apps.get_model("registry", "Household")
    Renovation = apps.get_model("registry", "Renovation")
    owner = Household.objects.filter(renovation_id=OuterRef("pk"))
    Renovation.objects.filter(pk__in=Household.objects.values("renovation_id")).update(
        self_funds=Subquery(owner.values("self_funds")[:1]),
        borrowed=Subquery(owner.values("borrowed")[:1]),
        other_subsidy=Subquery(owner.values("other_subsidy")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_household_finances")]

    operations = [migrations.RunPython(forward, backward)]
