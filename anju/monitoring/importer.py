"""Importing a department list as a new version: read → check every cell → group → write.

The file passes the registry import's protections first (``registry/io/readers.py``: size,
type by content, zip entries and inflated size, no DTD/ENTITY, no password). Any error
writes nothing (the version is 有错误，未写入 with its problems); a dry run writes no listed
households either. Every run — refused, blocked, checked or written — leaves a
``ListVersion`` (who, when, file name and SHA-256, counts, problems) and one ``import``
audit event naming the source, the file's hash and the counts. The writes of one version
are ONE transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.core import crypto, dbstats, liveness
from anju.monitoring import columns as cols
from anju.monitoring.models import ListedHousehold, ListedPerson, ListVersion, Source
from anju.monitoring.reader import (
    MissingColumns,
    ParsedHousehold,
    ParsedList,
    choose_sheet,
    group_by_code,
    group_minzheng,
    parse_list,
)
from anju.monitoring.services import rescreen_after_list
from anju.monitoring.versions import carry_first_listed, changes
from anju.registry.io.bulk import Table, allocate_ids
from anju.registry.io.importer import sha256_of
from anju.registry.io.problems import ERROR, Problem, settle
from anju.registry.io.readers import FileRefused, open_sheets
from anju.registry.io.scope import ImportScope

log = logging.getLogger(__name__)
Status = ListVersion.Status
BATCH = 2000

TABLES: dict[str, tuple[cols.ColumnTable, str, Callable[[ParsedList], None]]] = {
    Source.FPJC: (cols.FPJC, "防返贫监测对象信息", group_by_code),
    Source.MINZHENG: (cols.MINZHENG, "民政救助对象名单", group_minzheng),
}


def import_list(
    path: Path, *, source: str, user=None, dry_run: bool = False, rescreen: bool = True
) -> ListVersion:
    """Import one file as a version of ``source``. The caller sets the audit actor. A
    written version queues a county screening unless ``rescreen`` is off (the demo screens
    the county itself right after)."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"找不到文件：{path}")
    version = ListVersion.objects.create(
        source=source,
        user=user if getattr(user, "is_authenticated", False) else None,
        filename=path.name[:200],
        file_sha256=sha256_of(path),
        dry_run=dry_run,
    )
    return run(version, path, user=user, rescreen=rescreen)


def run(version: ListVersion, path: Path, *, user=None, rescreen: bool = True) -> ListVersion:
    started = time.perf_counter()
    table, what, group = TABLES[version.source]
    scope = ImportScope(user)
    _progress(version, 1, "正在读取文件…", runner=liveness.this_process())
    try:
        sources = open_sheets(path, version.filename)
        source, header_index = choose_sheet(sources, table, what)
        rows = source.rows()
        _progress(version, 30, "正在逐格检查…")
        parsed = parse_list(table, source.name, rows, header_index, scope)
        del rows, source, sources
        group(parsed)
    except FileRefused as exc:
        return _finish(version, Status.FAILED, str(exc), [_problem(str(exc))], started)
    except MissingColumns as exc:
        return _finish(version, Status.BLOCKED, str(exc), exc.problems, started)
    version.data_date = parsed.data_date
    version.persons = len(parsed.persons)
    version.households = len(parsed.households)
    version.summary = {
        **(version.summary or {}),
        "sheet": parsed.sheet,
        "header_row": parsed.header_row,
    }
    if not parsed.persons:
        message = f"工作表“{parsed.sheet}”在表头下没有数据，未导入任何内容。"
        return _finish(version, Status.BLOCKED, message, parsed.problems, started)
    error_rows = sum(1 for p in parsed.persons if p.error)
    if error_rows:
        message = (
            f"发现 {error_rows} 行有错误，未写入任何数据：请按问题清单改正后重新导入"
            f"（{len(parsed.persons)} 行，{len(parsed.households)} 户）。"
        )
        return _finish(version, Status.BLOCKED, message, parsed.problems, started)
    if not parsed.households:
        message = f"工作表“{parsed.sheet}”中没有在册的农户（各行均不计入名单），未导入任何内容。"
        return _finish(version, Status.BLOCKED, message, parsed.problems, started)
    if version.dry_run:
        message = (
            f"检查完毕（未写入），没有发现错误：{len(parsed.persons)} 人，"
            f"{len(parsed.households)} 户。"
        )
        return _finish(version, Status.CHECKED, message, parsed.problems, started)
    _progress(version, 70, "正在写入数据库…")
    try:
        with transaction.atomic():
            _write(version, parsed)
            carry_first_listed(version)
            # before the commit: the reconciliation queued below plans its joins on the
            # lists' real sizes, not on the statistics of an empty table
            dbstats.after_bulk_load(
                version.persons, ListedHousehold._meta.db_table, ListedPerson._meta.db_table
            )
            found = changes(version).counts()
            version.summary["changes"] = found
            # the reconciliation (动态监测比对) reads the current lists: screen the county again
            if rescreen:
                transaction.on_commit(lambda: rescreen_after_list(version))
            message = f"已导入：{len(parsed.households)} 户，{len(parsed.persons)} 人"
            if found["previous"]:
                message += (
                    f"；与上一版相比新增 {found['added']} 户，减少 {found['removed']} 户，"
                    f"类别或风险变化 {found['changed']} 户"
                )
            message += "。"
            return _finish(version, Status.DONE, message, parsed.problems, started)
    except Exception:
        log.exception("list import %s failed", version.pk)
        message = "导入过程中出现意外错误，未写入任何数据。请稍后重试；如仍失败，请联系系统管理员。"
        version.households = version.persons = 0
        return _finish(version, Status.FAILED, message, [_problem(message)], started)


