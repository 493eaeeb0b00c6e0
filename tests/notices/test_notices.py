"""Drafting, editing, issuing and reading notices; personal data refused; each township
sees only the issued notices that name it."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document

from anju.audit.models import AuditEvent
from anju.documents.pi_guard import PersonalDataInDocument
from anju.documents.reports import Notice as NoticeData
from anju.documents.reports import notice as build_notice
from anju.notices import services
from anju.notices.models import Kind, Notice, NoticeUnit

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def draft_via_page(client, *picks) -> Notice:
    response = client.post("/notices/propose/", {"pick": [f"{c}:{k}" for c, k in picks]})
    assert response.status_code == 302, response.content.decode()[:500]
    notice = Notice.objects.latest("id")
    assert response["Location"] == f"/notices/{notice.pk}/edit/"
    return notice


def form_data(notice: Notice, **overrides) -> dict:
    data = {
        "title": notice.title,
        "document_number": "禹建〔2022〕45号",
        "issuer": notice.issuer,
        "recipients": notice.recipients,
        "introduction": notice.introduction,
        "requirements": notice.requirements,
        "day": "2022-06-20",
        "then": "stay",
    }
    for unit in notice.units.all():
        data[f"unit-{unit.pk}-kind"] = unit.kind
        data[f"unit-{unit.pk}-facts"] = unit.facts
    data.update(overrides)
    return data


@pytest.fixture
def issued(as_user, city_reviewer, planted, today, township_a, township_b) -> Notice:
    client = as_user(city_reviewer)
    notice = draft_via_page(
        client, (township_a.code, Kind.CRITICISM), (township_b.code, Kind.PRAISE)
    )
    assert client.post(f"/notices/{notice.pk}/edit/", form_data(notice)).status_code == 302
    response = client.post(f"/notices/{notice.pk}/issue/", follow=True)
    assert "通报已印发" in response.content.decode()
    notice.refresh_from_db()
    return notice


def test_the_proposals_page_lists_both_with_evidence(as_user, city_reviewer, planted, today):
    html = as_user(city_reviewer).get("/notices/propose/").content.decode()
    assert "建议通报批评" in html and "建议通报表扬" in html
    assert "第2周周报未报送" in html and "整改台账第2号共1个问题已超过完成时限仍未整改销号" in html
    assert "第1周至第3周周报均按时报送" in html
    assert "张三" not in html


def test_a_draft_from_the_proposals_carries_facts_and_evidence(
    as_user, city_reviewer, planted, today, township_a
):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    unit = notice.units.get()
    assert unit.township == township_a and unit.kind == Kind.CRITICISM
    assert "第2周周报未报送" in unit.facts
    codes = [r["code"] for r in unit.evidence["reasons"]]
    assert codes[:3] == ["missing_weeks", "late_weeks", "overdue_entries"]
    assert notice.title == "关于禹州市农村危房改造“回头看”工作进展情况的通报"
    assert "禹建〔2022〕39号" in notice.introduction
    page = client.get(f"/notices/{notice.pk}/edit/").content.decode()
    assert "火龙镇" in page and "系统依据" in page


def test_nothing_is_ticked_and_exactly_the_ticked_townships_are_drafted(
    as_user, city_reviewer, planted, today
):
    """Issue #17 item 5: every township came pre-ticked, and ticking three drafted eleven."""
    from anju.notices import proposals

    client = as_user(city_reviewer)
    html = client.get("/notices/propose/").content.decode()
    assert html.count('name="pick"') > 3 and " checked" not in html
    current = proposals.compute(planted.campaign)
    ticked = [(p.township.code, p.kind) for p in current.criticism[:2] + current.praise[:1]]
    notice = draft_via_page(client, *ticked)
    assert sorted(notice.units.values_list("township__code", "kind")) == sorted(ticked)


def test_picking_a_township_not_proposed_is_refused(
    as_user, city_reviewer, planted, today, township_b
):
    client = as_user(city_reviewer)
    response = client.post("/notices/propose/", {"pick": [f"{township_b.code}:criticism"]})
    assert response.status_code == 200
    assert "目前不在通报批评建议名单中" in response.content.decode()
    assert not Notice.objects.exists()


