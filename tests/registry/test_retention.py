"""The retention job: closed cases past N years lose their personal data (SECURITY.md row 28)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core import uploads
from anju.registry import services
from anju.registry.models import Attachment, Household, Renovation
from anju.registry.retention import AUDIT_LABEL, cutoff_for
from tests.api.conftest import make_finding
from tests.factories import fake_id, make_household
from tests.rectification.conftest import campaign, make_entry  # noqa: F401
from tests.test_uploads import jpeg, upload

pytestmark = pytest.mark.django_db

ACCOUNT = "6217000011112222333"
PI_COLUMNS = (
    "head_name",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "phone_enc",
    "phone_masked",
    "bank_account_enc",
    "bank_account_masked",
    "latitude",
    "longitude",
    "anonymised_at",
)


def accepted(years: int) -> dict:
    return {"method": "原址重建", "accepted_on": cutoff_for(years)}


def case(village, *, years: int | None, name: str = "王五", n: int = 0, **fields) -> Household:
    household = make_household(
        village,
        head_name=name,
        id_number=fake_id(8800 + n),
        phone=f"1380000{n:04d}",
        latitude=Decimal("34.140300"),
        longitude=Decimal("113.471600"),
        renovation=accepted(years) if years is not None else None,
        **fields,
    )
    household.set_bank_account(ACCOUNT[:-4] + f"{n:04d}")
    household.save()
    return household


# The counts the later stages' receivers add to the run's audit row (all zero: none held).
NOTHING_ELSE = {
    "visit_photos": 0,
    "visit_locations": 0,
    "visit_location_corrections": 0,
    "spot_check_photos": 0,
    "evidence": 0,
    "names_in_text": 0,
}


def stored(household: Household) -> dict:
    values = Household.objects.filter(pk=household.pk).values(*PI_COLUMNS).get()
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}


def run(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_closed", *args, stdout=out)
    return out.getvalue()


def retention_events():
    return AuditEvent.objects.filter(event=Event.UPDATE, object_type=AUDIT_LABEL)


def add_photo(household, user):
    return services.add_photo(
        user=user,
        household=household,
        photo=uploads.inspect(upload(jpeg())),
        original_name="IMG_0001.jpg",
        kind="after",
        note="",
    )


def test_sec_28_closed_cases_past_retention_are_anonymised_with_an_audit_row(
    settings, tmp_path, as_user, officer_a, worker_a, village_a, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = case(village_a, years=11, name="王五", n=1)
    photo = add_photo(old, worker_a)
    files = [Path(settings.MEDIA_ROOT, photo.file.name)]
    files.append(files[0].with_name(files[0].name + ".thumb.jpg"))
    assert all(f.is_file() for f in files)
    recent = case(village_a, years=9, name="李四", n=2)
    flagged = case(village_a, years=11, name="赵六", n=3)
    make_finding(flagged, status="open")
    untouched = {h.pk: stored(h) for h in (recent, flagged)}
    old_hash = old.id_number_hash

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "已匿名化" in output and " 1 户" in output
    old.refresh_from_db()
    assert old.head_name == "王**"
    assert (old.id_number_enc, old.phone_enc, old.bank_account_enc) == (None, None, None)
    assert (old.latitude, old.longitude) == (None, None)
    assert old.id_number_masked == old.phone_masked == old.bank_account_masked == "已匿名化"
    assert (old.id_number, old.phone, old.bank_account) == ("", "", "")  # NULL decrypts to ""
    assert old.id_number_hash == old_hash and old.anonymised_at is not None  # hashed, kept
    assert not Attachment.objects.filter(household=old).exists()
    assert not any(f.exists() for f in files)
    assert {h.pk: stored(h) for h in (recent, flagged)} == untouched
    event = retention_events().get()
    assert event.detail == {
        "households": 1,
        "years": 10,
        "cutoff": cutoff_for(10).isoformat(),
        "attachments": 1,
        **NOTHING_ELSE,
    }
    assert event.username == "system" and event.ts.tzinfo is not None
    # the household page still renders, with the masks
    page = as_user(officer_a).get(f"/households/{old.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "王**" in html and "已匿名化" in html and "显示完整身份证号/电话/账号" not in html
    assert as_user(officer_a).get(f"/households/{old.pk}/edit/identity/").status_code == 200
    # the kept keyed hash still refuses a duplicate registration of the same person
    with pytest.raises(IntegrityError):
        make_household(village_a, id_number=fake_id(8801))


def test_cases_without_renovation_close_on_their_last_change_and_open_ledger_entries_keep_them(
    village_a,
    make_entry,  # noqa: F811
):
    idle = case(village_a, years=None, name="欧阳修", n=4)
    Household.objects.filter(pk=idle.pk).update(updated_at=idle.updated_at.replace(year=2000))
    fresh = case(village_a, years=None, name="钱七", n=5)
    in_ledger = case(village_a, years=11, name="孙八", n=6)
    make_entry(households=[in_ledger])
    dismissed = case(village_a, years=11, name="周九", n=7)
    finding = make_finding(dismissed)
    type(finding).objects.filter(pk=finding.pk).update(status="dismissed", reason="已核实无误")
    ongoing = case(village_a, years=None, name="吴十", n=8)
    ongoing.renovation = ongoing.renovations.create(method="修缮加固")  # not accepted
    ongoing.save()
    Household.objects.filter(pk=ongoing.pk).update(updated_at=idle.updated_at.replace(year=2000))

    assert " 2 户" in run("--years", "10")

    names = dict(Household.objects.values_list("pk", "head_name"))
    assert names[idle.pk] == "欧**" and names[dismissed.pk] == "周**"
    assert names[fresh.pk] == "钱七" and names[in_ledger.pk] == "孙八"
    assert names[ongoing.pk] == "吴十"


def test_a_dry_run_counts_and_changes_nothing(village_a):
    households = [case(village_a, years=11, n=10 + n) for n in range(3)]
    case(village_a, years=9, n=20)
    before = [stored(h) for h in households]

    output = run("--dry-run")

    assert "试运行" in output and " 3 户" in output and "未做任何修改" in output
    assert [stored(h) for h in households] == before
    assert not retention_events().exists()
    assert " 0 户" in run("--dry-run", "--years", "12")


def test_a_second_run_anonymises_nothing(village_a):
    first = case(village_a, years=11, n=30)
    assert " 1 户" in run()
    after_first = stored(first)

    assert " 0 户" in run()

    assert stored(first) == after_first
    assert [e.detail["households"] for e in retention_events().order_by("id")] == [1, 0]


def test_years_must_be_at_least_one(village_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少为 1 年"):
        run("--years", "0")


def test_entering_the_id_number_again_makes_the_record_current(as_user, worker_a, village_a):
    old = case(village_a, years=11, n=40)
    run()
    old.refresh_from_db()
    old.set_id_number(fake_id(8840))
    old.save()
    old.refresh_from_db()
    assert old.anonymised_at is None and old.id_number == fake_id(8840)
    assert " 1 户" in run()  # still a closed case: anonymised again


def test_a_reimport_of_an_anonymised_case_finds_it_and_stores_the_id_again(tmp_path, village_a):
    from tests.registry.test_import_helpers import book, row
    from tests.registry.test_import_helpers import run as import_file

    old = case(village_a, years=11, name="王五", n=50)
    run()
    batch = import_file(book(tmp_path, [row(village_a, 身份证号=fake_id(8850), 户主姓名="王五")]))
    assert (batch.created, batch.updated) == (0, 1)  # matched by the kept keyed hash
    old.refresh_from_db()
    assert old.anonymised_at is None and old.id_number == fake_id(8850)
    assert old.head_name == "王五" and old.id_number_masked != "已匿名化"


# --- what the later stages hold of an anonymised household (receivers of households_anonymised)
def house_visit(household, user, round_):
    """A house visit with a GPS fix, a photo (file and thumbnail) and a pending location
    correction copied from the fix, stored as ``anju.visits.services`` stores them."""
    from anju.visits import services as visits
    from anju.visits.models import Correction, Visit

    visit = Visit.objects.create(
        campaign=round_,
        household=household,
        visitor=user,
        visitor_name="吴村干",
        visitor_role="村干部",
        visited_on=dt.date.today(),
        latitude=Decimal("34.140500"),
        longitude=Decimal("113.471800"),
        gps_accuracy=12,
    )
    taken = visits.PhotoUpload("front", uploads.inspect(upload(jpeg())), "IMG_0002.jpg")
    visits._store_photo(visit, taken, user, [])
    Correction.objects.create(
        visit=visit,
        household=household,
        target="household",
        field="location",
        label="住房位置（经纬度）",
        registry_value=None,
        proposed_value="34.140500,113.471800",
        registry_display="未填",
        proposed_display="34.140500,113.471800",
    )
    return visit


def spot_check(household, inspector, round_):
    """A spot-check visit of ``household`` with one photo (file and thumbnail)."""
    from anju.inspections import services as spot
    from anju.inspections.models import Sample, SampleHousehold, SampleVillage, SpotCheckVisit

    sample = Sample.objects.create(
        campaign=round_,
        number=1,
        seed=7,
        villages_requested=1,
        households_per_village=1,
        rank_share=70,
        fail_at=1,
    )
    village = SampleVillage.objects.create(
        sample=sample,
        township=household.township,
        village=household.village,
        position=1,
        chosen_by="rank",
        rank=1,
        score=1.0,
        expected=1,
        reported=1,
        population=1,
        population_digest="0" * 64,
        inspector=inspector,
    )
    sampled = SampleHousehold.objects.create(
        sample=sample,
        sample_village=village,
        household=household,
        township=household.township,
        village=household.village,
        position=1,
    )
    visit = SpotCheckVisit.objects.create(
        sample_household=sampled, inspector=inspector, visited_on=dt.date.today()
    )
    spot._store_photo(inspector, visit, uploads.inspect(upload(jpeg())), "IMG_0003.jpg")
    return visit


def closed_entry_with_evidence(new_entry, actor, households, **fields):
    """A ledger entry naming ``households`` with one evidence photo, then 已销号."""
    from anju.rectification import evidence
    from anju.rectification import services as ledger
    from anju.rectification.models import LedgerEntry, State

    entry = new_entry(households=households, **fields)
    ledger.store_checked_evidence(
        actor=actor, entry=entry, checked=evidence.check(upload(jpeg(), name="整改后.jpg"))
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(state=State.CLOSED)
    return entry


def on_disk(settings, *names: str) -> list[Path]:
    paths = [Path(settings.MEDIA_ROOT, name) for name in names]
    assert all(p.is_file() for p in paths)
    return paths


def test_sec_28_visit_and_spot_check_photos_and_ledger_evidence_go_with_the_household(
    settings,
    tmp_path,
    officer_a,
    worker_a,
    inspector,
    village_a,
    campaign,  # noqa: F811
    make_entry,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from anju.inspections.models import SpotCheckPhoto as SpotPhoto
    from anju.inspections.models import SpotCheckVisit as SpotVisit
    from anju.rectification.models import Evidence
    from anju.registry.retention import anonymise_closed
    from anju.visits.models import Correction, VisitPhoto

    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = case(village_a, years=11, name="王五", n=60)
    visit = house_visit(old, worker_a, campaign)
    photo = VisitPhoto.objects.get(visit=visit)
    spot_visit = spot_check(old, inspector, campaign)
    spot_photo = SpotPhoto.objects.get(visit=spot_visit)
    entry = closed_entry_with_evidence(make_entry, officer_a, [old])
    proof = Evidence.objects.get(entry=entry)
    files = on_disk(
        settings,
        photo.file.name,
        photo.thumbnail_name,
        spot_photo.file.name,
        spot_photo.file.name + ".thumb.jpg",
        proof.file.name,
    )
    removed = {
        "visit_photos": 1,
        "visit_locations": 1,
        "visit_location_corrections": 1,
        "spot_check_photos": 1,
        "evidence": 1,
        "names_in_text": 0,  # no text names 王五 (see the test below)
    }

    dry = anonymise_closed(years=10, dry_run=True)  # counts, deletes nothing
    assert (dry.households, dry.removed) == (1, removed)
    assert "入户排查照片 1 张" in dry.removed_text() and "整改佐证 1 个" in dry.removed_text()
    said = run("--dry-run")  # the command says so too
    assert "（另：" in said and "入户排查照片 1 张" in said and "抽查照片 1 张" in said
    assert VisitPhoto.objects.exists() and SpotPhoto.objects.exists() and Evidence.objects.exists()
    assert all(f.is_file() for f in files)

    with django_capture_on_commit_callbacks(execute=True):
        result = anonymise_closed(years=10)

    assert (result.households, result.removed) == (1, removed)
    assert not VisitPhoto.objects.exists() and not SpotPhoto.objects.exists()
    assert not Evidence.objects.exists()
    assert not any(f.exists() for f in files)
    # the visit rows stay, without the place; the copied position is gone from the correction
    visit.refresh_from_db()
    assert (visit.latitude, visit.longitude, visit.gps_accuracy) == (None, None, None)
    assert SpotVisit.objects.filter(pk=spot_visit.pk).exists()
    correction = Correction.objects.get(visit=visit)
    assert (correction.proposed_value, correction.proposed_display) == (None, "已匿名化")
    assert correction.status == "withdrawn"
    entry.refresh_from_db()
    assert entry.state == "closed" and list(entry.households.all()) == [old]
    event = retention_events().get()
    assert event.detail == {
        "households": 1,
        "years": 10,
        "cutoff": cutoff_for(10).isoformat(),
        "attachments": 0,
        **removed,
    }


def test_a_shared_entry_with_a_current_household_keeps_its_evidence(
    settings,
    tmp_path,
    officer_a,
    worker_a,
    village_a,
    campaign,  # noqa: F811
    make_entry,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from anju.rectification.models import Evidence
    from anju.visits.models import VisitPhoto

    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = case(village_a, years=11, name="王五", n=70)
    older = case(village_a, years=12, name="钱七", n=71)
    current = case(village_a, years=9, name="李四", n=72)
    shared = closed_entry_with_evidence(
        make_entry, officer_a, [old, current], nature="共性问题", village=None
    )
    both_gone = closed_entry_with_evidence(
        make_entry, officer_a, [old, older], nature="共性问题", village=None
    )
    kept = Evidence.objects.get(entry=shared)
    kept_row = Evidence.objects.filter(pk=kept.pk).values().get()
    kept_files = on_disk(settings, kept.file.name)
    current_visit = house_visit(current, worker_a, campaign)
    current_photo = VisitPhoto.objects.get(visit=current_visit)
    kept_files += on_disk(settings, current_photo.file.name, current_photo.thumbnail_name)

    with django_capture_on_commit_callbacks(execute=True):
        assert " 2 户" in run()

    assert Evidence.objects.filter(pk=kept.pk).values().get() == kept_row  # untouched
    assert not Evidence.objects.filter(entry=both_gone).exists()
    assert all(f.is_file() for f in kept_files)
    current_visit.refresh_from_db()
    assert current_visit.latitude is not None and VisitPhoto.objects.filter(pk=current_photo.pk)
    assert retention_events().get().detail["evidence"] == 1

    # the shared entry's evidence goes with the run that anonymises its last household
    Renovation.objects.filter(household=current).update(accepted_on=cutoff_for(11))
    with django_capture_on_commit_callbacks(execute=True):
        assert " 1 户" in run()
    assert not Evidence.objects.exists()
    assert not any(f.exists() for f in kept_files)
    # evidence the retention job removed is not reported as 销号无佐证
    from anju.rectification.models import LedgerEntry
    from anju.rectification.quality import check_entries

    entries = LedgerEntry.objects.filter(pk__in=[shared.pk, both_gone.pk])
    assert [i.code for i in check_entries(entries) if i.code == "closed_no_evidence"] == []


def test_sec_28_the_full_name_is_masked_in_free_text(
    officer_a,
    worker_a,
    inspector,
    village_a,
    campaign,  # noqa: F811
    make_entry,  # noqa: F811
):
    from anju.inspections.models import SpotCheckProblem as SpotProblem
    from anju.inspections.models import SpotCheckVisit as SpotVisit
    from anju.rectification.models import LedgerEntry, ProgressNote, State, text_key
    from anju.registry.retention import anonymise_closed
    from anju.screening.models import Finding
    from anju.visits.models import UnvisitedReason, Visit, VisitProblem

    old = case(village_a, years=11, name="王五", n=90)
    older = case(village_a, years=12, name="欧阳修", n=91)
    current = case(village_a, years=9, name="李四", n=92)
    own = make_entry(
        households=[old],
        description="王五户C级危房未挂牌",
        measures="督促王五于本周五前完成挂牌",
        cause="王五户长期外出，村里未及时上报",
    )
    note = ProgressNote.objects.create(
        entry=own, on=dt.date.today(), text="已电话联系王五，约定周五挂牌", author=officer_a
    )
    shared = make_entry(
        households=[old, older, current],
        nature="共性问题",
        village=None,
        description="王五、欧阳修、李四三户危房未挂牌",
    )
    LedgerEntry.objects.filter(pk__in=[own.pk, shared.pk]).update(state=State.CLOSED)
    # an open entry of the current household: not linked to 王五, its text stays as written
    theirs = make_entry(households=[current], description="李四户C级危房未挂牌（邻户王五已整改）")
    visit = house_visit(old, worker_a, campaign)
    Visit.objects.filter(pk=visit.pk).update(note="户主王五在家，房屋已加固")
    problem = VisitProblem.objects.create(
        visit=visit, household=old, question="plaque", aspect="1", description="王五户：未挂牌。"
    )
    unvisited = UnvisitedReason.objects.create(
        campaign=campaign,
        household=old,
        reason="外出务工",
        detail="王五常年在外务工",
        phone_checked_on=dt.date.today(),
        phone_check_result="已电话联系王五本人",
        explained_by=worker_a,
    )
    spot_visit = spot_check(old, inspector, campaign)
    SpotVisit.objects.filter(pk=spot_visit.pk).update(note="王五户旧房已拆除")
    spot_problem = SpotProblem.objects.create(
        visit=spot_visit, aspect="1", description="王五户未挂牌", kind="missed"
    )
    finding = make_finding(old, status="resolved")  # "王五户鉴定为D级，尚未改造"
    dismissed = make_finding(old, rule="A1-02")
    Finding.objects.filter(pk=dismissed.pk).update(status="dismissed", reason="经核实王五户已改造")
    # 3 (own entry) + 1 (note) + 2 (shared: 王五, 欧阳修) + 1 + 1 + 2 (visit, problem,
    # unvisited) + 1 + 1 (spot-check visit and problem) + 1 + 2 (the findings)
    places = 15

    def texts():
        return [
            list(
                LedgerEntry.objects.order_by("pk").values_list(
                    "description", "measures", "cause", "measures_key"
                )
            ),
            list(ProgressNote.objects.values_list("text", flat=True)),
            list(Visit.objects.values_list("note", "flags_check_note")),
            list(VisitProblem.objects.values_list("description", "reason")),
            list(UnvisitedReason.objects.values_list("detail", "phone_check_result")),
            list(SpotVisit.objects.values_list("note", flat=True)),
            list(SpotProblem.objects.values_list("description", flat=True)),
            list(Finding.objects.order_by("pk").values_list("message", "reason", "review_reason")),
        ]

    before = texts()
    dry = anonymise_closed(years=10, dry_run=True)  # counts, changes nothing
    assert (dry.households, dry.removed["names_in_text"]) == (2, places)
    assert f"文字记录中的姓名 {places} 处" in run("--dry-run")
    assert texts() == before

    assert f"文字记录中的姓名 {places} 处" in run()

    own.refresh_from_db()
    assert own.description == "王*户C级危房未挂牌"
    assert own.measures == "督促王*于本周五前完成挂牌"
    assert own.cause == "王*户长期外出，村里未及时上报"
    assert own.measures_key == text_key(own.measures)  # the copy check sees the new text
    note.refresh_from_db()
    assert note.text == "已电话联系王*，约定周五挂牌"
    shared.refresh_from_db()
    assert shared.description == "王*、欧**、李四三户危房未挂牌"  # the current 李四 stays
    theirs.refresh_from_db()
    assert theirs.description == "李四户C级危房未挂牌（邻户王五已整改）"
    visit.refresh_from_db()
    assert visit.note == "户主王*在家，房屋已加固"
    problem.refresh_from_db()
    assert problem.description == "王*户：未挂牌。"
    unvisited.refresh_from_db()
    assert (unvisited.detail, unvisited.phone_check_result) == (
        "王*常年在外务工",
        "已电话联系王*本人",
    )
    spot_visit.refresh_from_db()
    spot_problem.refresh_from_db()
    assert (spot_visit.note, spot_problem.description) == ("王*户旧房已拆除", "王*户未挂牌")
    finding.refresh_from_db()
    dismissed.refresh_from_db()
    assert finding.message == "王*户鉴定为D级，尚未改造"
    assert (dismissed.message, dismissed.reason) == (
        "王*户鉴定为D级，尚未改造",
        "经核实王*户已改造",
    )
    # the names themselves: 王** as before, the current household's untouched
    names = dict(Household.objects.values_list("pk", "head_name"))
    assert (names[old.pk], names[older.pk], names[current.pk]) == ("王**", "欧**", "李四")
    assert retention_events().get().detail["names_in_text"] == places
    # a second run finds nothing left to mask
    assert anonymise_closed(years=10).removed["names_in_text"] == 0
