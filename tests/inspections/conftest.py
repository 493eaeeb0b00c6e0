"""Spot-check fixtures: a campaign, villages with households, findings, ledger entries,
a drawn sample with its inspector."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anju.campaigns.models import Campaign
from anju.inspections import sampling, services
from anju.rectification import services as ledger
from anju.rectification.models import LedgerEntry, Source, State
from anju.screening.models import Finding
from anju.units.models import Level, Unit
from tests.conftest import make_user
from tests.factories import make_household


@pytest.fixture
def campaign(county):
    today = dt.date.today()
    return Campaign.objects.create(
        name="测试轮次",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=30),
    )


def village(township: Unit, n: int, name: str) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        code=f"{township.code}{200 + n:03d}",
        defaults={"name": name, "level": Level.VILLAGE, "parent": township, "is_fictional": True},
    )
    return unit


NAMES = ["张三", "李四", "王五", "赵六", "刘七", "陈八", "杨九", "黄十"]


def households(unit: Unit, n: int, **fields) -> list:
    return [
        make_household(unit, head_name=NAMES[i % 8] + (str(i // 8) if i >= 8 else ""), **fields)
        for i in range(n)
    ]


def find(household, *, rule="A1-01", aspect="1", status="open", message="C级危房未挂牌"):
    now = timezone.now()
    return Finding.objects.create(
        rule_code=rule,
        aspect=aspect,
        severity="E",
        household=household,
        township=household.township,
        village=household.village,
        status=status,
        reason="已核实" if status == "dismissed" else "",
        message=message,
        opened_at=now,
        updated_at=now,
    )


def entry(campaign, actor, hh_list, *, village=None, source=Source.SELF, draft=False, **extra):
    township = hh_list[0].township if hh_list else village.parent
    return ledger.create_entry(
        actor=actor,
        campaign=campaign,
        township=township,
        village=village if village is not None else (hh_list[0].village if hh_list else None),
        nature="个性问题",
        description=extra.pop("description", "未挂牌"),
        measures="由村两委于本周五前完成挂牌并拍照存档",
        deadline=dt.date.today() + dt.timedelta(days=7),
        source=source,
        households=hh_list,
        draft=draft,
        **extra,
    )


def close(entry_obj: LedgerEntry) -> LedgerEntry:
    """Mark an entry 已销号 directly (the workflow is the ledger's; here only the state matters)."""
    LedgerEntry.objects.filter(pk=entry_obj.pk).update(state=State.CLOSED)
    entry_obj.refresh_from_db()
    return entry_obj


@pytest.fixture
def inspector_b(county):
    from anju.accounts.roles import Role

    return make_user("p_inspector_b", Role.INSPECTOR, county)


@pytest.fixture
def drawn(campaign, city_reviewer, inspector, village_a, village_a2, village_b):
    """Three villages of 4 households; a sample of all three × 3 households, seed 7, d = 2,
    every village assigned to ``inspector``."""
    for unit in (village_a, village_a2, village_b):
        households(unit, 4)
    outcome = services.draw_sample(
        actor=city_reviewer,
        campaign=campaign,
        params=sampling.Params(villages=3, per_village=3, rank_share=70, fail_at=2),
        seed=7,
    )
    sample = outcome.sample
    services.assign(
        actor=city_reviewer,
        sample=sample,
        assignments={sv.pk: inspector for sv in sample.villages.all()},
    )
    return sample


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 60, 0)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name="IMG_0001.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)