def test_issuing_stores_the_document_with_its_hash_and_evidence(issued, city_reviewer, township_a):
    assert issued.status == Notice.Status.ISSUED
    assert issued.issued_by == city_reviewer and issued.issued_at is not None
    data = bytes(issued.document)
    assert issued.document_sha256 == hashlib.sha256(data).hexdigest()
    text = text_of(data)
    assert "关于禹州市农村危房改造“回头看”工作进展情况的通报" in text
    assert "禹建〔2022〕45号" in text and "各乡镇人民政府、街道办事处：" in text
    assert "一、工作成效较好的单位" in text and "二、存在的问题" in text
    assert "顺店镇：第1周至第3周周报均按时报送；" in text
    assert "火龙镇：第2周周报未报送；" in text and "（一）被通报批评的乡镇" in text
    assert "禹州市住房和城乡建设局" in text and "2022年6月20日" in text
    snapshot = issued.evidence["units"][township_a.code]
    assert snapshot["kind"] == "criticism"
    assert snapshot["at_issue"]["reasons"][0]["weeks"] == [2]
    assert AuditEvent.objects.filter(
        event="submit", object_type="notices.notice", object_id=str(issued.pk)
    ).exists()


def test_an_issued_notice_cannot_change(as_user, city_reviewer, issued):
    client = as_user(city_reviewer)
    response = client.get(f"/notices/{issued.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/notices/{issued.pk}/"
    with pytest.raises(services.NoticeError, match="已印发"):
        services.save_draft(actor=city_reviewer, notice=issued, data={}, units=[])
    with pytest.raises(services.NoticeError, match="已印发"):
        services.issue(actor=city_reviewer, notice=issued)


def test_issuing_needs_a_document_number(as_user, city_reviewer, planted, today, township_a):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "请先填写发文字号" in page
    response = client.post(f"/notices/{notice.pk}/issue/", follow=True)
    assert "请先填写发文字号" in response.content.decode()
    notice.refresh_from_db()
    assert notice.is_draft and not notice.document


def test_a_document_number_is_used_once(as_user, city_reviewer, issued, township_a):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    client.post(f"/notices/{notice.pk}/edit/", form_data(notice))
    response = client.post(f"/notices/{notice.pk}/issue/", follow=True)
    assert "发文字号 禹建〔2022〕45号 已被另一份通报使用" in response.content.decode()


def test_personal_data_is_refused_next_to_the_field(
    as_user, city_reviewer, planted, today, township_a
):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    unit = notice.units.get()
    response = client.post(
        f"/notices/{notice.pk}/edit/",
        form_data(
            notice,
            **{
                f"unit-{unit.pk}-facts": "张三（411081198001011234）户未改造",
                "introduction": "联系电话 13812345678",
            },
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "火龙镇的通报事实中含有身份证号" in html and "通报中不得出现个人敏感信息" in html
    assert "导语中含有手机号" in html
    assert f'id="unit-{unit.pk}-error"' in html
    unit.refresh_from_db()
    assert "411081198001011234" not in unit.facts


def test_the_builder_refuses_personal_data_even_when_stored(
    as_user, city_reviewer, planted, today, township_a
):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    client.post(f"/notices/{notice.pk}/edit/", form_data(notice))
    NoticeUnit.objects.filter(notice=notice).update(facts="补助发放至账户 6222021234567890123")
    with pytest.raises(services.NoticeError, match="银行账号"):
        services.issue(actor=city_reviewer, notice=notice)
    with pytest.raises(PersonalDataInDocument):
        build_notice(
            NoticeData(
                title="通报",
                document_number="",
                issuer="禹州市住房和城乡建设局",
                recipients="各乡镇人民政府",
                introduction="",
                praised=[],
                criticized=[],
                requirements=["请联系 13812345678"],
                day=None,
            )
        )
    notice.refresh_from_db()
    assert notice.is_draft


def test_add_and_remove_townships(as_user, city_reviewer, planted, today, township_a, township_b):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    response = client.post(
        f"/notices/{notice.pk}/units/add/",
        {"township": township_b.pk, "kind": "praise"},
        follow=True,
    )
    assert "已加入顺店镇（通报表扬）" in response.content.decode()
    b = notice.units.get(township=township_b)
    assert "第1周至第3周周报均按时报送" in b.facts
    a = notice.units.get(township=township_a)
    data = form_data(notice, **{f"unit-{a.pk}-delete": "1"})
    assert client.post(f"/notices/{notice.pk}/edit/", data).status_code == 302
    assert list(notice.units.values_list("township__name", flat=True)) == ["顺店镇"]


def test_discard_a_draft(as_user, city_reviewer, planted, today, township_a):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    assert client.post(f"/notices/{notice.pk}/discard/").status_code == 302
    assert not Notice.objects.exists() and not NoticeUnit.objects.exists()


def test_preview_docx_of_a_draft(as_user, city_reviewer, planted, today, township_a):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    response = client.get(f"/notices/{notice.pk}/preview/")
    assert response.status_code == 200
    assert "火龙镇：" in text_of(response.content)


def test_a_named_township_reads_and_downloads_its_notice(as_user, officer_a, head_a, issued):
    for user in (officer_a, head_a):
        client = as_user(user)
        listing = client.get("/notices/").content.decode()
        assert issued.title in listing and "通报批评" in listing
        page = client.get(f"/notices/{issued.pk}/").content.decode()
        assert "本乡镇被通报的依据" in page
        response = client.post(f"/notices/{issued.pk}/download/")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == issued.document_sha256
    assert AuditEvent.objects.filter(
        event="export", object_type="notices.notice", username=officer_a.username
    ).exists()


def test_a_township_sees_only_notices_naming_it(
    as_user, city_reviewer, officer_b, planted, today, township_a
):
    client = as_user(city_reviewer)
    notice = draft_via_page(client, (township_a.code, Kind.CRITICISM))
    client.post(
        f"/notices/{notice.pk}/edit/",
        form_data(notice, document_number="禹建〔2022〕46号"),
    )
    client.post(f"/notices/{notice.pk}/issue/")
    notice.refresh_from_db()
    assert not notice.is_draft
    other = as_user(officer_b)
    assert notice.title not in other.get("/notices/").content.decode()
    assert other.get(f"/notices/{notice.pk}/").status_code == 404
    assert other.post(f"/notices/{notice.pk}/download/").status_code == 404
    assert AuditEvent.objects.filter(
        event="permission_denied", username=officer_b.username
    ).exists()


def test_drafts_are_the_reviewers_alone(
    as_user, city_reviewer, city_admin, officer_a, planted, today, township_a
):
    notice = draft_via_page(as_user(city_reviewer), (township_a.code, Kind.CRITICISM))
    assert as_user(officer_a).get(f"/notices/{notice.pk}/").status_code == 404
    assert as_user(city_admin).get(f"/notices/{notice.pk}/").status_code == 404
    assert as_user(city_admin).get("/notices/propose/").status_code == 403
    assert as_user(officer_a).post("/notices/propose/").status_code == 403


def test_the_city_admin_downloads_issued_notices(as_user, city_admin, issued):
    client = as_user(city_admin)
    assert issued.title in client.get("/notices/").content.decode()
    assert client.post(f"/notices/{issued.pk}/download/").status_code == 200
    assert "各乡镇的依据" in client.get(f"/notices/{issued.pk}/").content.decode()


def test_home_panels(as_user, city_reviewer, officer_a, officer_b, worker_a, issued):
    assert "查看通报建议名单" in as_user(city_reviewer).get("/").content.decode()
    html = as_user(officer_a).get("/").content.decode()
    assert issued.title in html and "通报批评" in html
    assert "通报表扬" in as_user(officer_b).get("/").content.decode()
    assert issued.title not in as_user(worker_a).get("/").content.decode()
