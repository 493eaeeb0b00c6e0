"""The round selector (issue #16 item 3): a past round's ledger and other pages open by
navigation, read-only; another county's round cannot be chosen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.campaigns.models import Campaign, Status, round_today
from anju.rectification import services
from anju.rectification.models import LedgerEntry
from anju.units.models import Level, Unit


@pytest.fixture
def past_round(county):
    today = round_today()
    return Campaign.objects.create(
        name="测试县2030年度“回头看”",
        document_number="测建〔2030〕2号",
        county=county,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=340),
        status=Status.CLOSED,
        is_active=False,
    )


@pytest.fixture
def past_entry(past_round, officer_a, township_a, village_a):
    """An entry written while the round was open (a closed round takes no new entry)."""
    Campaign.objects.filter(pk=past_round.pk).update(status=Status.PUBLISHED)
    try:
        return _written_then(past_round, officer_a, township_a, village_a)
    finally:
        Campaign.objects.filter(pk=past_round.pk).update(status=Status.CLOSED)


def _written_then(past_round, officer_a, township_a, village_a):
    return services.create_entry(
        actor=officer_a,
        campaign=past_round,
        township=township_a,
        village=village_a,
        nature="个性问题",
        description="去年的问题：甲一村王五户C级危房未挂牌",
        measures="由村两委于本周五前完成挂牌并拍照存档",
        deadline=past_round.ends_on,
        today=past_round.starts_on + dt.timedelta(days=10),
    )


def _choose(client, campaign):
    return client.post(reverse("campaigns:view"), {"round": str(campaign.pk) if campaign else ""})


def test_a_past_rounds_ledger_opens_from_the_selector_read_only(
    past_round, past_entry, officer_a, as_user
):
    client = as_user(officer_a)
    ledger = reverse("rectification:ledger_list")
    assert "去年的问题" not in client.get(ledger).content.decode()
    rounds = client.get(reverse("campaigns:list")).content.decode()
    assert past_round.name in rounds and "查看此轮的台账、周报等" in rounds

    assert _choose(client, past_round).status_code == 302
    page = client.get(ledger).content.decode()
    assert "去年的问题" in page
    assert "正在查看" in page and past_round.name in page and "只能查看" in page
    # The entry's own page opens; changing anything in the closed round is refused.
    assert (
        client.get(reverse("rectification:entry_detail", args=[past_entry.pk])).status_code == 200
    )
    before = LedgerEntry.objects.count()
    response = client.post(reverse("rectification:entry_create"), {"description": "x"})
    assert response.status_code == 403 and "只能查看，未保存" in response.content.decode()
    assert LedgerEntry.objects.count() == before
    # Searching (a POST that only redirects) still works.
    assert client.post(ledger, {"q": "王五"}).status_code == 303

    _choose(client, None)
    assert "去年的问题" not in client.get(ledger).content.decode()


def test_another_countys_round_and_drafts_cannot_be_chosen(county, officer_a, as_user):
    other = Unit.objects.create(code="419997", name="测试县", level=Level.COUNTY, is_fictional=True)
    theirs = Campaign.objects.create(
        name="外县一轮", county=other, starts_on=round_today(), ends_on=round_today()
    )
    draft = Campaign.objects.create(
        name="草稿轮次",
        county=county,
        starts_on=round_today(),
        ends_on=round_today(),
        status=Status.DRAFT,
        is_active=False,
    )
    client = as_user(officer_a)
    assert _choose(client, theirs).status_code == 404
    assert _choose(client, draft).status_code == 404  # a township never sees a draft
    assert "正在查看" not in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["city_admin", "city_reviewer", "officer_a", "inspector"])
def test_every_page_opens_on_a_past_round(request, past_round, past_entry, as_user, persona):
    """Weekly reports, finals, spot-checks, notices … of the chosen round: no page fails."""
    from tests.test_headers_crawl import parameterless_routes

    client = as_user(request.getfixturevalue(persona))
    client.raise_request_exception = False
    _choose(client, past_round)
    failed = [
        url
        for url in sorted(set(parameterless_routes()))
        if not url.startswith("/api/") and client.get(url).status_code >= 500
    ]
    assert failed == [], ", ".join(failed)
