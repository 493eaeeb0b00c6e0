"""The API's world: households, findings and ledger entries in township A (two villages)
and township B, a token for any persona, and a client that sends it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from anju.api import tokens
from anju.rectification import services
from anju.registry import idcard
from anju.screening.models import Finding
from tests.factories import make_household
from tests.rectification import conftest as rectification_fixtures

# The ledger's fixtures, shared with tests/rectification.
campaign = rectification_fixtures.campaign
make_entry = rectification_fixtures.make_entry
photo = rectification_fixtures.photo

ID_A1 = idcard.make("411081", dt.date(1980, 1, 1), 1)
PHONE_A1 = "13812345678"
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@pytest.fixture
def token_for():
    """``token_for(user, days=90)`` → the token text of a new token of that user."""

    def make(user, days: int = 90, name: str = "测试同步"):
        _, raw = tokens.create_token(user=user, name=name, days=days)
        return raw

    return make


@pytest.fixture
def api():
    """``api(raw)`` → a client that sends ``Authorization: Bearer raw`` (no session)."""

    def make(raw: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def make_finding(household, rule="A1-01", aspect="1", status="open", message=None):
    now = timezone.now()
    return Finding.objects.create(
        rule_code=rule,
        aspect=aspect,
        severity="E",
        household=household,
        township=household.township,
        village=household.village,
        status=status,
        message=message or f"{household.head_name}户鉴定为D级，尚未改造",
        facts={"grade": "D"},
        opened_at=now,
        updated_at=now,
    )


@pytest.fixture
def world(
    campaign,
    make_entry,
    photo,
    officer_a,
    officer_b,
    township_a,
    township_b,
    village_a,
    village_a2,
    village_b,
):
    """Two households of A (villages 甲一、甲二), one of B, their findings and entries."""
    hh_a1 = make_household(
        village_a,
        id_number=ID_A1,
        phone=PHONE_A1,
        head_name="张三",
        grade="D",
        latitude="34.123456",
        longitude="113.654321",
        renovation={"method": "原址重建", "subsidy_amount": "35000.00"},
    )
    hh_a2 = make_household(village_a2, phone="13900001111", head_name="李四", grade="C")
    hh_b = make_household(village_b, phone="13700002222", head_name="王五", grade="D")
    f_a1 = make_finding(hh_a1)
    f_a2 = make_finding(hh_a2, rule="A4-01", aspect="4")
    f_b = make_finding(hh_b)
    e_a1 = make_entry(households=[hh_a1], findings=[f_a1], source="screening", aspect="1")
    e_a2 = make_entry(village=village_a2, households=[hh_a2], description="李四户补助未发放")
    e_b = make_entry(
        actor=officer_b,
        township=township_b,
        village=village_b,
        households=[hh_b],
        description="王五户D级危房未改造",
    )
    draft_a = make_entry(description="待核实的问题", draft=True)
    services.add_note(actor=officer_a, entry=e_a1, text="已联系村两委，本周完成挂牌")
    services.add_evidence(
        actor=officer_a,
        entry=e_a1,
        upload=photo(),
        content_type="image/jpeg",
        note="挂牌照片",
        latitude="34.123456",
        longitude="113.654321",
    )
    services.transition(actor=officer_a, entry=e_a1, name="start")
    return {
        "hh_a1": hh_a1,
        "hh_a2": hh_a2,
        "hh_b": hh_b,
        "f_a1": f_a1,
        "f_a2": f_a2,
        "f_b": f_b,
        "e_a1": e_a1,
        "e_a2": e_a2,
        "e_b": e_b,
        "draft_a": draft_a,
        "today": dt.date.today(),
    }
