"""`manage.py screen [--township CODE] [--as-of YYYY-MM-DD] [--json]` (DESIGN.md §6).

Runs every enabled rule over the county (or one township) as of a reference date, updates
the findings, and prints a summary — or, with ``--json``, the findings that fire in the
scope: a JSON list of objects with ``rule_code``, ``id_number`` (the household head's full
ID number), ``township_code``, ``village_code``, ``aspect`` (1–5, or "数据质量"),
``severity`` ("E" error / "W" warning), ``status`` and ``message``. Exit 0 when the run
finished, 1 on a bad argument or a failed run.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.db.models.functions import Coalesce

from anju.audit.context import SYSTEM, acting_as
from anju.audit.events import Event
from anju.audit.services import record
from anju.core import crypto
from anju.screening import services
from anju.screening.choices import Aspect
from anju.screening.models import Finding, Run
from anju.units.models import Unit


def aspect_value(code: str):
    if code in (Aspect.DATA, Aspect.RECONCILE):
        return Aspect(code).label
    return int(code)


class Command(BaseCommand):
    help = "按政策规则筛查农户档案（全县或一个乡镇），更新筛查问题；--json 输出问题清单。"

    def add_arguments(self, parser):
        parser.add_argument("--township", help="乡镇（街道）9位统计用区划代码，默认全县")
        parser.add_argument("--as-of", dest="as_of", help="筛查基准日 YYYY-MM-DD，默认今天")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="以 JSON 输出筛查问题"
        )

    def handle(self, *args, township=None, as_of=None, as_json=False, **options):
        unit = self._unit(township)
        day = self._day(as_of)
        with acting_as(SYSTEM):
            run = services.create_run(unit=unit, as_of=day)
            try:
                run = services.execute_run(run.pk)
            except Exception as exc:
                raise CommandError(f"筛查失败：{exc}") from exc
            if run.status != Run.Status.DONE:
                raise CommandError(f"筛查未完成：{run.get_status_display()}")
            if as_json:
                self._print_json(run)
            else:
                self.stdout.write(
                    f"筛查完成：{run.scope_label}，基准日 {run.as_of}，{run.households} 户，"
                    f"问题 {run.hits} 条（新增 {run.opened}，重新出现 {run.reopened}，"
                    f"数据变化 {run.changed}，已消除 {run.resolved}）。"
                )

    def _unit(self, code):
        if not code:
            unit = Unit.objects.filter(level="county").order_by("code").first()
            if unit is None:
                raise CommandError("没有县级单位，请先运行 migrate。")
            return unit
        unit = Unit.objects.townships().filter(code=code.strip()).first()
        if unit is None:
            raise CommandError(f"乡镇代码 {code} 不存在（应为9位统计用区划代码，如 411081100）。")
        return unit

    def _day(self, text):
        if not text:
            return services.today()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"基准日 {text} 格式不对，应为 YYYY-MM-DD。") from None

    def _print_json(self, run):
        findings = Finding.objects.firing().order_by("township__code", "household_id", "rule_code")
        if run.kind == Run.Kind.TOWNSHIP:
            findings = findings.filter(
                Q(household__township_id=run.unit_id)
                | Q(household__isnull=True, township_id=run.unit_id)
            )
        rows = findings.values_list(
            "rule_code",
            # the registry household's head, or the listed head of an 应纳未纳 (M-01)
            Coalesce("household__id_number_enc", "listed__id_number_enc"),
            "township__code",
            "village__code",
            "aspect",
            "severity",
            "status",
            "message",
        )
        out = [
            {
                "rule_code": code,
                "id_number": crypto.decrypt(enc),
                "township_code": township,
                "village_code": village or "",
                "aspect": aspect_value(aspect),
                "severity": severity,
                "status": status,
                "message": message,
            }
            for code, enc, township, village, aspect, severity, status, message in rows.iterator()
        ]
        # Full ID numbers leave the system here: one audit record for the export.
        record(
            Event.EXPORT,
            object_label="screening.finding",
            detail={"command": "screen --json", "scope": run.scope_label, "rows": len(out)},
        )
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
