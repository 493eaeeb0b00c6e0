"""Tamper evidence (SECURITY.md row 24): the chained hash, differences after an edit, and
``verify_reports`` naming a report whose stored snapshot was altered with raw SQL."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from anju.rectification import services as ledger_services
from anju.rectification.models import LedgerEntry
from anju.rectification.snapshot import content_hash
from anju.reporting.models import WeeklySubmission
from tests.reporting.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_weeks(send, entry, officer_a):
    """Three weekly reports of 火龙镇, with ledger edits between them."""
    a = entry()
    first = send(1, "2022-06-03 15:00")
    b = entry(description="李四户补助未足额发放", measures="6月9日前补发到一卡通")
    with at("2022-06-06 10:00"):
        ledger_services.update_entry(
            actor=officer_a, entry=a, data={"measures": "6月8日前由村两委完成挂牌并拍照"}
        )
    second = send(2, "2022-06-10 16:00")
    with at("2022-06-13 10:00"):
        ledger_services.update_entry(
            actor=officer_a, entry=b, data={"description": "李四户2021年补助未足额发放"}
        )
    third = send(3, "2022-06-15 16:59")
    return first, second, third, a, b


def raw_update(sql_pg: str, sql_lite: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql_pg if connection.vendor == "postgresql" else sql_lite, params)


def test_each_report_is_chained_to_the_townships_previous_one(three_weeks):
    first, second, third, *_ = three_weeks
    assert [s.seq for s in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == "" and second.prev_hash == first.content_hash
    assert third.prev_hash == second.content_hash
    for s in (first, second, third):
        s.refresh_from_db()  # as stored
        assert content_hash(s.snapshot, previous=s.prev_hash) == s.content_hash
        assert s.snapshot["submitted_at"] == s.submitted_at.isoformat()
    # Another township's chain starts on its own.


def test_edits_after_a_report_appear_as_differences_next_week(three_weeks):
    first, second, third, a, b = three_weeks
    assert first.differences is None  # the township's first report
    diff = second.differences
    assert [row["id"] for row in diff["added"]] == [b.pk]
    assert diff["removed"] == []
    (changed,) = diff["changed"]
    assert changed["id"] == a.pk
    assert changed["fields"]["measures"] == [
        "由村两委于6月10日前完成挂牌并拍照存档",
        "6月8日前由村两委完成挂牌并拍照",
    ]
    # The first report still holds what was sent then.
    first.refresh_from_db()
    assert first.entries[0]["measures"] == "由村两委于6月10日前完成挂牌并拍照存档"


def test_verify_reports_passes_on_an_intact_chain(three_weeks, capsys):
    call_command("verify_reports")
    assert "已校验 3 份已报送的周报，哈希链完整" in capsys.readouterr().out


def test_sec_24_verify_reports_names_a_report_altered_with_raw_sql(three_weeks, capsys):
    first, second, third, *_ = three_weeks
    doc = WeeklySubmission.objects.get(pk=second.pk).snapshot
    doc["entries"][0]["measures"] = "加强管理"
    raw_update(
        "UPDATE reporting_weeklysubmission SET snapshot = CAST(%s AS jsonb) WHERE id = %s",
        "UPDATE reporting_weeklysubmission SET snapshot = %s WHERE id = %s",
        [json.dumps(doc, ensure_ascii=False), second.pk],
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_reports")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"周报 #{second.pk}（火龙镇第2周" in err
    assert "封存内容与内容哈希不符（报送后被改动）" in err
    assert f"#{first.pk}" not in err and f"#{third.pk}" not in err


def test_verify_reports_names_a_rewritten_hash_and_the_broken_link(three_weeks, capsys):
    first, second, third, *_ = three_weeks
    # A forger edits week 1 and recomputes its hash: week 2's link no longer matches.
    doc = WeeklySubmission.objects.get(pk=first.pk).snapshot
    doc["entries"][0]["state"] = "closed"
    forged = content_hash(doc, previous="")
    raw_update(
        "UPDATE reporting_weeklysubmission SET snapshot = CAST(%s AS jsonb), content_hash = %s WHERE id = %s",
        "UPDATE reporting_weeklysubmission SET snapshot = %s, content_hash = %s WHERE id = %s",
        [json.dumps(doc, ensure_ascii=False), forged, first.pk],
    )
    with pytest.raises(SystemExit):
        call_command("verify_reports")
    err = capsys.readouterr().err
    assert f"周报 #{second.pk}（火龙镇第2周" in err and "哈希链接不符" in err


def test_verify_reports_catches_a_moved_submission_time(three_weeks, capsys):
    first, *_ = three_weeks
    raw_update(
        "UPDATE reporting_weeklysubmission SET submitted_at = submitted_at - interval '2 hours' WHERE id = %s",
        "UPDATE reporting_weeklysubmission SET submitted_at = datetime(submitted_at, '-2 hours') WHERE id = %s",
        [first.pk],
    )
    with pytest.raises(SystemExit):
        call_command("verify_reports")
    assert f"周报 #{first.pk}" in capsys.readouterr().err


def test_a_deleted_report_breaks_the_chain(three_weeks, capsys):
    first, second, third, *_ = three_weeks
    for sql in (
        "UPDATE reporting_weeklysubmission SET compared_with_id = NULL WHERE compared_with_id = %s",
        "DELETE FROM reporting_weeklysubmission WHERE id = %s",
    ):
        raw_update(sql, sql, [second.pk])
    with pytest.raises(SystemExit):
        call_command("verify_reports")
    err = capsys.readouterr().err
    assert f"周报 #{third.pk}" in err and "前面的报送被删除" in err


def test_live_ledger_edits_do_not_touch_sent_reports(three_weeks):
    first, *_ = three_weeks
    LedgerEntry.objects.update(description="改过")
    first.refresh_from_db()
    assert first.entries[0]["description"] == "张三户C级危房未挂牌"
    call_command("verify_reports")


def test_sec_24_a_report_rewritten_with_its_hash_recomputed_is_named(three_weeks, capsys):
    """The last week edited and its hash recomputed with the public algorithm: the chain
    still links (nothing follows it), but the keyed audit record of its submission holds
    the hash it was sent with."""
    third = three_weeks[2]
    doc = WeeklySubmission.objects.get(pk=third.pk).snapshot
    doc["entries"][0]["measures"] = "加强管理"
    forged = content_hash(doc, previous=third.prev_hash)
    raw_update(
        "UPDATE reporting_weeklysubmission SET snapshot = CAST(%s AS jsonb), content_hash = %s WHERE id = %s",
        "UPDATE reporting_weeklysubmission SET snapshot = %s, content_hash = %s WHERE id = %s",
        [json.dumps(doc, ensure_ascii=False), forged, third.pk],
    )
    with pytest.raises(SystemExit):
        call_command("verify_reports")
    err = capsys.readouterr().err
    assert f"周报 #{third.pk}" in err
    assert "内容哈希与报送时的审计记录不符（报送后被改写并重算了哈希）" in err
