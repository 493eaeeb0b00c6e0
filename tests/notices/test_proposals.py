"""Who the system proposes to name, and with which evidence (planted: 火龙镇 missed a week,
reported late, has an overdue entry and a fake fix found by a failed spot-check; 顺店镇 is
clean)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from anju.notices import proposals
from anju.notices.models import Kind
from anju.reporting import services as reporting
from anju.reporting import weeks as cal
from anju.reporting.models import WeeklySubmission
from tests.overview.conftest import TODAY, at

pytestmark = pytest.mark.django_db


def compute(planted):
    with at(TODAY):
        return proposals.compute(planted.campaign)


def test_a_township_with_a_missing_week_and_an_overdue_entry_is_criticised(published, township_a):
    result = compute(published)
    huolong = result.by_code()[township_a.code]
    assert huolong.kind == Kind.CRITICISM
    reasons = {r.code: r for r in huolong.reasons}
    assert reasons["missing_weeks"].evidence["weeks"] == [2]
    assert reasons["missing_weeks"].text == "第2周周报未报送"
    assert reasons["late_weeks"].evidence["weeks"] == [1]
    assert reasons["late_weeks"].text == "第1周周报逾期报送（逾期1小时）"
    assert reasons["failed_check"].text == ("第1批抽查中，甲一村判定为不合格（发现虚假整改1个）")
    # 第2号 (due 6月10日) is open; 第3号 (due 6月25日) is not yet late; 第1号 is closed
    assert reasons["overdue_entries"].evidence["entries"] == [2]
    assert reasons["overdue_entries"].text == "整改台账第2号共1个问题已超过完成时限仍未整改销号"
    failed = reasons["failed_check"].evidence
    assert failed["sample"] == 1 and failed["failed_villages"] == ["甲一村"] and failed["fake"] == 1
    assert reasons["fake_fixes"].evidence["entries"] == [1]
    assert "第1号问题已销号，经抽查核实未整改到位" in reasons["fake_fixes"].text


def test_a_clean_township_is_praised(published, township_b):
    result = compute(published)
    shundian = result.by_code()[township_b.code]
    assert shundian.kind == Kind.PRAISE
    reasons = {r.code: r for r in shundian.reasons}
    assert reasons["all_on_time"].text == "第1周至第3周周报均按时报送"
    assert reasons["high_rate"].evidence == {"total": 3, "closed": 3, "rate": 100.0}
    assert reasons["check_passed"].evidence["villages"] == ["乙一村"]
    assert [p.township.code for p in result.praise] == [township_b.code]


def test_a_spot_check_still_being_checked_feeds_no_proposal(planted, township_a, township_b):
    """While a batch is 核查中 its villages stay hidden from the townships: a notice must not
    name them, nor blame or praise on them (issue #17 item 5)."""
    result = compute(planted)
    assert planted.sample.status == "drawn"
    codes = {r.code for p in result.criticism + result.praise for r in p.reasons}
    assert not codes & {"failed_check", "fake_fixes", "check_passed"}
    evidence = json.dumps(
        [p.evidence(result.computed_at) for p in result.criticism + result.praise],
        ensure_ascii=False,
    )
    assert "甲一村" not in evidence and "乙一村" not in evidence and "抽查" not in evidence
    # The rest of the record still counts: 火龙镇 is criticised, 顺店镇 praised.
    assert result.by_code()[township_a.code].kind == Kind.CRITICISM
    assert {r.code for r in result.by_code()[township_b.code].reasons} == {
        "all_on_time",
        "high_rate",
    }
    assert any("结果已公布" in rule for rule in result.rules)


def test_townships_that_never_reported_are_criticised_and_none_praised_without_reports(planted):
    result = compute(planted)
    others = [p for p in result.criticism if p.township.name not in ("火龙镇", "顺店镇")]
    assert others and all(
        [r.code for r in p.reasons] == ["missing_weeks"] and r.evidence["weeks"] == [1, 2, 3]
        for p in others
        for r in p.reasons
    )
    # the most reasons first
    assert result.criticism[0].township.name == "火龙镇"


def test_evidence_never_names_a_household(planted):
    result = compute(planted)
    text = json.dumps(
        [p.evidence(result.computed_at) for p in result.criticism + result.praise],
        ensure_ascii=False,
    )
    text += "".join(p.facts for p in result.criticism + result.praise)
    for name in planted.households:
        assert name not in text
    # nor the problems' own words (which name households)
    assert "张三户" not in text and "台账称已整改销号" not in text


def test_an_unanswered_return_counts_as_not_sent(planted, township_b, city_reviewer):
    week3 = WeeklySubmission.objects.get(campaign=planted.campaign, township=township_b, week=3)
    with at("2022-06-15 18:00"):
        reporting.return_submission(
            actor=city_reviewer,
            submission=week3,
            reason="台账中整改措施不具体，请补充后重新报送。",
            new_due_at=cal.at_local(dt.date(2022, 6, 15), dt.time(22, 0)),
        )
    shundian = compute(planted).by_code()[township_b.code]
    assert shundian.kind == Kind.CRITICISM
    assert shundian.reasons[0].text == "第3周周报被退回后逾期未重新报送"
    assert shundian.reasons[0].evidence["weeks"] == [3]
