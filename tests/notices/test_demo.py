"""The demo's last step: the overview computed once, and a draft notice from the proposals."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from anju.notices.models import Notice
from anju.overview.models import Snapshot

pytestmark = pytest.mark.django_db


def test_the_demo_computes_the_overview_and_drafts_a_notice(capsys):
    call_command("demo", "--households", "80", "--villages-per-township", "2")
    out = capsys.readouterr().out
    assert "演示概览：已统计" in out
    assert Snapshot.objects.done().count() == 1
    notice = Notice.objects.get()
    assert notice.is_draft and notice.created_by.username == "shi_shenhe"
    assert notice.units.exists() and all(u.facts for u in notice.units.all())
    call_command("demo", "--households", "80", "--villages-per-township", "2")
    assert "演示概览：已有统计，跳过" in capsys.readouterr().out
    assert Snapshot.objects.count() == 1 and Notice.objects.count() == 1
