"""The list-import page (issue #18 part 1): a city officer uploads a 防返贫监测 or 民政
list, sees the preview with every bad cell named by row and column (nothing written),
confirms, follows a background run's progress, and reads the versions and what changed
between them. Township people see the versions and only their own township's changes;
other roles are refused; every run is audited."""

from __future__ import annotations

import re
import socket

import pytest

from anju.audit.models import AuditEvent
from anju.monitoring.models import ListedHousehold, ListVersion
from tests.monitoring.lists import family, fpjc_book, head_id, write_book

pytestmark = pytest.mark.django_db
LISTS = "/monitoring/lists/"
Status = ListVersion.Status
NOVEMBER = ("（自定义）监测对象信息", "数据截至：2023年11月30日")
DECEMBER = ("（自定义）监测对象信息", "数据截至：2023年12月31日")


@pytest.fixture(autouse=True)
def scratch_data_folder(settings, tmp_path):
    """Uploads are kept in the data folder's tmp/imports: a scratch one for each test."""
    settings.DATA_DIR = tmp_path / "data"


def stored(settings) -> list:
    return list((settings.DATA_DIR / "tmp" / "imports").glob("*"))


def upload(client, path, source="fpjc"):
    with path.open("rb") as handle:
        return client.post(LISTS, {"file": handle, "source": source})


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def check_and_confirm(client, path, source="fpjc") -> ListVersion:
    checked = upload(client, path, source)
    assert checked.status_code == 302, text(checked)
    version = ListVersion.objects.get(pk=checked.url.rstrip("/").rsplit("/", 1)[1])
    assert version.status == Status.CHECKED and version.dry_run, version.problems
    done = client.post(f"{LISTS}{version.pk}/confirm/")
    assert done.status_code == 302
    return ListVersion.objects.order_by("-id").first()


def test_a_bad_list_is_previewed_with_row_and_column_named_and_nothing_written(
    tmp_path, settings, as_user, city_reviewer
):
    rows = family(1, village="甲一村") + family(2, village="甲一村")
    rows[1]["证件号码"] = "41108119500101123"  # 17 characters
    rows[4]["乡"] = "不存在镇"
    rows[5]["监测对象类别"] = None  # nothing in an optional column is no error
    rows[5]["消除监测时间"] = "无"  # nor are the exports' "nothing" words
    rows[2]["消除监测时间"] = "—"
    path = fpjc_book(tmp_path / "11月.xlsx", rows, titles=NOVEMBER)
    client = as_user(city_reviewer)

    response = client.get(upload(client, path)["Location"])
    page = text(response)
    assert "有错误，未写入" in page and "第 5 行" in page and "H 列（证件号码）" in page
    assert "第 8 行" in page and "C 列（乡）" in page and "不存在镇" in page
    assert "确认导入" not in page
    assert ListedHousehold.objects.count() == 0
    assert stored(settings) == [], "a file with errors is not kept"
    event = AuditEvent.objects.filter(event="import").latest("id")
    assert event.detail["status"] == Status.BLOCKED and event.detail["errors"] == 2
    book = client.get(f"{LISTS}{ListVersion.objects.get().pk}/problems.xlsx")
    assert book.status_code == 200 and book["Content-Type"].startswith("application/vnd.")


