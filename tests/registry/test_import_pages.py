"""The import pages: upload, the result with every problem, importing after a check, the
progress of a background import, the history, the template — and who may see what."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import row, write_xlsx

pytestmark = pytest.mark.django_db
UPLOAD = "/households/import/"


@pytest.fixture(autouse=True)
def scratch_data_folder(settings, tmp_path):
    """Uploads are kept in the data folder's tmp/imports: a scratch one for each test."""
    settings.DATA_DIR = tmp_path / "data"


def upload(client, path, mode="dry_run", **extra):
    with path.open("rb") as handle:
        return client.post(UPLOAD, {"file": handle, "mode": mode, **extra})


@pytest.fixture
def messy(tmp_path, village_a):
    rows = [
        row(village_a),
        row(village_a, n=2, 家庭人口="二十五"),
        row(village_a, n=3, 鉴定日期="2022-02-30", 鉴定等级="C"),
    ]
    return write_xlsx(tmp_path / "火龙镇农户.xlsx", rows)


def test_the_upload_page_is_for_importers(as_user, officer_a, city_reviewer, head_a, worker_a):
    assert as_user(officer_a).get(UPLOAD).status_code == 200
    assert as_user(city_reviewer).get(UPLOAD).status_code == 200
    assert as_user(head_a).get(UPLOAD).status_code == 403
    assert as_user(worker_a).get(UPLOAD).status_code == 403


def test_a_check_lists_every_problem_by_row_and_column(as_user, officer_a, messy):
    client = as_user(officer_a)
    response = upload(client, messy)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/households/import/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "检查完毕（未写入）：2 行有错误" in page
    assert "第 3 行" in page and "E 列" in page and "（家庭人口）" in page and "二十五" in page
    assert "第 4 行" in page and "日期“2022-02-30”不存在" in page
    assert "只导入无误的行（1 行）" in page
    assert Household.objects.count() == 0


def test_the_valid_rows_can_then_be_imported_without_uploading_again(
    as_user, officer_a, messy, settings
):
    client = as_user(officer_a)
    upload(client, messy)
    checked = ImportBatch.objects.get()
    response = client.post(
        reverse("registry:import_confirm", args=[checked.pk]), {"mode": "valid_only"}
    )
    done = ImportBatch.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == f"/households/import/{done.pk}/"
    assert (done.status, done.created, done.skipped) == ("done", 1, 2)
    assert Household.objects.count() == 1
    assert not list((settings.DATA_DIR / "tmp" / "imports").glob("*")), "the upload is deleted"
    page = client.get(response["Location"]).content.decode()
    assert "已导入：新增 1 户" in page
    again = client.post(
        reverse("registry:import_confirm", args=[checked.pk]), {"mode": "valid_only"}
    )
    assert again.status_code == 302 and ImportBatch.objects.count() == 2


def test_only_the_uploader_may_import_a_checked_file(as_user, officer_a, city_reviewer, messy):
    upload(as_user(officer_a), messy)
    checked = ImportBatch.objects.get()
    as_user(city_reviewer).post(
        reverse("registry:import_confirm", args=[checked.pk]), {"mode": "valid_only"}
    )
    assert ImportBatch.objects.count() == 1 and Household.objects.count() == 0


def test_a_file_without_errors_is_imported_directly(as_user, officer_a, tmp_path, village_a):
    path = write_xlsx(tmp_path / "好.xlsx", [row(village_a), row(village_a, n=2)])
    upload(as_user(officer_a), path, mode="all")
    assert ImportBatch.objects.get().created == 2


