"""Screen the demo county once so its findings are there on first login."""

from __future__ import annotations

from anju.screening import services
from anju.screening.models import Run
from anju.units.models import Unit


def build(ctx) -> None:
    if Run.objects.filter(kind=Run.Kind.COUNTY).exists():
        ctx.say("演示筛查：已有全县筛查，跳过")
        return
    county = Unit.objects.filter(level="county").order_by("code").first()
    if county is None:
        ctx.say("演示筛查：没有县级单位，跳过")
        return
    run = services.execute_run(services.create_run(unit=county).pk)
    ctx.say(f"演示筛查：{run.households} 户，发现问题 {run.hits} 条")
