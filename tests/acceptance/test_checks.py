"""What guards the final submission: scope (顺店镇 never reads or touches 火龙镇's), the
sealed scan checked by content, the block while households remain unvisited, the
"changed after signing" flag (audited once), ``verify_signature``, and the files themselves."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from anju.acceptance import services
from anju.acceptance.models import FinalSubmission, SealedScan, Status
from anju.audit.models import AuditEvent
from anju.rectification import services as ledger_services
from tests.acceptance.conftest import NARRATIVE, pdf, png
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- scope ------------------------------------------------------------------------------
def test_another_township_cannot_read_or_change_it(
    as_user, campaign, ready, officer_b, head_b, hand_in
):
    s = hand_in()
    scan = SealedScan.objects.get()
    before = (s.status, s.signed_at, SealedScan.objects.count(), s.docx_sha256)
    for user in (officer_b, head_b):
        client = as_user(user)
        assert client.get(f"/acceptance/{s.pk}/").status_code == 404
        for url in (
            f"/acceptance/{s.pk}/sign/",
            f"/acceptance/{s.pk}/scan/",
            f"/acceptance/{s.pk}/download/docx/",
            f"/acceptance/{s.pk}/download/xlsx/",
            f"/acceptance/scans/{scan.pk}/download/",
        ):
            response = client.post(url, {"file": png()})
            assert response.status_code in (403, 404), (user.username, url)
        page = text(client.get("/acceptance/"))
        assert "顺店镇 · 总结验收" in page and "火龙镇" not in page
    s.refresh_from_db()
    assert (s.status, s.signed_at, SealedScan.objects.count(), s.docx_sha256) == before
    assert not AuditEvent.objects.filter(event="export").exists()
    assert AuditEvent.objects.filter(event="permission_denied", outcome="denied").exists()


def test_the_village_worker_and_inspector_have_no_access(
    as_user, campaign, ready, worker_a, inspector, hand_in
):
    s = hand_in()
    for user in (worker_a, inspector):
        assert as_user(user).get("/acceptance/").status_code == 403
        assert as_user(user).get(f"/acceptance/{s.pk}/").status_code == 403


# --- the sealed scan --------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,content",
    [
        ("盖章扫描件.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("盖章扫描件.pdf", "这是一份整改报告，假装是PDF。".encode()),
        ("盖章扫描件.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_renamed_file_is_refused_and_nothing_saved(
    as_user, campaign, ready, officer_a, hand_in, media, name, content
):
    s = hand_in(upload=False)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = as_user(officer_a).post(f"/acceptance/{s.pk}/scan/", {"file": upload})
    assert response.status_code == 200
    assert "不是 PDF、JPG 或 PNG 文件（按文件内容判断，与扩展名无关）" in text(response)
    assert 'id="id_file_error"' in text(response)
    s.refresh_from_db()
    assert s.status == Status.SIGNED and not SealedScan.objects.exists()
    assert not list((Path(media) / "final-scans").glob("**/*"))


def test_a_pdf_and_a_too_large_file(as_user, campaign, ready, officer_a, hand_in, settings):
    s = hand_in(upload=False)
    settings.FINAL_SCAN_MAX_BYTES = 100
    big = SimpleUploadedFile("大.png", png().read() + b"\x00" * 200, content_type="image/png")
    response = as_user(officer_a).post(f"/acceptance/{s.pk}/scan/", {"file": big})
    assert "过大，盖章扫描件不能超过 100 字节" in text(response)
    assert not SealedScan.objects.exists()
    settings.FINAL_SCAN_MAX_BYTES = 20 * 1024 * 1024
    as_user(officer_a).post(f"/acceptance/{s.pk}/scan/", {"file": pdf()})
    scan = SealedScan.objects.get()
    assert scan.extension == ".pdf" and scan.content_type == "application/pdf"
    assert (
        scan.file.name.startswith(f"final-scans/{s.township_id}/") and "盖章" not in scan.file.name
    )


# --- the visits block -------------------------------------------------------------------
def test_blocked_while_households_remain_unvisited(
    as_user, campaign, ready, officer_a, head_a, village_a, hand_in
):
    draft = hand_in(sign=False, upload=False)
    make_household(village_a, head_name="钱七")
    make_household(village_a, head_name="孙八")
    officer = as_user(officer_a)
    page = text(officer.get("/acceptance/"))
    assert "还有 2 户应排查农户既未入户排查、也未说明未走访原因" in page
    assert 'href="/visits/coverage/"' in page
    response = officer.post("/acceptance/prepare/", NARRATIVE, follow=True)
    assert "火龙镇还有 2 户应排查农户既未入户排查、也未说明未走访原因" in text(response)
    # The head cannot sign either.
    with pytest.raises(services.AcceptanceError, match="还有 2 户"):
        services.sign(actor=head_a, submission=draft)
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_SIGNATURE and FinalSubmission.objects.count() == 1


def test_nothing_to_block_without_households_in_scope(as_user, campaign, entries, officer_a):
    as_user(officer_a).post("/acceptance/prepare/", NARRATIVE)
    assert FinalSubmission.objects.get().figures["households_in_scope"] == 0


# --- changed after signing --------------------------------------------------------------
def test_sec_25_change_after_signing_is_flagged_and_audited_once(
    as_user, campaign, ready, officer_a, city_reviewer, hand_in
):
    s = hand_in()
    reviewer = as_user(city_reviewer)
    assert "签字后台账已变更" not in text(reviewer.get("/acceptance/"))
    ledger_services.update_entry(
        actor=officer_a, entry=ready[0], data={"measures": "由村两委当日完成挂牌"}
    )
    listing = text(reviewer.get("/acceptance/"))
    assert "签字后台账已变更" in listing and "签字后变化 1 处" in listing
    detail = text(reviewer.get(f"/acceptance/{s.pk}/"))
    assert "签字后台账已变更" in detail and "由村两委当日完成挂牌" in detail
    assert "由村两委于三日内完成挂牌并拍照存档" in detail  # the signed text, struck through
    text(as_user(officer_a).get("/acceptance/"))
    events = AuditEvent.objects.filter(
        event="update", object_id=str(s.pk), detail__changed_after_signing=True
    )
    assert events.count() == 1
    assert events.get().detail["changed"] == 1
    s.refresh_from_db()
    assert s.changed_noticed_at is not None


# --- verify_signature -------------------------------------------------------------------
def test_sec_25_verify_signature_names_a_flipped_byte(campaign, ready, hand_in, capsys):
    s = hand_in()
    call_command("verify_signature")
    assert "已校验 1 份已签字的总结验收材料" in capsys.readouterr().out
    path = Path(s.docx.path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_signature")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"总结验收材料 #{s.pk}（火龙镇" in err and "整改报告（.docx）" in err
    assert s.docx.name in err and "整改台账" not in err
    with pytest.raises(SystemExit):
        call_command("verify_reports")
    assert f"#{s.pk}" in capsys.readouterr().err


def test_verify_signature_names_an_edited_signer(campaign, ready, hand_in, capsys):
    s = hand_in()
    FinalSubmission.objects.filter(pk=s.pk).update(signed_by_name="别人")
    with pytest.raises(SystemExit):
        call_command("verify_signature")
    assert "签字摘要与记录的文件哈希、签字人或时间不符" in capsys.readouterr().err


# --- the files --------------------------------------------------------------------------
def test_the_report_and_the_ledger_open_and_state_the_numbers(campaign, ready, hand_in):
    import docx
    import openpyxl

    s = hand_in(sign=False, upload=False)
    with s.docx.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "关于火龙镇农村危房改造“回头看”排查整改情况的报告" in body and "火龙镇人民政府" in body
    assert "共2户，已入户排查1户，占50.0%" in body
    assert "未入户1户，已逐户说明原因并电话核实：外出务工1户" in body
    assert "整改台账共列入问题3个，其中共性问题1个、个性问题2个" in body
    assert "已整改销号1个，整改率33.3%；尚未销号2个（整改中0个" not in body
    assert "已整改销号1个，整改率33.3%；尚未销号2个（待整改2个）" in body
    assert NARRATIVE["situation"] in body and NARRATIVE["cases"] in body
    assert NARRATIVE["measures"] in body and NARRATIVE["mechanism"] in body
    assert "签发人：p_head_a" in body  # the township's one head
    assert "附件：禹州市脱贫攻坚农村危房改造情况排查整改台账" in body
    tables = {
        t.rows[0].cells[1].text: [[c.text for c in r.cells] for r in t.rows]
        for t in document.tables
    }
    assert tables["筛查发现"][-1] == ["合计", "0", "0", "0", "0", "0"]  # no findings here
    rows = tables["共性问题"]
    assert ["住房安全性认定", "0", "1", "1", "0", "1"] in rows
    assert ["改造质量", "1", "0", "1", "1", "0"] in rows
    assert rows[-1] == ["合计", "1", "2", "3", "1", "2"]
    outstanding = tables["问题表述"]
    assert outstanding[1][:2] == ["1", "王五户C级危房未挂牌"] and outstanding[1][3] == "待整改"
    with s.xlsx.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert any("火龙镇人民政府" in c for c in cells)
    for description in ("王五户C级危房未挂牌", "赵六户补助未足额发放", "部分改造户屋面渗漏"):
        assert description in cells
