"""The 整改报告 accounts for everything the system knows (issue #15, ADR 0011): it cannot be
generated or signed while screening findings are 待确认, ledger drafts (house visits,
confirmed findings) are unhandled or a confirmed finding reached no entry; once handled,
the report states the dismissals with their reasons and that nothing is left unhandled;
only the 签发人 it names may sign it."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import timezone

from anju.acceptance import services
from anju.acceptance.models import FinalSubmission, Status
from anju.rectification import services as ledger_services
from anju.screening import services as screening
from anju.screening.models import Finding
from tests.acceptance.conftest import NARRATIVE

pytestmark = pytest.mark.django_db


def _finding(household, rule="S-01", aspect="1"):
    now = timezone.now()
    return Finding.objects.create(
        rule_code=rule,
        aspect=aspect,
        severity="E",
        household=household,
        township=household.township,
        village=household.village,
        message="C级危房未挂牌",
        opened_at=now,
        updated_at=now,
    )


def _body(submission) -> str:
    with submission.docx.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_an_unconfirmed_finding_blocks_generating_and_the_page_says_where(
    as_user, campaign, ready, households, officer_a, township_a
):
    finding = _finding(households[0])
    officer = as_user(officer_a)
    page = officer.get("/acceptance/").content.decode()
    assert "还有排查发现的问题没有处理" in page
    assert 'href="/screening/?status=open"' in page and "1 个筛查问题待确认" in page
    response = officer.post("/acceptance/prepare/", NARRATIVE, follow=True)
    assert (
        "火龙镇还有 1 个筛查问题待确认，暂不能生成整改报告和整改台账" in response.content.decode()
    )
    assert not FinalSubmission.objects.exists()
    # dismissed with a reason, it no longer blocks and the report names it with the reason
    screening.dismiss(finding=finding, user=officer_a, reason="经入户核实已挂牌，系统未录入")
    s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, **NARRATIVE)
    body = _body(s)
    assert "确认属实0个，经核实排除1个，待确认0个" in body
    assert "经入户核实已挂牌，系统未录入" in body and "王五户" in body
    assert "无待确认问题和未处理的台账草稿" in body
    assert s.figures["unhandled"]["total"] == 0


def test_an_unhandled_draft_blocks_generating(
    campaign, ready, officer_a, township_a, village_a, today
):
    draft = ledger_services.create_entry(
        actor=officer_a,
        campaign=campaign,
        township=township_a,
        village=village_a,
        nature="个性问题",
        description="入户排查：赵六户屋面渗漏",
        source="visit",
        draft=True,
    )
    with pytest.raises(services.AcceptanceError, match="1 条台账草稿"):
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, **NARRATIVE)
    ledger_services.discard_draft(actor=officer_a, entry=draft)
    services.prepare(actor=officer_a, campaign=campaign, township=township_a, **NARRATIVE)
    assert FinalSubmission.objects.get().status == Status.AWAITING_SIGNATURE


def test_a_finding_that_appears_after_generating_blocks_signing(
    campaign, ready, households, officer_a, head_a, hand_in
):
    draft = hand_in(sign=False, upload=False)
    _finding(households[1], rule="A-04", aspect="4")
    with pytest.raises(services.AcceptanceError, match="1 个筛查问题待确认，暂不能签字"):
        services.sign(actor=head_a, submission=draft)
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_SIGNATURE and draft.signed_at is None


def test_a_confirmed_finding_must_reach_the_ledger(
    campaign, ready, households, officer_a, township_a
):
    finding = _finding(households[0])
    screening.confirm(finding=finding, user=officer_a)  # the ledger writes a draft for it
    with pytest.raises(services.AcceptanceError, match="台账草稿"):
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, **NARRATIVE)


def test_only_the_signer_the_report_names_may_sign(campaign, ready, head_a, hand_in):
    draft = hand_in(sign=False, upload=False)
    assert draft.figures["signer"] == head_a.full_name
    head_a.full_name = "新任镇长"
    head_a.save()
    with pytest.raises(services.AcceptanceError, match="签发人是p_head_a，须由p_head_a本人签字"):
        services.sign(actor=head_a, submission=draft)
