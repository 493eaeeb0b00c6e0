"""Planted data for the overview and notices: the seed's own calendar (2022-05-23 to
06-30; weeks due 6月3日, 6月10日, 6月15日 at 17:00), two townships, and "today" 2022-06-20.

火龙镇 (A) — the one to criticise:
  甲一村: 张三 (C级, no renovation, on entry 第1号 which is 已销号 — the spot-check finds it
          not fixed: 虚假整改), 李四 (A级, plaqued);
  甲二村: 王五 (D级, renovation not accepted), 赵六 (D级, accepted), 刘七 (not assessed), and
          陈八 — out of the campaign's scope (C级), never counted;
  ledger: 第1号 已销号, 第2号 deadline 6月10日 still open (overdue), 第3号 due 6月25日;
  weeks:  第1周 sent late (6月3日 18:00), 第2周 never sent, 第3周 on time;
  spot-check: 甲一村 不合格 (a fake fix).
顺店镇 (B) — the one to praise:
  乙一村: 杨九 (B级, plaqued), 黄十 (not assessed);
  ledger: 第1–3号 all 已销号 (100 %); weeks 1–3 on time; spot-check: 乙一村 合格.
Findings: A has two (aspect 1 and 4), B one (aspect 1), one resolved (never counted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from anju.accounts.roles import Role
from anju.campaigns.models import Campaign
from anju.inspections import sampling
from anju.inspections import services as spot
from anju.rectification import services as ledger
from anju.rectification.models import LedgerEntry, State
from anju.reporting import services as reporting
from anju.reporting.models import Schedule
from anju.screening.models import Finding
from tests.conftest import make_user
from tests.factories import make_household

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = "2022-06-20 10:00"


def at(text: str):
    return time_machine.travel(dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING), tick=False)


@dataclass
class Planted:
    campaign: Campaign
    households: dict
    entries_a: list
    entries_b: list
    sample: object


def _finding(household, *, rule, aspect, status="open"):
    now = timezone.now()
    return Finding.objects.create(
        rule_code=rule,
        aspect=aspect,
        severity="E",
        household=household,
        township=household.township,
        village=household.village,
        status=status,
        reason="经核实为重复登记" if status == "dismissed" else "",
        message="C级危房未挂牌",
        opened_at=now,
        updated_at=now,
    )


def _close(entry, when: str) -> None:
    with at(when):
        LedgerEntry.objects.filter(pk=entry.pk).update(state=State.CLOSED, closed_at=timezone.now())


def _send(campaign, township, week, when, officer, head):
    with at(when):
        submission = reporting.prepare(
            actor=officer, campaign=campaign, township=township, week=week
        )
        reporting.approve(actor=head, submission=submission)


@pytest.fixture
def head_b(township_b):
    return make_user("p_head_b", Role.TOWNSHIP_HEAD, township_b)


@pytest.fixture
def planted(
    county,
    township_a,
    township_b,
    village_a,
    village_a2,
    village_b,
    officer_a,
    head_a,
    officer_b,
    head_b,
    city_reviewer,
    inspector,
):
    Campaign.objects.update(is_active=False)
    campaign = Campaign.objects.create(
        name="禹州市2022年度第一轮巩固拓展脱贫攻坚成果农村危房改造“回头看”",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=dt.date(2022, 5, 23),
        ends_on=dt.date(2022, 6, 30),
    )
    Schedule.objects.create(
        campaign=campaign,
        mobilise_ends_on=dt.date(2022, 5, 31),
        rectify_ends_on=dt.date(2022, 6, 15),
        accept_ends_on=dt.date(2022, 6, 25),
        report_weekday=4,
        report_time=dt.time(17, 0),
    )
    hh = {
        # accepted on paper, but without a 改造方式 it is no renovation (RULES.md): pending
        "张三": make_household(
            village_a,
            head_name="张三",
            grade="C",
            renovation={"method": "", "accepted_on": dt.date(2022, 4, 1), "post_grade": "A"},
        ),
        "李四": make_household(village_a, head_name="李四", grade="A", plaque_posted=True),
        "王五": make_household(
            village_a2, head_name="王五", grade="D", renovation={"method": "原址重建"}
        ),
        "赵六": make_household(
            village_a2,
            head_name="赵六",
            grade="D",
            plaque_posted=True,
            renovation={"method": "原址重建", "accepted_on": dt.date(2022, 4, 1)},
        ),
        "刘七": make_household(village_a2, head_name="刘七"),
        "陈八": make_household(
            village_a2, head_name="陈八", grade="C", is_alleviated=False, enjoys_policy=False
        ),
        "杨九": make_household(village_b, head_name="杨九", grade="B", plaque_posted=True),
        "黄十": make_household(village_b, head_name="黄十"),
    }
    with at("2022-06-01 09:00"):
        _finding(hh["张三"], rule="A1-01", aspect="1")
        _finding(hh["王五"], rule="A4-01", aspect="4", status="confirmed")
        _finding(hh["杨九"], rule="A1-01", aspect="1", status="dismissed")
        Finding.objects.filter(pk=_finding(hh["李四"], rule="A1-02", aspect="1").pk).update(
            status="resolved"
        )
        common = {"campaign": campaign, "nature": "个性问题"}
        entries_a = [
            ledger.create_entry(
                actor=officer_a,
                township=township_a,
                village=village_a,
                description="张三户C级危房未改造",
                measures="由村两委于6月10日前组织加固维修并拍照存档",
                deadline=dt.date(2022, 6, 10),
                households=[hh["张三"]],
                **common,
            ),
            ledger.create_entry(
                actor=officer_a,
                township=township_a,
                village=village_a2,
                description="王五户D级危房重建未验收",
                measures="由镇建设办于6月10日前组织竣工验收",
                deadline=dt.date(2022, 6, 10),
                households=[hh["王五"]],
                **common,
            ),
            ledger.create_entry(
                actor=officer_a,
                township=township_a,
                village=village_a2,
                description="刘七户未鉴定",
                measures="由镇建设办于6月25日前委托鉴定并出具结果",
                deadline=dt.date(2022, 6, 25),
                households=[hh["刘七"]],
                **common,
            ),
        ]
        entries_b = [
            ledger.create_entry(
                actor=officer_b,
                township=township_b,
                village=village_b,
                description=f"乙一村第{n}项问题",
                measures="由村两委于6月10日前完成整改并拍照存档",
                deadline=dt.date(2022, 6, 10),
                households=[hh["杨九"]],
                **common,
            )
            for n in (1, 2, 3)
        ]
    _close(entries_a[0], "2022-06-08 10:00")
    for e in entries_b:
        _close(e, "2022-06-09 10:00")
    _send(campaign, township_a, 1, "2022-06-03 18:00", officer_a, head_a)
    _send(campaign, township_a, 3, "2022-06-15 16:00", officer_a, head_a)
    for week, when in ((1, "2022-06-03 16:00"), (2, "2022-06-10 16:00"), (3, "2022-06-15 16:00")):
        _send(campaign, township_b, week, when, officer_b, head_b)
    with at("2022-06-18 09:00"):
        sample = spot.draw_sample(
            actor=city_reviewer,
            campaign=campaign,
            params=sampling.Params(villages=3, per_village=2, rank_share=100, fail_at=1),
            seed=7,
        ).sample
        spot.assign(
            actor=city_reviewer,
            sample=sample,
            assignments={sv.pk: inspector for sv in sample.villages.all()},
        )
    with at("2022-06-19 10:00"):
        for sh in sample.households.select_related("household", "sample", "sample_village"):
            if sh.village_id == village_a2.pk:
                continue
            problems = []
            if sh.household_id == hh["张三"].pk:
                problems = [
                    spot.ProblemInput(
                        aspect="1",
                        description="台账称已整改销号，现场仍为C级危房",
                        ledger_entry_id=entries_a[0].pk,
                    )
                ]
            spot.record_visit(
                actor=inspector,
                sample_household=sh,
                visited_on=dt.date(2022, 6, 19),
                found_nothing=not problems,
                note="",
                problems=problems,
            )
    return Planted(campaign, hh, entries_a, entries_b, sample)


@pytest.fixture
def refreshed(planted):
    from anju.overview import services

    with at(TODAY):
        snapshot = services.refresh(campaign=planted.campaign)
    return snapshot


@pytest.fixture
def today():
    """Run the test body at the planted "today" (2022-06-20 10:00, Beijing)."""
    with at(TODAY):
        yield