def test_a_good_list_is_checked_then_confirmed_and_the_next_version_shows_its_changes(
    tmp_path, settings, as_user, city_reviewer, township_a, village_a
):
    client = as_user(city_reviewer)
    first = family(1, village="甲一村") + family(2, village="甲一村") + family(3, village="甲一村")
    path = fpjc_book(tmp_path / "11月.xlsx", first, titles=NOVEMBER)

    checked = client.get(upload(client, path)["Location"])
    assert "检查通过，待确认" in text(checked) and "确认导入" in text(checked)
    assert ListedHousehold.objects.count() == 0, "the preview writes nothing"
    assert len(stored(settings)) == 1
    version = check_and_confirm(client, path)
    assert version.status == Status.DONE and not version.dry_run and version.households == 3
    assert version.summary["checked_in"] == version.pk - 1  # the second upload's check
    # the written file is deleted; the first check, never confirmed, waits for ``cleanup``
    assert len(stored(settings)) == 1 and version.upload == ""

    second = (
        family(1, village="甲一村")
        + family(2, village="甲一村", 监测对象类别="边缘易致贫户", 是否危房户="是")
        + family(4, village="甲一村")
    )
    latest = check_and_confirm(client, fpjc_book(tmp_path / "12月.xlsx", second, titles=DECEMBER))
    assert latest.summary["changes"] == {
        "previous": version.pk,
        "added": 1,
        "removed": 1,
        "changed": 1,
    }
    page = text(client.get(f"{LISTS}{latest.pk}/?show=changed"))
    assert "新增（1 户）" in page and "减少（1 户）" in page and "类别或风险变化（1 户）" in page
    assert "户2主" in page and "<del>脱贫不稳定户、易返贫致贫户</del> → 边缘易致贫户" in page
    assert "<del>否</del> → 是" in page and head_id(2) not in page  # masked
    removed = text(client.get(f"{LISTS}{latest.pk}/?show=removed"))
    assert "户3主" in removed and "户4主" not in removed

    listing = text(client.get(LISTS))
    assert "当前版本" in listing and "新增 1，减少 1，变化 1" in listing and "首个版本" in listing
    events = AuditEvent.objects.filter(event="import").order_by("id")
    assert [e.detail["dry_run"] for e in events] == [True, True, False, True, False]
    assert {e.user_id for e in events} == {city_reviewer.pk}


def test_a_confirmed_check_cannot_be_confirmed_twice(tmp_path, as_user, city_reviewer):
    client = as_user(city_reviewer)
    path = fpjc_book(tmp_path / "11月.xlsx", family(1), titles=NOVEMBER)
    check = ListVersion.objects.get(pk=upload(client, path)["Location"].split("/")[-2])
    client.post(f"{LISTS}{check.pk}/confirm/")
    again = client.post(f"{LISTS}{check.pk}/confirm/", follow=True)
    assert "暂存的文件已导入" in text(again)
    assert ListVersion.objects.filter(status=Status.DONE).count() == 1


def test_a_minzheng_list_with_family_rows_goes_through_the_page(tmp_path, as_user, city_admin):
    headers = ("序号", "乡镇", "村", "家庭编号", "姓名", "身份证号", "与户主关系", "救助类别")
    headers += ("救助开始月份", "状态")
    rows = [
        {
            "乡镇": "火龙镇",
            "村": "甲一村",
            "家庭编号": "F1",
            "姓名": "民一",
            "身份证号": head_id(7) + "  ",
            "与户主关系": "户主",
            "救助类别": "农村低保",
            "状态": "正常",
        },
        {
            "乡镇": "火龙镇",
            "村": "甲一村",
            "家庭编号": "F2",
            "姓名": "民二",
            "身份证号": head_id(8),
            "与户主关系": "户主",
            "救助类别": "农村特困人员（分散供养）",
            "救助开始月份": "/",
            "状态": None,
        },
    ]
    path = write_book(tmp_path / "民政.xlsx", headers, rows, titles=("低保特困名单",))
    version = check_and_confirm(as_user(city_admin), path, source="minzheng")
    assert (version.source, version.status, version.households) == ("minzheng", Status.DONE, 2)


