"""跨期 deadlines (issue #16 item 6): a measure that cannot be finished within the round (a
D-grade rebuild) may have its 完成时限 after the round's end — up to a year after it — when
the officer marks it 跨期 with a reason; it is marked on the pages, not flagged by the
quality check, listed for the next round on the round's page and carried into it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.campaigns.models import Campaign, Status
from anju.core.versions import version_of
from anju.rectification import quality
from anju.rectification.models import LedgerEntry
from tests.rectification.conftest import entry_form_data

pytestmark = pytest.mark.django_db

REASON = "D级危房拆除重建，主体施工需跨年度完成"


def _after_end(campaign, days=60):
    return campaign.ends_on + dt.timedelta(days=days)


def test_a_deadline_after_the_end_needs_the_mark_and_a_reason(make_entry, campaign):
    later = _after_end(campaign)
    with pytest.raises(ValidationError) as plain:
        make_entry(deadline=later)
    assert "请勾选“跨期整改”并写明原因" in plain.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as bare:
        make_entry(deadline=later, cross_period=True)
    assert plain.value.message_dict.keys() == {"deadline"}
    assert bare.value.message_dict["cross_reason"] == [
        "请写明跨期原因：为什么不能在本轮期间内完成。"
    ]
    with pytest.raises(ValidationError) as far:
        make_entry(deadline=_after_end(campaign, 400), cross_period=True, cross_reason=REASON)
    assert "最晚为本轮结束后一年" in far.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as within:
        make_entry(cross_period=True, cross_reason=REASON)  # deadline within the round
    assert "无需标记跨期" in within.value.message_dict["cross_period"][0]

    entry = make_entry(deadline=later, cross_period=True, cross_reason=REASON)
    assert (entry.deadline, entry.cross_period, entry.cross_reason) == (later, True, REASON)
    codes = [i.code for i in quality.check_entry(entry)]
    assert "deadline_outside" not in codes


def test_the_form_marks_it_and_the_pages_show_it(as_user, officer_a, ledger_campaign, households_a):
    client = as_user(officer_a)
    later = _after_end(ledger_campaign)
    form = client.get(reverse("rectification:entry_create")).content.decode()
    assert "跨期整改（本轮结束之后才能完成）" in form
    response = client.post(
        reverse("rectification:entry_create"),
        entry_form_data(
            deadline=later.isoformat(),
            households=[households_a[0].pk],
            cross_period="on",
            cross_reason=REASON,
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    entry = LedgerEntry.objects.get()
    assert entry.cross_period and entry.deadline == later
    page = client.get(reverse("rectification:entry_detail", args=[entry.pk])).content.decode()
    assert "跨期" in page and REASON in page and "本轮结束时转入下一轮" in page
    listing = client.get(reverse("rectification:ledger_list")).content.decode()
    assert "跨期" in listing


def test_listed_for_the_next_round_and_carried_into_it(
    make_entry, campaign, city_admin, as_user, county
):
    cross = make_entry(deadline=_after_end(campaign), cross_period=True, cross_reason=REASON)
    make_entry(description="李四户未挂牌")
    Campaign.objects.exclude(pk=campaign.pk).filter(county=county).update(
        status=Status.CLOSED, is_active=False
    )
    following = Campaign.objects.create(
        name="测试县下一轮",
        county=county,
        starts_on=campaign.ends_on + dt.timedelta(days=1),
        ends_on=campaign.ends_on + dt.timedelta(days=120),
        status=Status.DRAFT,
        is_active=False,
    )
    admin = as_user(city_admin)
    page = admin.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "2</strong> 条未销号的台账条目" in page
    assert f"其中跨期整改 1 条（{cross.township.name}{cross.label}）" in page

    admin.post(
        reverse("campaigns:step", args=[campaign.pk, "close"]),
        {"version": version_of(Campaign.objects.get(pk=campaign.pk)), "carry_to": following.pk},
    )
    cross.refresh_from_db()
    assert cross.campaign_id == following.pk
    # Its 完成时限 now lies within the round it is in: no longer 跨期.
    assert not cross.cross_period and cross.cross_reason == ""
