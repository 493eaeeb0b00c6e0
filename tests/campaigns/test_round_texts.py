"""Every text from the round or the settings (issue #16 item 4): the pages of a round whose
document is 测建〔2031〕7号, for a county that is not 禹州, name neither the seed's round nor
its county or city."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from anju.accounts.roles import Role
from anju.campaigns.models import Campaign, round_today
from anju.rectification import services as ledger
from anju.reporting.models import Schedule
from anju.units.models import Level, Unit
from tests.conftest import make_user
from tests.factories import make_household
from tests.test_headers_crawl import parameterless_routes

FORBIDDEN = ("2022", "39号", "禹州", "许昌")


@pytest.fixture
def world(db):
    county = Unit.objects.create(code="419901", name="测试县", level=Level.COUNTY)
    town = Unit.objects.create(code="419901100", name="东湖镇", level=Level.TOWNSHIP, parent=county)
    village = Unit.objects.create(
        code="419901100201", name="东湖村", level=Level.VILLAGE, parent=town
    )
    today = round_today()
    campaign = Campaign.objects.create(
        name="测试县2031年度农村危房改造“回头看”",
        document_number="测建〔2031〕7号",
        issuing_office="测试县住房和城乡建设局",
        superior_office="测试市住房和城乡建设局",
        county=county,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=40),
    )
    Schedule.objects.create(
        campaign=campaign,
        mobilise_ends_on=today - dt.timedelta(days=14),
        rectify_ends_on=today + dt.timedelta(days=20),
        accept_ends_on=today + dt.timedelta(days=35),
        mobilise_required="一周内",
        rectify_required="七月底前",
        accept_required="八月中旬前",
    )
    people = {
        "admin": make_user("t_admin", Role.CITY_ADMIN, county),
        "reviewer": make_user("t_reviewer", Role.CITY_REVIEWER, county),
        "inspector": make_user("t_inspector", Role.INSPECTOR, county),
        "officer": make_user("t_officer", Role.TOWNSHIP_OFFICER, town),
        "head": make_user("t_head", Role.TOWNSHIP_HEAD, town),
        "worker": make_user("t_worker", Role.VILLAGE_WORKER, village),
    }
    household = make_household(village, head_name="赵六")
    entry = ledger.create_entry(
        actor=people["officer"],
        campaign=campaign,
        township=town,
        village=village,
        nature="个性问题",
        description="东湖村赵六户C级危房未挂牌",
        measures="由村两委于本周五前完成挂牌并拍照存档",
        deadline=today + dt.timedelta(days=7),
        households=[household],
    )
    return {"campaign": campaign, "people": people, "household": household, "entry": entry}


def _offending(html: str) -> list[str]:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    found = []
    for word in FORBIDDEN:
        for m in re.finditer(re.escape(word), text):
            found.append(text[max(0, m.start() - 40) : m.end() + 20].replace("\n", " "))
    return found


@override_settings(SUPERIOR_OFFICE="")
@pytest.mark.parametrize("who", ["admin", "reviewer", "inspector", "officer", "head", "worker"])
def test_no_page_of_another_countys_round_names_the_seed(world, who, as_user):
    client = as_user(world["people"][who])
    client.raise_request_exception = False
    urls = sorted(set(parameterless_routes()))
    urls += [
        reverse("registry:household_detail", args=[world["household"].pk]),
        reverse("rectification:entry_detail", args=[world["entry"].pk]),
        reverse("campaigns:detail", args=[world["campaign"].pk]),
        reverse("campaigns:create"),
    ]
    problems = {}
    for url in urls:
        if url.startswith("/api/"):
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        found = _offending(response.content.decode())
        if found:
            problems[url] = found[:3]
    assert problems == {}, "\n".join(f"{u}: {f}" for u, f in problems.items())


def test_a_rules_basis_shows_the_rounds_own_parameters_and_document(world, as_user):
    campaign = world["campaign"]
    campaign.rule_params = {"A4-03": {"reinforce_max": "20000"}}
    campaign.save()
    page = as_user(world["people"]["admin"]).get(reverse("screening:rules")).content.decode()
    basis = page.split("A4-03", 1)[1].split("政策依据", 1)[1].split("</p>", 1)[0]
    assert "加固维修补助上限 20000元" in basis and "15000" not in basis
    assert "本轮“回头看”方案（测建〔2031〕7号）" in basis
    assert ".md" not in page and "§" not in page


def test_the_notice_draft_names_the_rounds_bureau_and_document(world):
    from anju.notices.services import defaults

    draft = defaults(world["campaign"])
    text = " ".join(draft.values())
    assert "测建〔2031〕7号" in draft["introduction"] and "县住建局对各乡镇" in text
    assert draft["issuer"] == "测试县住房和城乡建设局"
    assert draft["copies_to"] == "测试市住房和城乡建设局"
    assert not [w for w in FORBIDDEN if w in text]
