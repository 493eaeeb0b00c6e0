"""审批并报送 is not one click (issue #17 item 6): the township head types the password
again (or the TOTP code where enrolled); a wrong one sends nothing, is audited and counts
towards the lock-out; the audit row of the sending says how it was confirmed."""

from __future__ import annotations

import pytest

from anju.accounts.models import LoginFailure
from anju.audit.models import AuditEvent
from anju.reporting.models import Status, WeeklySubmission
from tests.conftest import PASSWORD
from tests.reporting.conftest import at

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_the_head_types_the_password_again_to_approve(as_user, schedule, officer_a, head_a, entry):
    entry()
    officer, head = as_user(officer_a), as_user(head_a)
    with at("2022-06-03 10:00"):
        officer.post("/reports/prepare/", {"week": "1"})
        s = WeeklySubmission.objects.get()
        page = text(head.get(f"/reports/{s.pk}/"))
        assert 'type="password" name="reauth"' in page and "登录密码" in page
        response = head.post(f"/reports/{s.pk}/approve/", follow=True)
        assert "请填写登录密码：审批报送须再次确认本人身份" in text(response)
        response = head.post(f"/reports/{s.pk}/approve/", {"reauth": "guess"}, follow=True)
        assert "登录密码不正确，未审批报送" in text(response)
        s.refresh_from_db()
        assert s.status == Status.AWAITING and s.content_hash == ""
        assert not AuditEvent.objects.filter(event="submit").exists()
        failed = AuditEvent.objects.get(event="login_failed", detail__step="reauth")
        assert failed.username == "p_head_a" and failed.detail["for"] == "审批报送"
        assert LoginFailure.objects.filter(username="p_head_a").count() == 1

        response = head.post(f"/reports/{s.pk}/approve/", {"reauth": PASSWORD}, follow=True)
        assert "已审批，第1周周报已报送市住建局" in text(response)
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED
    submit = AuditEvent.objects.get(event="submit", object_id=str(s.pk))
    assert submit.detail["confirmed_with"] == "password" and submit.username == "p_head_a"
