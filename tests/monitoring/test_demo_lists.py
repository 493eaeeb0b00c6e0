"""The demo county's department lists (issue #18 part 5): two 防返贫监测 exports and one 民政
list of the demo's own households, imported by the real importer before the first
screening, so every reconciliation rule has findings to show; a second demo run imports
nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count

from anju.core.management.commands.demo import DemoContext
from anju.monitoring import demo as monitoring_demo
from anju.monitoring.models import ListVersion
from anju.registry import demo as registry_demo
from anju.screening import demo as screening_demo
from anju.screening.models import Finding
from anju.units import demo as units_demo

pytestmark = pytest.mark.django_db


def test_the_demo_lists_are_imported_and_reconciled():
    said = []
    ctx = DemoContext(households=800, seed=2022, villages_per_township=5, say=said.append)
    units_demo.build(ctx)
    registry_demo.build(ctx)
    monitoring_demo.build(ctx)
    screening_demo.build(ctx)
    versions = list(ListVersion.objects.order_by("id").values_list("source", "status"))
    assert versions == [("fpjc", "done"), ("fpjc", "done"), ("minzheng", "done")]
    latest = ListVersion.objects.current("fpjc")
    assert latest.summary["changes"]["added"] >= monitoring_demo.UNREGISTERED_FPJC
    assert latest.summary["changes"]["removed"] == monitoring_demo.LEFT_OUT
    counts = dict(
        Finding.objects.filter(rule_code__startswith="M-")
        .values_list("rule_code")
        .annotate(n=Count("id"))
    )
    unregistered = monitoring_demo.UNREGISTERED_FPJC + monitoring_demo.UNREGISTERED_MZ
    assert counts["M-01"] == unregistered  # a few dozen 应纳未纳
    assert counts["M-06"] == monitoring_demo.LEFT_OUT
    assert all(counts.get(code, 0) > 0 for code in ("M-02", "M-03", "M-04", "M-05")), counts
    monitoring_demo.build(ctx)
    assert ListVersion.objects.count() == 3
    assert said[-1] == "演示名单：已有名单，跳过"