def _progress(version: ListVersion, percent: int, phase: str, **more) -> None:
    """What the import page shows while the run goes on (its own UPDATE, outside the
    write's transaction)."""
    fields = {"progress": percent, "message": phase, **more}
    for name, value in fields.items():
        setattr(version, name, value)
    ListVersion.objects.filter(pk=version.pk).update(**fields)


def _problem(message: str) -> Problem:
    return Problem(ERROR, "", None, "", "", "", message)


def _listed(version: ListVersion, household: ParsedHousehold) -> ListedHousehold:
    head = household.head
    # the township is a required column and a row without one is an error: nothing is written
    assert head.township_id is not None
    values = head.values
    risks = list(dict.fromkeys(r for p in household.persons for r in p.risks))
    monitoring = values.get("monitoring_type", "")
    household_type = values.get("household_type", "")
    dibao, tekun = values.get("dibao", ""), values.get("tekun", "")
    if version.source == Source.FPJC:
        groups = cols.fpjc_groups(
            monitoring=monitoring, household_type=household_type, dibao=dibao, tekun=tekun
        )
    else:
        groups = household.groups
    listed = ListedHousehold(
        version=version,
        source=version.source,
        row=head.row,
        household_code=household.code,
        township_id=head.township_id,
        village_id=head.village_id,
        village_name=head.village_name,
        head_name=head.name or head.head_name,
        size=values.get("size") or len(household.persons),
        household_type=household_type,
        groups=groups,
        monitoring_type=monitoring,
        risks="、".join(risks)[:100],
        housing_risk=any(cols.is_housing_risk(r) for r in risks),
        risk_eliminated=values.get("risk_eliminated"),
        identified_on=household.identified_on,
        eliminated_on=values.get("eliminated_on"),
        dangerous_house=values.get("dangerous_house"),
        housing_guarantee=values.get("housing_guarantee", ""),
        dibao=dibao,
        tekun=tekun,
        assistance=household.assistance,
    )
    listed.change_key = listed.make_change_key()
    listed.set_id_number(head.id_number, valid=head.id_valid)
    phone = head.phone or next((p.phone for p in household.persons if p.phone), "")
    if phone:
        listed.set_phone(phone)
    return listed


def _write(version: ListVersion, parsed: ParsedList) -> None:
    """The version's households and persons, with keys allocated up front so that the
    persons can name their household, by ``bulk.Table`` (``COPY`` on PostgreSQL): the ORM's
    ``bulk_create`` adapted every value through the field API and, on PostgreSQL, sent each
    column as an array built in Python, which doubled the import's CPU (#20)."""
    households, persons = Table(ListedHousehold), Table(ListedPerson)
    columns = [f.attname for f in households.fields if not f.primary_key]
    household_ids = allocate_ids(ListedHousehold, len(parsed.households))
    person_ids = iter(allocate_ids(ListedPerson, sum(len(h.persons) for h in parsed.households)))
    for start in range(0, len(parsed.households), BATCH):
        chunk = parsed.households[start : start + BATCH]
        listed_rows, person_rows = [], []
        for household, pk in zip(chunk, household_ids[start : start + BATCH], strict=True):
            listed = _listed(version, household)
            listed_rows.append(households.new_row(pk, {c: getattr(listed, c) for c in columns}))
            for person in household.persons:
                values = {
                    "household_id": pk,
                    "row": person.row,
                    "person_code": person.person_code,
                    "name": person.name,
                    "relation": person.relation,
                    "is_head": person is household.head,
                    "id_number_enc": crypto.encrypt(person.id_number),
                    "id_number_hash": crypto.blind_index(person.id_number),
                    "id_number_masked": crypto.mask_id_number(person.id_number),
                }
                person_rows.append(persons.new_row(next(person_ids), values))
        households.insert(listed_rows)
        persons.insert(person_rows)


def _finish(version, status, message, problems, started) -> ListVersion:
    settle(version, status, message, problems, started=started)
    record(
        Event.IMPORT,
        obj=version,
        outcome=Outcome.SUCCESS if status in (Status.DONE, Status.CHECKED) else Outcome.FAILURE,
        detail={
            "source": version.source,
            "file": version.filename,
            "sha256": version.file_sha256,
            "dry_run": version.dry_run,
            "status": status,
            "persons": version.persons,
            "households": version.households,
            "errors": version.error_count,
            "warnings": version.warning_count,
        },
    )
    return version


def fail(version: ListVersion, message: str) -> ListVersion:
    """End a run that cannot go on (its stored file is gone, its process died)."""
    return _finish(version, Status.FAILED, message, [_problem(message)], time.perf_counter())
