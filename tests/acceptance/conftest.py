"""Final-submission fixtures: a campaign running today (the pages pick the running one), two
in-scope households of 火龙镇 — one visited, one explained by phone — and a ledger of three
entries (two 个性问题, one 共性问题 closed), so the report has numbers to state.

``hand_in()`` walks 火龙镇 through generate → sign → upload; ``png()``/``pdf()`` make scans.
Uploaded files go to a temporary MEDIA_ROOT per test.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.acceptance import services
from anju.accounts.roles import Role
from anju.campaigns.models import Campaign
from anju.rectification import services as ledger_services
from anju.rectification.models import LedgerEntry
from anju.visits.models import UnvisitedReason, Visit
from tests.conftest import make_user
from tests.factories import make_household

NARRATIVE = {
    "situation": "火龙镇成立“回头看”工作领导小组，镇村干部分村包片逐户入户排查。",
    "cases": "甲一村一户C级危房原未挂牌，入户核实后当周完成挂牌。",
    "measures": "对未完成整改的问题挂牌督办，逐项销号。",
    "mechanism": "建立农村低收入群体住房安全动态监测机制，村级信息员每月巡查一次。",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(county, today):
    # The only active round: the seed's round the migration made starts on a Monday two
    # weeks back, which is later than this one's start on every day but Sunday, and the
    # pages take the latest-starting round running today.
    Campaign.objects.update(is_active=False)
    return Campaign.objects.create(
        name="禹州市2022年度第一轮巩固拓展脱贫攻坚成果农村危房改造“回头看”",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
    )


@pytest.fixture
def head_b(township_b):
    return make_user("p_head_b", Role.TOWNSHIP_HEAD, township_b)


@pytest.fixture
def households(campaign, village_a, officer_a, today):
    """Two in-scope households of 火龙镇: one visited, one explained (nothing blocks)."""
    visited = make_household(village_a, head_name="王五")
    explained = make_household(village_a, head_name="赵六")
    Visit.objects.create(
        campaign=campaign,
        household=visited,
        visitor=officer_a,
        visitor_name="李建国",
        visitor_role="村干部",
        visited_on=today,
    )
    UnvisitedReason.objects.create(
        campaign=campaign,
        household=explained,
        reason="外出务工",
        phone_checked_on=today,
        phone_check_result="电话联系户主，住房安全",
        explained_by=officer_a,
    )
    return visited, explained


@pytest.fixture
def entries(campaign, officer_a, township_a, village_a, today):
    made = [
        ledger_services.create_entry(
            actor=officer_a,
            campaign=campaign,
            township=township_a,
            village=village_a,
            nature="个性问题",
            aspect="1",
            description="王五户C级危房未挂牌",
            measures="由村两委于三日内完成挂牌并拍照存档",
            deadline=today + dt.timedelta(days=5),
        ),
        ledger_services.create_entry(
            actor=officer_a,
            campaign=campaign,
            township=township_a,
            village=village_a,
            nature="个性问题",
            aspect="4",
            description="赵六户补助未足额发放",
            measures="由镇财政所十日内补发差额并取得回执",
            deadline=today + dt.timedelta(days=10),
        ),
        ledger_services.create_entry(
            actor=officer_a,
            campaign=campaign,
            township=township_a,
            nature="共性问题",
            aspect="5",
            description="部分改造户屋面渗漏",
            measures="由镇建设办组织施工方逐户维修并验收",
            deadline=today + dt.timedelta(days=3),
        ),
    ]
    # The 共性问题 was rectified and closed (销号) — set directly, the workflow has its own tests.
    LedgerEntry.objects.filter(pk=made[2].pk).update(state="closed", closed_at=timezone.now())
    return made


@pytest.fixture
def ready(households, entries):
    """火龙镇 with visits covered and a ledger: ready to hand in."""
    return entries


def png(name: str = "盖章扫描件.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (827, 1169), "white").save(out, "PNG")  # an A4 page at 100 dpi
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "盖章扫描件.pdf") -> SimpleUploadedFile:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def hand_in(campaign, township_a, officer_a, head_a):
    """``hand_in(upload=True)``: 火龙镇 generates, its head signs, its officer uploads."""

    def run(*, sign: bool = True, upload: bool = True):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, **NARRATIVE)
        if sign:
            s = services.sign(actor=head_a, submission=s, confirmed_with="password")
        if upload:
            services.upload_scan(actor=officer_a, submission=s, upload=png())
            s.refresh_from_db()
        return s

    return run