def test_a_big_list_runs_in_the_background_and_the_page_follows_it(
    tmp_path, settings, as_user, city_reviewer, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 1  # every file is "big"
    client = as_user(city_reviewer)
    path = fpjc_book(tmp_path / "11月.xlsx", family(1) + family(2), titles=NOVEMBER)
    # the task is queued after the commit; hold it to see the page meanwhile
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(LISTS, {"file": handle, "source": "fpjc"})
    version = ListVersion.objects.get()
    assert version.status == Status.RUNNING and len(queued) == 1
    page = text(client.get(response["Location"]))
    assert "排队中" in page and 'hx-get="/monitoring/lists/' in page and "<progress" in page
    queued[0]()  # the worker runs it (the test settings run tasks at once)
    status = client.get(f"{LISTS}{version.pk}/status/", headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true" and "已完成" in text(status)
    version.refresh_from_db()
    assert (version.status, version.progress) == (Status.CHECKED, 100)


def test_a_run_whose_process_died_is_marked_failed_when_its_page_is_read(
    tmp_path, as_user, city_reviewer
):
    version = ListVersion.objects.create(
        source="fpjc", user=city_reviewer, filename="11月.xlsx", file_sha256="0" * 64
    )
    ListVersion.objects.filter(pk=version.pk).update(runner=f"{socket.gethostname()} 999999999 1")
    page = text(as_user(city_reviewer).get(f"{LISTS}{version.pk}/"))
    assert "导入进程意外中止" in page
    assert ListVersion.objects.get(pk=version.pk).status == Status.FAILED


def test_a_wrong_file_or_an_oversized_one_is_refused_and_audited(
    tmp_path, settings, as_user, city_reviewer
):
    client = as_user(city_reviewer)
    doc = tmp_path / "名单.docx"
    doc.write_bytes(b"PK\x03\x04 not a list")
    with doc.open("rb") as handle:
        refused = client.post(LISTS, {"file": handle, "source": "fpjc"})
    assert refused.status_code == 400 and "不支持“.docx”文件" in text(refused)
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(b"just text, not a workbook")
    page = text(client.get(upload(client, fake)["Location"]))
    assert "失败" in page and ListVersion.objects.get().status == Status.FAILED
    settings.IMPORT_MAX_BYTES = 1024
    big = tmp_path / "大.xlsx"
    big.write_bytes(b"x" * 400 * 1024)
    with big.open("rb") as handle:
        response = client.post(LISTS, {"file": handle, "source": "fpjc"})
    assert response.status_code == 413 and "文件过大" in text(response)
    event = AuditEvent.objects.filter(event="import").latest("id")
    assert event.outcome == "failure" and "文件过大" in event.detail["reason"]
    assert stored(settings) == []


def test_township_people_see_versions_and_their_own_changes_only_others_are_refused(
    tmp_path, as_user, city_reviewer, officer_a, officer_b, worker_a, inspector, village_b
):
    rows = family(1, village="甲一村") + family(2, "顺店镇", "乙一村")
    check_and_confirm(
        as_user(city_reviewer), fpjc_book(tmp_path / "11.xlsx", rows, titles=NOVEMBER)
    )
    version = ListVersion.objects.get(status=Status.DONE)
    mine = text(as_user(officer_a).get(f"{LISTS}{version.pk}/"))
    assert "户1主" in mine and "户2主" not in mine and "只列出本乡镇的农户" in mine
    theirs = text(as_user(officer_b).get(f"{LISTS}{version.pk}/"))
    assert "户2主" in theirs and "户1主" not in theirs
    officer = as_user(officer_a)
    listing = text(officer.get(LISTS))
    assert "上传并检查" not in listing and "11.xlsx" in listing
    check = ListVersion.objects.filter(dry_run=True).first()
    assert officer.get(f"{LISTS}{check.pk}/").status_code == 404  # checks are the county's
    with (tmp_path / "11.xlsx").open("rb") as handle:
        assert officer.post(LISTS, {"file": handle, "source": "fpjc"}).status_code == 403
    assert officer.get(f"{LISTS}{version.pk}/problems.xlsx").status_code == 403
    assert as_user(worker_a).get(LISTS).status_code == 403
    assert as_user(inspector).get(LISTS).status_code == 403
