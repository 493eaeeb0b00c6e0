"""Open work carried over when a round closes (issue #16 item 5): the city administrator
closes a round and moves its entries not yet 已销号 and its unresolved findings into the next
round; they keep their history and their number's origin; every move is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign, Status, round_today
from anju.core.versions import version_of
from anju.rectification import services
from anju.rectification.models import LedgerEntry, State
from anju.screening.models import Finding, FindingEvent
from anju.units.models import Level, Unit
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def _round(county, name, start, days, status=Status.PUBLISHED):
    return Campaign.objects.create(
        name=name,
        county=county,
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        status=status,
        is_active=status == Status.PUBLISHED,
    )


@pytest.fixture
def rounds(county):
    today = round_today()
    old = _round(county, "测试县2030年度“回头看”", today - dt.timedelta(days=30), 60)
    new = _round(county, "测试县2031年度“回头看”", today + dt.timedelta(days=31), 60, Status.DRAFT)
    return old, new


def _entry(campaign, officer, township, village, text, **extra):
    return services.create_entry(
        actor=officer,
        campaign=campaign,
        township=township,
        village=village,
        nature="个性问题",
        description=text,
        measures="由村两委于本周五前完成并拍照存档",
        deadline=round_today() + dt.timedelta(days=10),
        **extra,
    )


@pytest.fixture
def work(rounds, officer_a, head_a, township_a, village_a):
    old, _new = rounds
    first = _entry(old, officer_a, township_a, village_a, "王五户C级危房未挂牌")
    done = _entry(old, officer_a, township_a, village_a, "赵六户补助未公示")
    second = _entry(old, officer_a, township_a, village_a, "钱七户鉴定报告缺页")
    draft = _entry(old, officer_a, township_a, village_a, "孙八户待核实", draft=True)
    services.add_note(actor=officer_a, entry=second, text="已联系鉴定机构补页")
    LedgerEntry.objects.filter(pk=done.pk).update(state=State.CLOSED)
    services.transition(actor=officer_a, entry=second, name="start")
    household = make_household(village_a)
    now = timezone.now()
    finding = Finding.objects.create(
        rule_code="A1-01",
        aspect="1",
        severity="E",
        household=household,
        township=township_a,
        village=village_a,
        message="周九户鉴定为D级，尚未改造",
        campaign=old,
        opened_at=now,
        updated_at=now,
    )
    return {"first": first, "done": done, "second": second, "draft": draft, "finding": finding}


def _close(client, campaign, carry_to):
    return client.post(
        reverse("campaigns:step", args=[campaign.pk, "close"]),
        {"version": version_of(Campaign.objects.get(pk=campaign.pk)), "carry_to": carry_to},
        follow=True,
    ).content.decode()


def test_closing_offers_and_carries_open_entries_and_findings(
    rounds, work, city_admin, officer_a, as_user
):
    old, new = rounds
    admin = as_user(city_admin)
    page = admin.get(reverse("campaigns:detail", args=[old.pk])).content.decode()
    assert "3</strong> 条未销号的台账条目" in page and "1</strong> 条未处理的筛查问题" in page
    assert f'<option value="{new.pk}">{new.name}（草稿）</option>' in page

    page = _close(admin, old, str(new.pk))
    assert (
        f"已结束“{old.name}”。3 条未销号的台账条目、1 条未处理的筛查问题已转入“{new.name}”" in page
    )
    old.refresh_from_db()
    assert old.status == Status.CLOSED

    first, second, draft = (
        LedgerEntry.objects.get(pk=work[k].pk) for k in ("first", "second", "draft")
    )
    assert {e.campaign_id for e in (first, second, draft)} == {new.pk}
    assert (first.number, second.number, draft.number) == (1, 2, None)  # renumbered in order
    assert (first.carried_from_id, first.carried_number) == (old.pk, 1)
    assert second.origin == f"原“{old.name}”第3号" and second.state == State.IN_PROGRESS
    assert second.notes.count() == 1  # its progress notes came along
    carried = second.transitions.get(name="carry")
    assert carried.reason == f"“{old.name}”结束，第3号转入“{new.name}”第2号。"
    # The entry already 已销号 stays in the closed round as it was.
    assert LedgerEntry.objects.get(pk=work["done"].pk).campaign_id == old.pk

    finding = Finding.objects.get(pk=work["finding"].pk)
    assert finding.campaign_id == new.pk
    assert FindingEvent.objects.filter(finding=finding, kind=FindingEvent.Kind.CARRIED).exists()

    transitions = AuditEvent.objects.filter(event=Event.TRANSITION, object_id=str(old.pk))
    (event,) = [e for e in transitions if e.detail.get("event") == "carry_over"]
    assert event.detail["event"] == "carry_over" and event.detail["to"] == new.pk
    assert event.detail["moved"] == {"未销号的台账条目": 3, "未处理的筛查问题": 1}
    assert AuditEvent.objects.filter(
        event=Event.UPDATE, object_type="rectification.ledgerentry", object_id=str(first.pk)
    ).exists()

    # The officer finds it in the new round's ledger with its origin.
    Campaign.objects.filter(pk=new.pk).update(status=Status.PUBLISHED, is_active=True)
    detail = as_user(officer_a).get(reverse("rectification:entry_detail", args=[second.pk]))
    text = detail.content.decode()
    assert "上轮转入" in text and f"原“{old.name}”第3号" in text and "转入下一轮（整改中）" in text


def test_closing_without_carrying_leaves_the_work_in_the_closed_round(
    rounds, work, city_admin, as_user
):
    old, _new = rounds
    page = _close(as_user(city_admin), old, "")
    assert f"已结束“{old.name}”。" in page and "已转入" not in page
    assert LedgerEntry.objects.filter(campaign=old).count() == 4
    # …and may be carried later from the closed round's page.
    page = as_user(city_admin).get(reverse("campaigns:detail", args=[old.pk])).content.decode()
    assert "转入所选轮次" in page


def test_a_closed_round_carries_later_and_a_second_carry_keeps_the_first_origin(
    rounds, work, city_admin, county, as_user
):
    old, new = rounds
    admin = as_user(city_admin)
    _close(admin, old, "")
    carry = reverse("campaigns:carry", args=[old.pk])
    page = admin.post(carry, {"carry_to": str(new.pk)}, follow=True).content.decode()
    assert f"已转入“{new.name}”" in page
    assert not LedgerEntry.objects.filter(campaign=old).exclude(state=State.CLOSED).exists()

    # Next year the new round closes with the same entry still open: its origin stays.
    Campaign.objects.filter(pk=new.pk).update(status=Status.PUBLISHED, is_active=True)
    third = _round(county, "测试县2032年度“回头看”", round_today() + dt.timedelta(days=400), 60)
    _close(admin, new, str(third.pk))
    first = LedgerEntry.objects.get(pk=work["first"].pk)
    assert first.campaign_id == third.pk and first.origin == f"原“{old.name}”第1号"
    assert first.transitions.filter(name="carry").count() == 2


def test_carrying_into_a_closed_or_another_countys_round_is_refused(
    rounds, work, city_admin, as_user
):
    old, new = rounds
    admin = as_user(city_admin)
    _close(admin, old, "")
    other = Unit.objects.create(code="419997", name="外县", level=Level.COUNTY, is_fictional=True)
    theirs = _round(other, "外县一轮", round_today(), 30)
    Campaign.objects.filter(pk=new.pk).update(status=Status.CLOSED, is_active=False)
    carry = reverse("campaigns:carry", args=[old.pk])
    for target in (theirs, new):
        page = admin.post(carry, {"carry_to": str(target.pk)}, follow=True).content.decode()
        assert "请选择要转入的轮次" in page
    assert LedgerEntry.objects.filter(campaign=old).count() == 4
    # Only the city administrator carries.
    assert as_user(work["first"].created_by).post(carry, {"carry_to": str(new.pk)}).status_code in (
        403,
        404,
    )
