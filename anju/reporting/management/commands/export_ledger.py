"""``manage.py export_ledger --township CODE --out FILE.xlsx [--week N]`` (DESIGN.md §6).

The official 整改台账 workbook of a township, exactly as the annex of 禹建〔2022〕39号: from
the current ledger (date line: today), or with ``--week N`` from the snapshot frozen when
week N was submitted (date line: the submission date). Exit 1 with a Chinese message for an
unknown township or a week without a submitted report. Each export is audited.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from anju.audit.context import SYSTEM, acting_as
from anju.campaigns.models import Campaign
from anju.core.exports import record_export
from anju.reporting import ledger, selectors
from anju.reporting import weeks as cal
from anju.reporting.models import WeeklySubmission
from anju.units.models import Level, Unit


class Command(BaseCommand):
    help = (
        "导出乡镇的整改台账（.xlsx，按禹建〔2022〕39号附件格式）；--week 导出该周报送时冻结的版本。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--township", required=True, help="乡镇统计用区划代码（9 位）")
        parser.add_argument("--out", required=True, help="输出文件路径（.xlsx）")
        parser.add_argument("--week", type=int, default=None, help="周次：导出该周报送的台账")

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(1)

    def handle(self, *args: Any, township: str, out: str, week: int | None, **options: Any) -> None:
        unit = (
            Unit.objects.filter(code=township.strip(), level=Level.TOWNSHIP)
            .select_related("parent")
            .first()
        )
        if unit is None:
            self.fail(f"找不到乡镇“{township}”：请填写 9 位乡镇统计用区划代码，如 411081100。")
        campaign = Campaign.objects.current(county=unit.parent)
        if campaign is None:
            self.fail(f"{unit.name}所在县（市）尚无“回头看”工作，没有台账可导出。")
        if week is None:
            entries = ledger.current_entries(campaign, unit)
            frozen_at = cal.server_now()
            as_of = frozen_at.astimezone(cal.local_zone()).date()
            what = "当前台账"
        else:
            qs = WeeklySubmission.objects.filter(campaign=campaign, township=unit)
            submission = selectors.sent_for_week(qs, week)
            if submission is None:
                self.fail(f"{unit.name}第{week}周没有已报送的周报，无法导出该周的台账。")
            entries = submission.entries
            frozen_at = submission.prepared_at
            sent_at = submission.submitted_at or frozen_at  # sent_for_week: sent ones only
            as_of = sent_at.astimezone(cal.local_zone()).date()
            what = f"第{week}周报送的台账"
        data, rows = ledger.workbook(township=unit, entries=entries, as_of=as_of, at=frozen_at)
        path = Path(out)
        try:
            path.write_bytes(data)
        except OSError as exc:
            self.fail(f"无法写入文件“{out}”：{exc.strerror or exc}")
        with acting_as(SYSTEM):
            record_export(
                what="reporting.export_ledger",
                filters={"township": unit.code, "week": week, "campaign": campaign.pk},
                rows=rows,
                content=data,
                unmasked=False,
            )
        self.stdout.write(f"已导出{unit.name}{what}（{rows} 条）到 {path}。")
