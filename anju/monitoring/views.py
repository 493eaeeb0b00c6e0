"""动态监测 pages: 登记入档 of an 应纳未纳 household (the finding's page offers it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.core.access import allow
from anju.core.scoping import get_scoped_or_404
from anju.monitoring import services
from anju.registry.services import EDITORS
from anju.screening.models import Finding
from anju.units.models import Unit


def villages_for(user, finding):
    """The villages 登记入档 may choose: the finding's township's, within the user's scope."""
    return (
        Unit.objects.for_user(user).villages().filter(parent_id=finding.township_id, is_active=True)
    )


@allow(EDITORS)
@require_POST
def register(request, pk: int):
    finding = get_scoped_or_404(
        request, Finding.objects.select_related("listed", "township"), pk=pk
    )
    village = (
        villages_for(request.user, finding).filter(pk=request.POST.get("village") or 0).first()
    )
    try:
        household = services.register_listed(user=request.user, finding=finding, village=village)
    except (services.RegisterError, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect(reverse("screening:finding", args=[finding.pk]))
    messages.success(
        request,
        f"已登记入档：{household.head_name}户（信息取自名单，请核实并补充住房信息、安排鉴定）。",
    )
    return redirect("registry:household_detail", pk=household.pk)
