"""``manage.py import_registry`` and ``export_registry`` (DESIGN.md §6): counts in Chinese,
exit 0 when imported, 1 when errors blocked it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anju.audit.models import AuditEvent
from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import book, row

pytestmark = pytest.mark.django_db


def command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_exit_0(tmp_path, village_a):
    code, out, _ = command(
        "import_registry", str(book(tmp_path, [row(village_a), row(village_a, n=2)]))
    )
    assert code == 0
    assert "新增 2 户，更新 0 户，无变化 0 户" in out
    assert Household.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert batch.user is None and batch.mode == "all"
    assert AuditEvent.objects.get(event="import").username == "system"


def test_errors_block_the_import_with_exit_1(tmp_path, village_a):
    code, out, err = command(
        "import_registry", str(book(tmp_path, [row(village_a), row(village_a, n=2, 家庭人口=0)]))
    )
    assert code == 1
    assert "第 3 行 E 列（家庭人口）“0”：应为 1–20 的整数" in err
    assert Household.objects.count() == 0


def test_valid_only_imports_the_rest_and_writes_the_problems(tmp_path, village_a):
    out_path = tmp_path / "问题.xlsx"
    path = book(tmp_path, [row(village_a), row(village_a, n=2, 家庭人口=0)])
    code, out, _ = command("import_registry", str(path), "--valid-only", "--errors", str(out_path))
    assert code == 0
    assert Household.objects.count() == 1
    sheet = openpyxl.load_workbook(out_path).active
    assert [c.value for c in sheet[1]][:4] == ["级别", "工作表", "行号", "列"]
    assert [c.value for c in sheet[2]][:5] == ["错误", "农户", 3, "E", "家庭人口"]


def test_a_dry_run_writes_nothing(tmp_path, village_a):
    code, out, _ = command("import_registry", str(book(tmp_path, [row(village_a)])), "--dry-run")
    assert code == 0
    assert "可新增 1 户" in out
    assert Household.objects.count() == 0
    code, _, _ = command(
        "import_registry", str(book(tmp_path, [row(village_a, 家庭人口=99)])), "--dry-run"
    )
    assert code == 1


def test_a_refused_file_exits_1(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    code, _, err = command("import_registry", str(path))
    assert code == 1 and "文件是空的" in err
    code, _, err = command("import_registry", str(tmp_path / "没有.xlsx"))
    assert code == 1 and "找不到文件" in err


def test_user_gives_the_scope_and_the_audit_name(tmp_path, village_a, village_b, officer_a):
    code, _, err = command(
        "import_registry", str(book(tmp_path, [row(village_b)])), "--user", officer_a.username
    )
    assert code == 1 and "只能导入本乡镇" in err
    code, _, _ = command(
        "import_registry", str(book(tmp_path, [row(village_a)])), "--user", officer_a.username
    )
    assert code == 0
    assert ImportBatch.objects.filter(user=officer_a, status="done").exists()
    assert AuditEvent.objects.filter(event="create", username=officer_a.username).count() == 1


def test_a_user_who_may_not_import_is_refused(tmp_path, village_a, worker_a):
    code, _, err = command(
        "import_registry", str(book(tmp_path, [row(village_a)])), "--user", worker_a.username
    )
    assert code == 1 and "无权导入" in err


def test_export_then_import_round_trips(tmp_path, village_a, village_b):
    command(
        "import_registry",
        str(book(tmp_path, [row(village_a), row(village_b, n=2, 联系电话="13800001111")])),
    )
    out = tmp_path / "全县.xlsx"
    code, text, _ = command("export_registry", "--out", str(out))
    assert code == 0 and "已导出 2 户" in text
    code, text, _ = command("import_registry", str(out))
    assert code == 0 and "新增 0 户，更新 0 户，无变化 2 户" in text
    out = tmp_path / "火龙镇.csv"
    code, text, _ = command(
        "export_registry", "--out", str(out), "--township", village_a.parent.code
    )
    assert "已导出 1 户" in text
    event = AuditEvent.objects.filter(event="export").latest("id")
    assert (
        event.detail["filters"]["township"] == village_a.parent.code and event.detail["rows"] == 1
    )


def test_export_refuses_an_unknown_township(tmp_path):
    code, _, err = command(
        "export_registry", "--out", str(tmp_path / "x.xlsx"), "--township", "999999999"
    )
    assert code == 1 and "没有代码为 999999999 的乡镇" in err
