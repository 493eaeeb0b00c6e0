"""The import use case: read → check every cell → match → write, recorded as an ImportBatch.

Modes (``ImportBatch.Mode``): 仅检查 (dry run: writes no business data, reports what it
would do), 全部导入 (any error → nothing is written), 只导入无误的行 (the valid rows are
written, the rest reported). All writes of one import are ONE transaction, so a crash or a
kill leaves the database as it was. Every run — refused, blocked, checked or imported —
leaves an ImportBatch (who, when, file name and SHA-256, counts, problems) and one ``import``
audit event; a written import also one ``create``/``update`` event per household, and
``households_changed`` after commit so screening re-checks them.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from anju.accounts.roles import TOWNSHIP
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.core import dbstats, liveness
from anju.registry import id_refusals
from anju.registry.io.plan import Plan, make_plan
from anju.registry.io.problems import ERROR, Problem, settle
from anju.registry.io.readers import FileRefused, open_sheets
from anju.registry.io.scope import ImportScope
from anju.registry.io.sheet import MissingColumns, ParsedSheet, choose_sheet, parse_sheet
from anju.registry.io.writer import Written, write_plan
from anju.registry.models import Household, ImportBatch
from anju.registry.signals import households_changed

if TYPE_CHECKING:
    from anju.accounts.models import User

log = logging.getLogger(__name__)
Status, Mode = ImportBatch.Status, ImportBatch.Mode


class _Clock:
    """Seconds spent in each phase, kept in the batch's summary (and printed by the bench)."""

    def __init__(self, phases: dict[str, float]) -> None:
        self.phases = phases
        self.cpu: dict[str, float] = {}
        self.last = time.perf_counter()
        self.last_cpu = time.process_time()

    def __call__(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.phases[phase] = round(self.phases.get(phase, 0) + now - self.last, 3)
        self.cpu[phase] = round(self.cpu.get(phase, 0) + cpu - self.last_cpu, 3)
        self.last, self.last_cpu = now, cpu


CREATED_FIELDS = "created_fields"  # in the import event: see writer._created, audit.display


class Blocked(Exception):
    """Errors were found while writing in mode 全部导入: roll back."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_batch(
    *,
    user: User | None,
    filename: str,
    path: Path,
    mode: str,
    create_villages: bool,
    upload: str = "",
) -> ImportBatch:
    return ImportBatch.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        township_id=user.unit_id if user is not None and user.role in TOWNSHIP else None,
        filename=(filename or path.name)[:200],
        file_sha256=sha256_of(path),
        mode=mode,
        create_villages=create_villages,
        upload=upload,
    )


def fail(batch: ImportBatch, message: str) -> ImportBatch:
    problem = Problem(ERROR, "", None, "", "", "", message)
    return _finish(batch, Status.FAILED, message, [problem], started=time.perf_counter())


def run(batch: ImportBatch, path: Path, *, user: User | None = None) -> ImportBatch:
    """Run one import. The caller sets the audit actor (``acting_as``).

    The cyclic garbage collector is paused meanwhile: an import allocates millions of
    small containers, none of them cyclic, and each full collection would walk every row
    read so far (it made a 100,000-row import several times slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(batch, path, user=user)
    finally:
        if enabled:
            gc.enable()


def _run(batch: ImportBatch, path: Path, *, user: User | None = None) -> ImportBatch:
    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = _Clock(phases)
    _progress(batch, 1, "正在读取文件…", status=Status.RUNNING)
    scope = ImportScope(user, create_villages=batch.create_villages)
    try:
        sources = open_sheets(path, batch.filename)
        source, header_index = choose_sheet(sources)
        clock("check")
        rows = source.rows()
        clock("read")

        def parsing(fraction: float) -> None:
            _progress(batch, 5 + int(fraction * 60), "正在逐格检查…")

        sheet = parse_sheet(source.name, rows, header_index, scope, parsing)
        del rows, source, sources  # frees the workbook (calamine holds it all in memory)
        clock("parse")
    except FileRefused as exc:
        problem = Problem(ERROR, "", None, "", "", "", str(exc))
        return _finish(batch, Status.FAILED, str(exc), [problem], started=started)
    except MissingColumns as exc:
        return _finish(batch, Status.BLOCKED, str(exc), exc.problems, started=started)
    summary: dict[str, Any] = {
        "sheet": sheet.name,
        "header_row": sheet.header_row,
        "phases": phases,
        "cpu": clock.cpu,
    }
    if sheet.data_rows == 0:
        message = f"工作表“{sheet.name}”在表头下没有农户数据，未导入任何内容。"
        return _finish(
            batch, Status.BLOCKED, message, sheet.problems, started=started, summary=summary
        )
    try:  # ID numbers registered outside the user's scope: audited, rate-limited (#13)
        id_refusals.check_import(scope, sheet.rows, batch=batch.pk)
    except id_refusals.Refused as exc:
        problem = Problem(ERROR, sheet.name, None, "", "", "", str(exc))
        return _finish(batch, Status.BLOCKED, str(exc), [problem], started=started, summary=summary)
    _progress(batch, 70, "正在与系统中的农户比对…")
    if batch.mode == Mode.DRY_RUN or (batch.mode == Mode.ALL and _errors(sheet)):
        plan = make_plan(sheet, scope)
        clock("match")
        status = Status.CHECKED if batch.mode == Mode.DRY_RUN else Status.BLOCKED
        return _done(batch, sheet, plan, None, status, started, summary)
    try:
        with transaction.atomic():
            plan = make_plan(sheet, scope)
            clock("match")
            if batch.mode == Mode.ALL and _errors(sheet):
                raise Blocked
            if all(r.error for r in sheet.rows):
                raise Blocked
            _progress(batch, 80, "正在写入数据库…")
            written = write_plan(plan, batch_id=batch.pk, clock=clock)
            _done(batch, sheet, plan, written, Status.DONE, started, summary)
            ids = written.household_ids
            if ids:
                transaction.on_commit(
                    lambda: households_changed.send(sender=Household, household_ids=ids),
                    robust=True,
                )
    except Blocked:
        return _done(batch, sheet, plan, None, Status.BLOCKED, started, summary)
    except Exception as exc:
        log.exception("import %s failed", batch.pk)
        message = _failure_message(exc)
        problem = Problem(ERROR, sheet.name, None, "", "", "", message)
        return _finish(batch, Status.FAILED, message, [problem, *sheet.problems], started=started)
    clock("commit")
    dbstats.after_bulk_load(len(ids))
    clock("analyze")
    batch.summary = {**batch.summary, "phases": phases, "cpu": clock.cpu}
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)
    return batch


def _failure_message(exc: Exception) -> str:
    from django.db import IntegrityError

    if isinstance(exc, IntegrityError):
        return (
            "写入时与系统中的数据冲突（可能有人同时导入了相同的农户），未写入任何数据，请重新导入。"
        )
    return "导入过程中出现意外错误，未写入任何数据。请稍后重试；如仍失败，请联系系统管理员。"


def _errors(sheet: ParsedSheet) -> int:
    return sum(1 for p in sheet.problems if p.level == ERROR)


def _progress(batch: ImportBatch, percent: int, phase: str, *, status: str | None = None) -> None:
    fields: dict[str, object] = {"progress": percent, "message": phase}
    if status:
        fields["status"] = status
    if status == Status.RUNNING:  # who runs it, to find it if this process dies
        fields["runner"] = liveness.this_process()
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


def _done(
    batch: ImportBatch,
    sheet: ParsedSheet,
    plan: Plan,
    written: Written | None,
    status: str,
    started: float,
    summary: dict[str, Any],
) -> ImportBatch:
    rows = len(sheet.rows)
    error_rows = sum(1 for r in sheet.rows if r.error)
    batch.total_rows = rows
    batch.skipped = error_rows
    if written is not None:
        batch.created, batch.updated = written.created, written.updated
        summary.update(
            villages_created=written.villages,
            assessments_created=written.assessments,
            renovations_created=written.renovations,
        )
    else:  # what it would do
        summary.update(would_create=len(plan.creates), would_update=len(plan.changes))
        batch.created = batch.updated = 0
        summary["new_villages"] = sorted(v.name for v in plan.new_villages)
    batch.unchanged = plan.unchanged
    # A city import of one township's rows is that township's too (its officer and head
    # then see it); a file that touches several, or rows of no known township, is not.
    townships = {r.township_id for r in sheet.rows}
    if batch.township_id is None and len(townships) == 1 and None not in townships:
        batch.township_id = townships.pop()
    message = _summary_text(batch, status, summary, error_rows)
    fields = written.created_fields if written is not None else None
    return _finish(
        batch, status, message, sheet.problems, started=started, summary=summary, fields=fields
    )


def _summary_text(batch: ImportBatch, status: str, summary: dict[str, Any], error_rows: int) -> str:
    if status == Status.DONE:
        text = (
            f"已导入：新增 {batch.created} 户，更新 {batch.updated} 户，{batch.unchanged} 户无变化"
        )
        if error_rows:
            text += f"；{error_rows} 行有错误，未导入"
        return text + "。"
    would = (
        f"可新增 {summary.get('would_create', 0)} 户，更新 {summary.get('would_update', 0)} 户，"
        f"{batch.unchanged} 户无变化"
    )
    if status == Status.CHECKED:
        if error_rows:
            return f"检查完毕（未写入）：{error_rows} 行有错误；其余行{would}。"
        return f"检查完毕（未写入），没有发现错误：{would}。"
    if error_rows == batch.total_rows:
        return f"所有 {error_rows} 行都有错误，未写入任何数据。"
    return f"发现 {error_rows} 行有错误，按“全部导入”方式未写入任何数据；其余行{would}。"


def _finish(
    batch: ImportBatch,
    status: str,
    message: str,
    problems: list[Problem],
    *,
    started: float,
    summary: dict[str, Any] | None = None,
    fields: list[list[str]] | None = None,
) -> ImportBatch:
    """Record the batch's end and its ``import`` audit event. ``fields``: the field lists
    the created households' audit events give their values in (``writer._created``)."""
    settle(batch, status, message, problems, started=started, summary=summary)
    record(
        Event.IMPORT,
        obj=batch,
        outcome=Outcome.SUCCESS if status in (Status.DONE, Status.CHECKED) else Outcome.FAILURE,
        detail={
            "file": batch.filename,
            "sha256": batch.file_sha256,
            "mode": batch.mode,
            "status": status,
            "rows": batch.total_rows,
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "skipped": batch.skipped,
            "errors": batch.error_count,
            "warnings": batch.warning_count,
            **({CREATED_FIELDS: fields} if fields else {}),
        },
    )
    return batch
