"""The overview's numbers equal direct queries on the planted data, and the refresh command
and task store them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Q

from anju.overview import keys as K
from anju.overview import selectors, services
from anju.overview.models import Metric, Snapshot
from anju.rectification.models import LedgerEntry
from anju.registry.models import Household
from anju.screening.models import FIRING, Finding
from tests.overview.conftest import TODAY, at

pytestmark = pytest.mark.django_db


def direct(township, campaign) -> dict:
    """The numbers as one would count them by hand, one query each."""
    scope = Household.objects.filter(township=township).in_campaign_scope()
    # no accepted renovation; a record without 改造方式 is none (RULES.md)
    pending = (
        Q(renovation__isnull=True)
        | Q(renovation__method="")
        | Q(renovation__accepted_on__isnull=True)
    )
    entries = LedgerEntry.objects.in_ledger().filter(campaign=campaign, township=township)
    findings = Finding.objects.filter(township=township, status__in=FIRING)
    return {
        K.HH_SCOPE: scope.count(),
        K.HH_ASSESSED: scope.filter(assessment__isnull=False).count(),
        K.HH_PLAQUED: scope.filter(plaque_posted=True).count(),
        "cd_pending": scope.filter(Q(assessment__grade__in=["C", "D"]) & pending).count(),
        "findings": findings.count(),
        K.FINDING_ASPECT["1"]: findings.filter(aspect="1").count(),
        K.FINDING_ASPECT["4"]: findings.filter(aspect="4").count(),
        K.L_TOTAL: entries.count(),
        K.L_CLOSED: entries.filter(state="closed").count(),
        K.L_OPEN: entries.open().count(),
        K.L_OVERDUE: entries.overdue(dt.date(2022, 6, 20)).count(),
    }


def test_township_rows_equal_direct_queries(
    planted, refreshed, city_reviewer, township_a, township_b
):
    with at(TODAY):
        ov = selectors.county(city_reviewer)
    rows = {r["unit"].code: r for r in ov.rows}
    for township in (township_a, township_b):
        expected = direct(township, planted.campaign)
        assert {k: rows[township.code][k] for k in expected} == expected, township.name


def test_the_planted_numbers(planted, refreshed, city_reviewer, township_a, township_b):
    with at(TODAY):
        ov = selectors.county(city_reviewer)
    a = next(r for r in ov.rows if r["unit"] == township_a)
    b = next(r for r in ov.rows if r["unit"] == township_b)
    # 火龙镇: 5 in scope (陈八 is not), 4 assessed, 2 plaqued, 张三 C + 王五 D pending
    assert (a[K.HH_SCOPE], a[K.HH_ASSESSED], a[K.HH_PLAQUED], a["cd_pending"]) == (5, 4, 2, 2)
    assert (a[K.HH_C_PENDING], a[K.HH_D_PENDING]) == (1, 1)
    assert (a["findings"], a[K.FINDING_ASPECT["1"]], a[K.FINDING_ASPECT["4"]]) == (2, 1, 1)
    assert (a[K.L_TOTAL], a[K.L_CLOSED], a[K.L_OPEN], a[K.L_OVERDUE]) == (3, 1, 2, 1)
    assert a["rate"] == 33.3
    assert (a["w_on_time"], a["w_late"], a["w_missing"], a["w_bad"]) == (1, 1, 1, 2)
    assert a["spot_label"] == "不合格" and a["spot"]["fake"] == 1
    assert (b["rate"], b["w_on_time"], b["w_bad"], b["spot_label"]) == (100.0, 3, 0, "合格")
    # the county total adds the townships up (the 24 other townships sent nothing)
    others = len(ov.rows) - 2
    assert ov.total[K.HH_SCOPE] == 7 and ov.total[K.L_TOTAL] == 6
    assert ov.total["w_missing"] == 1 + 3 * others
    # ranking: 顺店镇 (100 %) before 火龙镇 (33.3 %)
    assert b["rank"] < a["rank"]


def test_villages_and_trend_of_a_township(planted, refreshed, officer_a, township_a, village_a2):
    with at(TODAY):
        ov = selectors.township(officer_a, township_a)
    villages = {r["unit"].pk: r for r in ov.rows}
    a2 = villages[village_a2.pk]
    assert (a2[K.HH_SCOPE], a2[K.HH_ASSESSED], a2["cd_pending"], a2[K.L_TOTAL]) == (3, 2, 1, 2)
    assert sum(r[K.HH_SCOPE] for r in ov.rows) == ov.total[K.HH_SCOPE] == 5
    trend = {w["number"]: w for w in ov.trend}
    # entries written 6月1日 (week 1); 第1号 closed 6月8日 (week 2)
    assert (trend[1]["opened"], trend[2]["closed"], trend[3]["closed"]) == (3, 1, 0)
    assert [trend[n]["state"] for n in (1, 2, 3)] == ["late", "missing", "on_time"]
    # a township sees published spot-checks only: this sample is still 核查中
    assert ov.total["spot_label"] == "未抽查"


def test_county_trend_counts_townships_per_week(planted, refreshed, city_reviewer):
    with at(TODAY):
        ov = selectors.county(city_reviewer)
    trend = {w["number"]: w for w in ov.trend}
    assert (trend[1]["on_time"], trend[1]["late"]) == (1, 1)
    others = len(ov.rows) - 2
    assert (trend[2]["on_time"], trend[2]["missing"]) == (1, 1 + others)
    assert trend[3]["on_time"] == 2
    assert trend[1]["opened"] == 6 and trend[2]["closed"] == 4


def test_zero_values_are_not_stored_and_scope_cuts_metrics(
    planted, refreshed, officer_b, township_b
):
    assert not Metric.objects.filter(snapshot=refreshed, value=0).exists()
    mine = Metric.objects.for_user(officer_b).filter(snapshot=refreshed)
    assert mine.exists() and set(mine.values_list("township_id", flat=True)) == {township_b.pk}


def test_the_refresh_command_stores_a_new_snapshot(planted, capsys):
    with at(TODAY):
        call_command("refresh_overview")
        call_command("refresh_overview")
    out = capsys.readouterr().out
    assert "概览已统计" in out and "指标" in out
    done = Snapshot.objects.done().filter(campaign=planted.campaign)
    assert done.count() == 2
    latest = done.order_by("-id").first()
    assert latest.rows == Metric.objects.filter(snapshot=latest).count() > 0
    assert latest.meta["weeks"][0]["label"] == "第1周"


def test_old_snapshots_are_pruned(planted):
    with at(TODAY):
        for _ in range(services.KEEP + 2):
            services.refresh(campaign=planted.campaign)
    assert Snapshot.objects.done().filter(campaign=planted.campaign).count() == services.KEEP
    kept = Snapshot.objects.values_list("pk", flat=True)
    assert set(Metric.objects.values_list("snapshot_id", flat=True).distinct()) <= set(kept)


def test_the_background_task_refreshes(planted, city_admin):
    with at(TODAY):
        snapshot = services.request_refresh(actor=city_admin, campaign=planted.campaign)
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DONE and snapshot.requested_by == city_admin
    assert snapshot.rows > 0


def test_a_failed_refresh_is_marked_and_keeps_the_previous(planted, refreshed, monkeypatch):
    from anju.overview import compute

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(compute, "collect", broken)
    with at(TODAY), pytest.raises(RuntimeError):
        services.refresh(campaign=planted.campaign)
    failed = Snapshot.objects.get(status=Snapshot.Status.FAILED)
    assert "磁盘已满" in failed.error and not failed.metrics.exists()
    assert Snapshot.objects.latest_done(planted.campaign) == refreshed


def test_refresh_without_a_round_says_so():
    """No round at all (a fresh install): refresh() used to create a snapshot of no round and
    fail in the database; it now refuses with a message and stores nothing."""
    from anju.campaigns.models import Campaign

    Campaign.objects.all().delete()  # the test database holds the demo's round
    with pytest.raises(services.OverviewError, match="尚无进行中"):
        services.refresh()
    assert not Snapshot.objects.exists()