def test_a_wrong_file_gets_a_message_next_to_the_field(as_user, officer_a):
    client = as_user(officer_a)
    bad = SimpleUploadedFile("名单.docx", b"PK\x03\x04", content_type="application/octet-stream")
    response = client.post(UPLOAD, {"file": bad, "mode": "dry_run"})
    assert response.status_code == 400
    assert "不支持“.docx”文件" in response.content.decode()
    empty = SimpleUploadedFile("空.xlsx", b"", content_type="application/octet-stream")
    response = client.post(UPLOAD, {"file": empty, "mode": "dry_run"})
    assert "文件是空的" in response.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_read(as_user, officer_a, settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 1024
    path = tmp_path / "大.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"0" * 400_000)
    response = upload(as_user(officer_a), path)
    assert response.status_code == 413
    assert "单个文件不能超过 0 MB" in response.content.decode()
    assert ImportBatch.objects.count() == 0
    assert not (settings.DATA_DIR / "tmp" / "imports").exists()


def test_posting_without_the_csrf_token_is_refused(officer_a, tmp_path, village_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", [row(village_a)]))
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_a_big_file_runs_in_the_background_with_a_progress_bar(
    as_user, officer_a, messy, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 0
    client = as_user(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, messy)
    batch = ImportBatch.objects.get()
    assert batch.status == "pending"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and f'hx-get="/households/import/{batch.pk}/status/"' in page
    for callback in callbacks:  # the worker picks the task up (run at once in tests)
        callback()
    batch.refresh_from_db()
    assert batch.status == "checked"
    partial = client.get(f"/households/import/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"


def test_problems_download_as_a_workbook(as_user, officer_a, messy):
    client = as_user(officer_a)
    upload(client, messy)
    batch = ImportBatch.objects.get()
    response = client.get(f"/households/import/{batch.pk}/problems.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert rows[0][:6] == ["错误", "农户", 3, "E", "家庭人口", "二十五"]


def test_the_problem_list_is_paginated(as_user, officer_a, tmp_path, village_a):
    path = write_xlsx(tmp_path / "多.xlsx", [row(village_a, n=n, 家庭人口=0) for n in range(1, 61)])
    client = as_user(officer_a)
    upload(client, path)
    batch = ImportBatch.objects.get()
    first = client.get(f"/households/import/{batch.pk}/").content.decode()
    second = client.get(f"/households/import/{batch.pk}/?page=2").content.decode()
    assert "第 2 行" in first and "第 61 行" not in first
    assert "第 61 行" in second


def test_history_and_results_are_scoped(
    as_user, officer_a, officer_b, head_a, city_reviewer, tmp_path, village_a, village_b
):
    upload(as_user(officer_a), write_xlsx(tmp_path / "甲.xlsx", [row(village_a)]))
    upload(as_user(officer_b), write_xlsx(tmp_path / "乙.xlsx", [row(village_b, n=2)]))
    mine = ImportBatch.objects.get(filename="甲.xlsx")
    theirs = ImportBatch.objects.get(filename="乙.xlsx")
    history = as_user(officer_a).get("/households/import/history/").content.decode()
    assert "甲.xlsx" in history and "乙.xlsx" not in history
    assert "甲.xlsx" in as_user(head_a).get("/households/import/history/").content.decode()
    for url in (
        f"/households/import/{theirs.pk}/",
        f"/households/import/{theirs.pk}/problems.xlsx",
        f"/households/import/{theirs.pk}/status/",
    ):
        assert as_user(officer_a).get(url).status_code == 404
    assert as_user(officer_a).get(f"/households/import/{mine.pk}/").status_code == 200
    reviewer = as_user(city_reviewer).get("/households/import/history/").content.decode()
    assert "甲.xlsx" in reviewer and "乙.xlsx" in reviewer


def test_the_template_has_the_header_an_example_and_a_guide(as_user, worker_a, village_a):
    response = as_user(worker_a).get("/households/import/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["农户住房信息", "填写说明"]
    data, guide = book["农户住房信息"], book["填写说明"]
    headers = [c.value for c in data[1]]
    assert headers[:6] == ["*乡镇", "*行政村", "*户主姓名", "*身份证号", "联系电话", "*家庭人口"]
    assert len(headers) == 53
    example = [c.value for c in data[2]]
    assert example[0] == "火龙镇" and example[5] == 3
    guide_rows = [[c.value for c in r] for r in guide.iter_rows(min_row=2, max_row=54)]
    assert guide_rows[0][:2] == ["乡镇", "必填"]
    assert guide_rows[4][:2] == ["联系电话", "选填"]
    assert all(r[2] and r[3] for r in guide_rows), "every column has a meaning and its values"


def test_the_downloaded_template_filled_in_imports(as_user, officer_a, village_a, tmp_path):
    response = as_user(officer_a).get("/households/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["农户住房信息"]
    sheet.append(["火龙镇", village_a.name, "赵六", row(village_a)["身份证号"], None, 2])
    path = tmp_path / "填好的模板.xlsx"
    book.save(path)
    upload(as_user(officer_a), path, mode="all")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created) == ("done", 1), batch.problems
    assert any("示例行" in p["message"] for p in batch.problems)
