"""The demo step: 火龙镇 accepted after one return, 顺店镇 awaiting review — once, through
the services (the unvisited households explained first), and every signature verifiable."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command

from anju.acceptance import demo
from anju.acceptance.models import FinalSubmission, SealedScan, Status
from anju.accounts.roles import Role
from anju.audit.models import AuditEvent
from anju.visits import coverage
from tests.conftest import make_user
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_the_demo_hands_in_two_townships_once(
    campaign, county, township_a, township_b, village_a, village_b, entries, capsys
):
    for name, role, unit in (
        ("huolong_jb", Role.TOWNSHIP_OFFICER, township_a),
        ("huolong_fzr", Role.TOWNSHIP_HEAD, township_a),
        ("shundian_jb", Role.TOWNSHIP_OFFICER, township_b),
        ("shundian_fzr", Role.TOWNSHIP_HEAD, township_b),
        ("shi_shenhe", Role.CITY_REVIEWER, county),
    ):
        make_user(name, role, unit)
    make_household(village_a)
    make_household(village_b)
    said = []
    ctx = SimpleNamespace(seed=2022, say=said.append)
    demo.build(ctx)
    huolong = list(FinalSubmission.objects.filter(township=township_a).order_by("id"))
    assert [s.status for s in huolong] == [Status.RETURNED, Status.ACCEPTED]
    assert huolong[1].resubmission_of == huolong[0] and huolong[1].entry_count == 3
    shundian = FinalSubmission.objects.get(township=township_b)
    assert shundian.status == Status.AWAITING_REVIEW and shundian.signed_by_name == "shundian_fzr"
    assert SealedScan.objects.count() == 3
    for item in SealedScan.objects.select_related("submission"):  # signed, uploaded, reviewed
        s = item.submission
        assert s.signed_at < item.uploaded_at
        assert s.reviewed_at is None or item.uploaded_at < s.reviewed_at
    assert not coverage.unvisited_unexplained(township_a, campaign).exists()
    sign = AuditEvent.objects.filter(event="sign", object_id=str(shundian.pk)).get()
    assert sign.username == "shundian_fzr"
    call_command("verify_signature")
    assert "已校验 3 份已签字的总结验收材料" in capsys.readouterr().out
    demo.build(ctx)
    assert FinalSubmission.objects.count() == 3 and "跳过" in said[-1]
