"""Weekly reporting fixtures: the seed's own calendar (禹建〔2022〕39号, 2022-05-23 to
2022-06-30) with its phases — 动员部署 to 5月31日, 排查整改 to 6月15日, 总结验收 to 6月25日 —
and reports due every Friday at 17:00. The weeks are then:

    第1周 6月1日（三）—6月3日（五）  due 6月3日 17:00
    第2周 6月4日—6月10日（五）       due 6月10日 17:00
    第3周 6月11日—6月15日（三）      due 6月15日 17:00; 排查整改 closes 6月16日 00:00

Every action runs at a fixed Beijing time through ``at("2022-06-03 16:00")`` (time-machine).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anju.campaigns.models import Campaign
from anju.rectification import services as ledger_services
from anju.reporting import services
from anju.reporting.models import Schedule
from tests.conftest import make_user

BEIJING = ZoneInfo("Asia/Shanghai")


def bj(text: str) -> dt.datetime:
    """'2022-06-03 17:00[:01[.5]]' in Beijing time, aware."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def at(text: str):
    """Run the block at that Beijing time (the clock does not move)."""
    return time_machine.travel(bj(text), tick=False)


@pytest.fixture
def campaign(county):
    return Campaign.objects.create(
        name="禹州市2022年度第一轮“回头看”",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=dt.date(2022, 5, 23),
        ends_on=dt.date(2022, 6, 30),
    )


@pytest.fixture
def schedule(campaign):
    return Schedule.objects.create(
        campaign=campaign,
        mobilise_ends_on=dt.date(2022, 5, 31),
        rectify_ends_on=dt.date(2022, 6, 15),
        accept_ends_on=dt.date(2022, 6, 25),
        report_weekday=4,
        report_time=dt.time(17, 0),
    )


@pytest.fixture
def head_b(township_b):
    from anju.accounts.roles import Role

    return make_user("p_head_b", Role.TOWNSHIP_HEAD, township_b)


@pytest.fixture
def entry(campaign, officer_a, township_a, village_a):
    """``entry(description=…)``: a ledger entry of 火龙镇 written on 2022-06-01."""

    def make(**fields):
        defaults = {
            "actor": officer_a,
            "campaign": campaign,
            "township": township_a,
            "village": village_a,
            "nature": "个性问题",
            "description": "张三户C级危房未挂牌",
            "measures": "由村两委于6月10日前完成挂牌并拍照存档",
            "deadline": dt.date(2022, 6, 10),
        }
        with at("2022-06-01 09:00"):
            return ledger_services.create_entry(**{**defaults, **fields})

    return make


@pytest.fixture
def send(campaign, schedule, township_a, officer_a, head_a):
    """``send(week, when)``: 火龙镇's officer prepares week ``week`` and its head approves
    it at Beijing time ``when``; returns the sent submission."""

    def run(week: int, when: str, *, township=None, officer=None, head=None):
        township = township or township_a
        with at(when):
            submission = services.prepare(
                actor=officer or officer_a, campaign=campaign, township=township, week=week
            )
            return services.approve(actor=head or head_a, submission=submission)

    return run
