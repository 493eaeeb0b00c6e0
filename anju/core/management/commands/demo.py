"""Build the demo county: fictional villages, one login per role, synthetic households.

Each app contributes a ``demo.build(ctx)`` step; they run in the order of DEMO_STEPS,
each skipping what already exists, so running the command twice changes nothing.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand

from anju.audit.context import SYSTEM, acting_as
from anju.core import dbstats

DEMO_STEPS = [
    "anju.units.demo",
    "anju.accounts.demo",
    "anju.campaigns.demo",  # the demo round, before anything that works in it
    "anju.registry.demo",
    "anju.monitoring.demo",  # the departments' lists of the demo's households, before screening
    "anju.screening.demo",
    "anju.visits.demo",
    "anju.rectification.demo",
    "anju.reporting.demo",
    "anju.inspections.demo",  # after the ledger and reporting steps: it samples what they left
    "anju.notices.demo",
    "anju.acceptance.demo",  # last: the final reports freeze the ledger the others leave
]


@dataclass
class DemoContext:
    households: int
    seed: int
    villages_per_township: int
    say: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)


class Command(BaseCommand):
    help = "生成演示县（禹州市 26 个乡镇、虚构的村、各角色演示账号和合成农户数据）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=3000, help="合成农户户数（默认 3000）"
        )
        parser.add_argument(
            "--seed", type=int, default=2022, help="随机种子（同一种子生成同样的数据）"
        )
        parser.add_argument("--villages-per-township", type=int, default=23)
        parser.add_argument("--logins", action="store_true", help="结束时打印演示账号")

    def handle(self, *args, households, seed, villages_per_township, logins, **options):
        if households < 0:
            self.stderr.write("户数不能为负数。")
            raise SystemExit(1)
        ctx = DemoContext(
            households=households,
            seed=seed,
            villages_per_township=villages_per_township,
            say=lambda msg: self.stdout.write(msg),
        )
        started = time.monotonic()
        with acting_as(SYSTEM):
            for step in DEMO_STEPS:
                importlib.import_module(step).build(ctx)
        took = dbstats.analyze()
        self.stdout.write(f"已更新数据库统计信息（ANALYZE，用时 {took:.1f} 秒）。")
        self.stdout.write(f"演示数据就绪（用时 {time.monotonic() - started:.1f} 秒）。")
        if logins:
            self.print_logins()

    def print_logins(self):
        from anju.accounts.demo import DEMO_PASSWORD, logins

        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅限演示环境）：")
        for username, role, unit in logins():
            self.stdout.write(f"  {username:<14} {role:<10} {unit}")
