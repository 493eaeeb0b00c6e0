"""What an import does to the registry: matching by ID number, idempotent re-import,
assessments and renovations, modes, one transaction, audit, the batch record, the signal,
villages, and the importing user's scope."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from anju.audit import display
from anju.audit.models import AuditEvent
from anju.audit.services import verify_chain
from anju.registry.models import Assessment, Household, ImportBatch, Renovation
from anju.registry.signals import households_changed
from anju.units.models import Unit
from tests.factories import make_household
from tests.registry.test_import_helpers import Mode, an_id, book, problems, row, run

pytestmark = pytest.mark.django_db
FULL_ID = re.compile(r"\d{17}[\dX]")


def full_rows(village, count=3):
    return [
        row(
            village,
            n=n,
            户主姓名=f"王{'一二三四五六七八九十'[n % 10]}",
            联系电话=f"1380000{n:04d}",
            对象类别="低保户、其他脱贫户",
            房屋结构="土木",
            房屋面积="65㎡",
            鉴定日期="2022-01-10",
            鉴定等级="C级",
            鉴定人员="禹州市房屋安全鉴定站",
            改造方式="加固维修",
            验收日期="2022-07-05",
            补助金额="2万元",
            申请书="√",
        )
        for n in range(1, count + 1)
    ]


def test_sec_21_reimporting_the_same_file_changes_nothing(tmp_path, village_a):
    path = book(tmp_path, full_rows(village_a))
    first = run(path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    stamps = dict(Household.objects.values_list("pk", "updated_at"))
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    second = run(path)
    assert (second.status, second.created, second.updated, second.unchanged) == ("done", 0, 0, 3)
    assert Household.objects.count() == 3
    assert Assessment.objects.count() == 3 and Renovation.objects.count() == 3
    assert dict(Household.objects.values_list("pk", "updated_at")) == stamps
    assert list(AuditEvent.objects.filter(pk__gt=last).values_list("event", flat=True)) == [
        "import"
    ]


def test_changed_cells_update_the_household_and_are_audited_without_pi(tmp_path, village_a):
    run(book(tmp_path, full_rows(village_a, 1)))
    changed = full_rows(village_a, 1)
    changed[0].update(家庭人口=5, 联系电话="13912345678", 对象类别="低保户")
    batch = run(book(tmp_path, changed))
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 0)
    household = Household.objects.get()
    assert (household.size, household.phone, household.groups) == (5, "13912345678", 2)
    event = AuditEvent.objects.filter(event="update", object_type="registry.household").get()
    assert event.detail["changes"]["size"] == [3, 5]
    assert event.detail["changes"]["phone_masked"] == ["138****0001", "139****5678"]
    assert event.detail["import_batch"] == batch.pk
    assert "13912345678" not in str(event.detail)
    assert verify_chain() == []


def test_empty_cells_and_absent_columns_erase_nothing(tmp_path, village_a):
    run(book(tmp_path, [row(village_a, 房屋面积="80", 联系电话="13800000001")]))
    batch = run(
        book(
            tmp_path,
            [row(village_a, 房屋面积=None, 联系电话=None)],
            headers=[*row(village_a), "房屋面积", "联系电话"],
        )
    )
    assert batch.unchanged == 1
    batch = run(book(tmp_path, [row(village_a)]))
    assert batch.unchanged == 1
    household = Household.objects.get()
    assert household.floor_area == Decimal("80") and household.phone == "13800000001"


def test_a_household_entered_by_hand_is_matched_by_its_id_number(tmp_path, village_a):
    existing = make_household(village_a, id_number=an_id(1), size=2)
    batch = run(book(tmp_path, [row(village_a, 家庭人口=4)]))
    assert (batch.created, batch.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.size == 4 and existing.import_batch_id == batch.pk


def test_a_different_assessment_date_or_grade_adds_an_assessment(tmp_path, village_a):
    run(book(tmp_path, [row(village_a, 鉴定日期="2022-01-10", 鉴定等级="C")]))
    run(book(tmp_path, [row(village_a, 鉴定日期="2022-06-01", 鉴定等级="D", 鉴定人员="鉴定站")]))
    household = Household.objects.select_related("assessment").get()
    assert household.assessments.count() == 2
    assert (household.assessment.grade, household.assessment.assessed_on) == (
        "D",
        dt.date(2022, 6, 1),
    )
    run(
        book(
            tmp_path, [row(village_a, 鉴定日期="2022-06-01", 鉴定等级="D", 鉴定人员="禹州市鉴定站")]
        )
    )
    household = Household.objects.select_related("assessment").get()
    assert household.assessments.count() == 2
    assert household.assessment.assessor == "禹州市鉴定站"


def test_the_renovation_is_created_then_updated_in_place(tmp_path, village_a):
    run(book(tmp_path, [row(village_a, 改造方式="原址重建", 开工日期="2022-04-01")]))
    batch = run(
        book(
            tmp_path,
            [row(village_a, 改造方式="原址重建", 开工日期="2022-04-01", 验收日期="2022-08-01")],
        )
    )
    assert batch.updated == 1
    renovation = Household.objects.get().renovation
    assert Renovation.objects.count() == 1
    assert renovation.accepted_on == dt.date(2022, 8, 1)


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do(tmp_path, village_a):
    make_household(village_a, id_number=an_id(1))
    batch = run(
        book(tmp_path, full_rows(village_a, 3) + [row(village_a, n=9, 家庭人口=30)]),
        mode=Mode.DRY_RUN,
    )
    assert batch.status == "checked"
    assert (batch.summary["would_create"], batch.summary["would_update"], batch.skipped) == (
        2,
        1,
        1,
    )
    assert Household.objects.count() == 1
    assert "检查完毕（未写入）" in batch.message


def test_mode_all_writes_nothing_when_any_row_has_an_error(tmp_path, village_a):
    batch = run(book(tmp_path, full_rows(village_a, 3) + [row(village_a, n=9, 家庭人口=30)]))
    assert batch.status == "blocked"
    assert Household.objects.count() == 0


def test_mode_valid_only_imports_the_valid_rows_and_reports_the_rest(tmp_path, village_a):
    batch = run(
        book(tmp_path, full_rows(village_a, 3) + [row(village_a, n=9, 家庭人口=30)]),
        mode=Mode.VALID_ONLY,
    )
    assert (batch.status, batch.created, batch.skipped, batch.error_count) == ("done", 3, 1, 1)
    assert Household.objects.count() == 3
    assert problems(batch)[0]["row"] == 5


def test_sec_21_a_crash_while_writing_leaves_the_database_as_before(
    tmp_path, village_a, monkeypatch
):
    from anju.registry.io import writer

    make_household(village_a, id_number=an_id(1), size=2)

    def crash(events, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "record_many", crash)
    before = (Household.objects.count(), Assessment.objects.count(), Unit.objects.count())
    rows = full_rows(village_a, 3) + [row(village_a, n=8, 行政村="新建的村")]
    batch = run(book(tmp_path, rows), create_villages=True)
    assert batch.status == "failed"
    assert "未写入任何数据" in batch.message
    assert (Household.objects.count(), Assessment.objects.count(), Unit.objects.count()) == before
    assert Household.objects.get().size == 2


def test_every_import_is_recorded_and_audited(tmp_path, village_a, officer_a):
    import hashlib

    path = book(tmp_path, full_rows(village_a, 2) + [row(village_a, n=7, 鉴定等级="X")])
    batch = run(path, officer_a, mode=Mode.VALID_ONLY)
    assert batch.user == officer_a and batch.township_id == officer_a.unit_id
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.filename == path.name and batch.finished_at is not None
    assert (batch.total_rows, batch.created, batch.error_count) == (3, 2, 1)
    event = AuditEvent.objects.get(event="import")
    assert event.username == "p_officer_a"
    assert event.detail["sha256"] == batch.file_sha256
    assert (event.detail["mode"], event.detail["created"], event.detail["errors"]) == (
        "valid_only",
        2,
        1,
    )
    creates = AuditEvent.objects.filter(event="create", object_type="registry.household")
    assert creates.count() == 2
    detail = display.changes(creates.first())  # the values, named by the batch's record
    assert detail["id_number_masked"][1].count("*") == 8
    assert detail["assessment.grade"] == [None, "C"]
    assert creates.first().detail["import_batch"] == batch.pk
    for text in AuditEvent.objects.values_list("detail", flat=True):
        assert not FULL_ID.search(str(text)), text
    assert verify_chain() == []  # bulk-written rows hash like single ones


def test_a_created_households_record_holds_its_values_and_the_batch_names_the_fields(
    tmp_path, village_a, officer_a
):
    import json

    batch = run(book(tmp_path, full_rows(village_a, 3)), officer_a)
    assert batch.created == 3
    batch_event = AuditEvent.objects.get(event="import")
    names = batch_event.detail["created_fields"]
    assert names and all("head_name" in fields for fields in names)
    for event in AuditEvent.objects.filter(event="create", object_type="registry.household"):
        household = Household.objects.get(pk=event.object_id)
        assert "head_name" not in json.dumps(event.detail)  # names are said once, per batch
        assert event.username == "p_officer_a" and event.ts is not None  # who, when
        changes = display.changes(event)  # what: every value, old and new
        assert changes["head_name"] == [None, household.head_name]
        assert changes["size"] == [None, household.size]
        assert changes["village_id"] == [None, village_a.pk]
        assert changes["id_number_masked"] == [None, household.id_number_masked]
        # the audit page shows them as it shows any change, by the fields' names
        (shown,) = display.readable([event])
        rows = {label: new for label, _, new in shown.change_rows}
        assert rows[str(Household._meta.get_field("head_name").verbose_name)] == household.head_name
        assert rows[str(Household._meta.get_field("village").verbose_name)] == village_a.name
    assert display.readable([batch_event])[0].detail_text.count("head_name") == 0
    assert verify_chain() == []


def test_the_registry_is_told_after_commit(tmp_path, village_a, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, household_ids, **kwargs):
        seen.append(sorted(household_ids))

    households_changed.connect(receiver, dispatch_uid="test-import")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(book(tmp_path, full_rows(village_a, 2)))
    finally:
        households_changed.disconnect(dispatch_uid="test-import")
    assert seen == [sorted(Household.objects.values_list("pk", flat=True))]


def test_unknown_villages_are_errors_unless_the_user_chooses_to_create_them(
    tmp_path, village_a, officer_a
):
    path = book(tmp_path, [row(village_a, 行政村="新庄"), row(village_a, n=2, 行政村="新庄村")])
    batch = run(path, officer_a)
    assert batch.status == "blocked"
    assert "不在火龙镇的村名单中" in problems(batch)[0]["message"]
    batch = run(path, officer_a, create_villages=True)
    assert batch.created == 2 and batch.summary["villages_created"] == 1
    village = Unit.objects.get(name="新庄")
    assert village.parent == village_a.parent and village.code == "411081100200"
    assert AuditEvent.objects.filter(
        event="create", object_type="units.unit", object_id=str(village.pk)
    ).exists()


def test_a_township_officer_imports_only_rows_of_their_township(
    tmp_path, village_a, village_b, officer_a
):
    batch = run(book(tmp_path, [row(village_a), row(village_b, n=2)]), officer_a)
    assert batch.status == "blocked"
    [error] = problems(batch)
    assert (error["row"], error["header"]) == (3, "乡镇")
    assert "乡镇经办人只能导入本乡镇（火龙镇）的农户，本行是顺店镇" in error["message"]
    assert Household.objects.count() == 0


def test_a_township_officer_cannot_take_over_another_township_s_household(
    tmp_path, village_a, village_b, officer_a
):
    make_household(village_b, id_number=an_id(1), size=2)
    batch = run(book(tmp_path, [row(village_a, 家庭人口=6)]), officer_a, mode=Mode.VALID_ONLY)
    assert "不能在此登记" in problems(batch)[0]["message"]
    household = Household.objects.get()
    assert (household.village, household.size) == (village_b, 2)


def test_the_city_may_move_a_household_to_another_township(
    tmp_path, village_a, village_b, city_reviewer
):
    make_household(village_b, id_number=an_id(1))
    batch = run(book(tmp_path, [row(village_a)]), city_reviewer)
    assert batch.updated == 1
    household = Household.objects.get()
    assert (household.township, household.village) == (village_a.parent, village_a)


def test_an_importbatch_is_scoped_like_the_registry(
    tmp_path, village_a, village_b, officer_a, officer_b, city_reviewer
):
    mine = run(book(tmp_path, [row(village_a)]), officer_a)
    theirs = run(book(tmp_path, [row(village_b, n=2)]), officer_b)
    assert list(ImportBatch.objects.for_user(officer_a)) == [mine]
    assert set(ImportBatch.objects.for_user(city_reviewer)) == {mine, theirs}


def test_a_city_import_belongs_to_a_township_only_when_all_its_rows_do(
    tmp_path, village_a, village_b, city_reviewer, officer_a
):
    one = run(book(tmp_path, [row(village_a)]), city_reviewer)
    both = run(
        book(tmp_path, [row(village_a, n=2), row(village_b, n=3, 家庭人口=0)]), city_reviewer
    )
    assert one.township == village_a.parent and both.township is None
    assert list(ImportBatch.objects.for_user(officer_a)) == [one]
