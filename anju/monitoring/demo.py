"""The demo county's department lists (issue #18 part 5): one step of ``manage.py demo``,
after the registry and before the first screening.

Two 防返贫监测 exports (the month before last and last month) and one 民政 list are drawn from
the demo's own households (same seed, same lists), written as workbooks shaped like the real
ones (title rows, the header on row 3, one row per person grouped by 户编号; 民政 family
rows) and imported with the real importer — so the demo shows versions, what changed, and
every reconciliation rule:

- M-01 应纳未纳: key-group households on the lists that the registry does not hold;
- M-02: listed since the earlier export and still not assessed (the registry's unassessed);
- M-03 / M-04: a list says 危房户 where the registry has A/B, or risk eliminated where C/D;
- M-05: another monitoring type, or 低保边缘 where the registry says 低保;
- M-06: 脱贫户 on the earlier export that the later one left out.
Everything else agrees with the registry. Nothing happens when a list is already imported.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.utils import timezone

from anju.core import crypto
from anju.core.workbooks import safe_workbook
from anju.monitoring.importer import import_list
from anju.monitoring.models import ListVersion, Source
from anju.registry import idcard
from anju.registry.choices import KeyGroup, MonitoringType, RiskState
from anju.registry.demo_data import FEMALE_NAMES, MALE_NAMES
from anju.registry.models import Household

UNREGISTERED_FPJC, UNREGISTERED_MZ = 24, 8
NEW_THIS_MONTH, LEFT_OUT = 40, 10
SAYS_DANGEROUS, SAYS_ELIMINATED, OTHER_TYPE, OTHER_ASSISTANCE = 15, 10, 10, 8
FPJC_HEADERS = (
    "序号",
    "县",
    "乡",
    "村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "户类型",
    "监测对象类别",
    "致贫/返贫风险1",
    "致贫/返贫风险2",
    "识别监测时间",
    "风险是否已消除",
    "消除监测时间",
    "是否危房户",
    "享受低保政策情况",
)
MZ_HEADERS = (
    "序号",
    "乡镇",
    "村",
    "家庭编号",
    "姓名",
    "身份证号",
    "与户主关系",
    "家庭人口",
    "救助类别",
    "救助开始月份",
    "状态",
)
ASSISTANCE = {
    KeyGroup.DIBAO: "农村最低生活保障对象",
    KeyGroup.DIBAO_EDGE: "农村最低生活保障边缘家庭成员",
    KeyGroup.TEKUN: "农村特困人员（分散供养）",
}
RELATIONS = ("配偶", "之子", "之女", "之孙子", "之孙女", "之儿媳")


def month_end_before(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def build(ctx) -> None:
    if ListVersion.objects.written().exists():
        ctx.say("演示名单：已有名单，跳过")
        return
    rows = [
        dict(row)  # plain dicts: the demo's own households (list strangers) join them
        for row in Household.objects.filter(anonymised_at__isnull=True)
        .order_by("id")
        .values(
            "id",
            "id_number_enc",
            "head_name",
            "size",
            "groups",
            "monitoring_type",
            "risk_state",
            "is_alleviated",
            "township__name",
            "village__name",
            "assessment__grade",
            "renovation__accepted_on",
            "renovation__post_grade",
        )
    ]
    if not rows:
        ctx.say("演示名单：没有农户，跳过")
        return
    lists = Lists(rows, random.Random(ctx.seed * 31 + 18))
    current = month_end_before(timezone.localdate())
    earlier = month_end_before(current)
    with tempfile.TemporaryDirectory() as folder:
        made = []
        for source, name, book in (
            (Source.FPJC, f"防返贫监测对象_{earlier:%Y%m}.xlsx", lists.fpjc(earlier, early=True)),
            (Source.FPJC, f"防返贫监测对象_{current:%Y%m}.xlsx", lists.fpjc(current)),
            (Source.MINZHENG, f"民政救助对象_{current:%Y%m}.xlsx", lists.minzheng(current)),
        ):
            path = Path(folder) / name
            book.save(path)
            version = import_list(path, source=source, rescreen=False)
            if version.status != ListVersion.Status.DONE:
                ctx.say(f"演示名单：{name} 未导入（{version.message}）")
                continue
            made.append(f"{name} {version.households} 户")
    ctx.say("演示名单：" + "，".join(made))


def write_list(path: Path, rows: Iterable[Sequence], *, sheet: str = "Sheet1") -> Path:
    """A department list as the bureau receives it, one sheet of ``rows`` (title rows, the
    header, then one row per person), written through the formula guard like every
    workbook Anju writes. The demo, the monitoring tests and the benchmark write with it."""
    book = safe_workbook(path)
    worksheet = book.add_worksheet(sheet)
    for number, row in enumerate(rows):
        worksheet.write_row(number, 0, row)
    book.close()
    return path


class Sheet:
    """One sheet of rows, kept until it is saved (``write_list``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[list[object]] = []

    def append(self, row: list[object]) -> None:
        self.rows.append(row)

    def save(self, path: Path) -> None:
        write_list(path, self.rows, sheet=self.name)


class Lists:
    """The demo's lists, drawn once from the registry's rows."""

    def __init__(self, rows: list[dict[str, Any]], rng: random.Random) -> None:
        self.rng = rng
        monitored = [r for r in rows if r["monitoring_type"]]
        plain = [r for r in rows if r["groups"] == KeyGroup.OTHER_ALLEVIATED]
        rng.shuffle(monitored)
        rng.shuffle(plain)
        self.new_this_month = {r["id"] for r in monitored[:NEW_THIS_MONTH]}
        safe = [r for r in monitored if grade_now(r) in ("A", "B")]
        unsafe = [r for r in monitored if grade_now(r) in ("C", "D")]
        swappable = [r for r in monitored if r["monitoring_type"] != MonitoringType.SUDDEN]
        self.says_dangerous = {r["id"] for r in rng.sample(safe, min(SAYS_DANGEROUS, len(safe)))}
        self.says_eliminated = {
            r["id"] for r in rng.sample(unsafe, min(SAYS_ELIMINATED, len(unsafe)))
        }
        self.other_type = {r["id"] for r in rng.sample(swappable, min(OTHER_TYPE, len(swappable)))}
        self.fpjc_rows = monitored + plain[LEFT_OUT : LEFT_OUT + len(plain) // 2]
        self.left_out = plain[:LEFT_OUT]
        assisted = [
            r for r in rows if r["groups"] & (KeyGroup.DIBAO | KeyGroup.DIBAO_EDGE | KeyGroup.TEKUN)
        ]
        self.mz_rows = assisted
        dibao = [r for r in assisted if r["groups"] & KeyGroup.DIBAO == KeyGroup.DIBAO]
        self.other_assistance = {
            r["id"] for r in rng.sample(dibao, min(OTHER_ASSISTANCE, len(dibao)))
        }
        places = sorted({(r["township__name"], r["village__name"]) for r in rows})
        self.unregistered = [
            self._stranger(n, rng.choice(places))
            for n in range(UNREGISTERED_FPJC + UNREGISTERED_MZ)
        ]

    # --- people ---------------------------------------------------------------------------
    def _stranger(self, n: int, place) -> dict:
        """A key-group household nobody entered in the registry (应纳未纳)."""
        rng = self.rng
        surname = rng.choice("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗")
        born = dt.date(1948, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        return {
            "id": -(n + 1),
            "code": f"41108199{n:06d}",
            "id_number": idcard.make("411081", born, 700 + n),
            "head_name": surname + rng.choice(MALE_NAMES),
            "size": rng.choice((1, 2, 3, 4, 5)),
            "groups": 0,
            "monitoring_type": rng.choice((MonitoringType.EDGE, MonitoringType.SUDDEN)),
            "risk_state": RiskState.OPEN,
            "is_alleviated": False,
            "township__name": place[0],
            "village__name": place[1],
            "assessment__grade": None,
            "renovation__accepted_on": None,
            "renovation__post_grade": None,
            "housing_risk": rng.random() < 0.4,
        }

    def _members(self, household: dict, code: str) -> list[tuple[str, str, str]]:
        """(name, ID number, relation) of each person, the head first."""
        head = household.get("id_number") or crypto.decrypt(household["id_number_enc"])
        people = [(household["head_name"], head, "户主")]
        for k in range(1, max(1, household["size"] or 1)):
            born = dt.date(1975, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 40))
            name = household["head_name"][0] + self.rng.choice(FEMALE_NAMES + MALE_NAMES)
            number = idcard.make("411081", born, int(code[-3:]) + k * 7)
            people.append((name, number, RELATIONS[(k - 1) % len(RELATIONS)]))
        return people

    # --- 防返贫监测 -----------------------------------------------------------------------
    def fpjc(self, day: dt.date, *, early: bool = False):
        sheet = book = Sheet("监测对象信息")
        sheet.append(["全国防返贫监测信息系统 监测对象信息"])
        sheet.append([f"数据截至：{day.year}年{day.month}月{day.day}日"])
        sheet.append(list(FPJC_HEADERS))
        if early:
            households = [
                r for r in self.fpjc_rows if r["id"] not in self.new_this_month
            ] + self.left_out
        else:
            households = self.fpjc_rows + self.unregistered[:UNREGISTERED_FPJC]
        number = 0
        for h in households:
            code = h.get("code") or f"41108100{h['id']:06d}"
            facts = self._fpjc_facts(h, early)
            people = self._members(h, code)
            for k, (name, id_number, relation) in enumerate(people, start=1):
                number += 1
                sheet.append(
                    [
                        number,
                        "禹州市",
                        h["township__name"],
                        h["village__name"],
                        code,
                        f"{code}{k:02d}",
                        name,
                        id_number,
                        len(people),
                        relation,
                        *facts,
                    ]
                )
        return book

    def _fpjc_facts(self, h: dict, early: bool) -> list:
        kind = h["monitoring_type"]
        if not early and h["id"] in self.other_type:
            kind = (
                MonitoringType.EDGE if kind == MonitoringType.UNSTABLE else MonitoringType.UNSTABLE
            )
        grade = grade_now(h)
        dangerous = "是" if grade in ("C", "D") else ("否" if grade else "")
        eliminated = {RiskState.CLEARED: "是", RiskState.OPEN: "否"}.get(h["risk_state"], "")
        if not early and h["id"] in self.says_dangerous:
            dangerous = "是"
        if not early and h["id"] in self.says_eliminated:
            eliminated = "是"
        risk2 = "因安全住房" if h.get("housing_risk") else ""
        return [
            "脱贫户" if h["is_alleviated"] else "普通农户",
            kind,
            "因病" if kind else "",
            risk2,
            "202401" if kind else "",
            eliminated if kind else "",
            "",
            dangerous,
            "农村低保" if h["groups"] & KeyGroup.DIBAO else "未享受",
        ]

    # --- 民政 ---------------------------------------------------------------------------
    def minzheng(self, day: dt.date):
        sheet = book = Sheet("救助对象")
        sheet.append([f"禹州市农村低保、特困、低保边缘对象花名册（{day.year}年{day.month}月）"])
        sheet.append(["填报单位：禹州市民政局"])
        sheet.append(list(MZ_HEADERS))
        strangers = [
            {**s, "groups": KeyGroup.DIBAO, "monitoring_type": ""}
            for s in self.unregistered[UNREGISTERED_FPJC:]
        ]
        number = 0
        for h in self.mz_rows + strangers:
            code = f"MZ{h['code'][-7:]}" if h.get("code") else f"MZ{h['id']:07d}"
            bits = [g for g in ASSISTANCE if h["groups"] & g]
            if h["id"] in self.other_assistance:
                bits = [KeyGroup.DIBAO_EDGE]
            people = self._members(h, code[-6:])
            for k, (name, id_number, relation) in enumerate(people):
                number += 1
                group = bits[min(k, len(bits) - 1)]
                sheet.append(
                    [
                        number,
                        h["township__name"],
                        h["village__name"],
                        code,
                        name,
                        id_number,
                        relation,
                        len(people),
                        ASSISTANCE[group],
                        "2023-06",
                        "正常",
                    ]
                )
        return book


def grade_now(h: dict) -> str | None:
    if h["renovation__accepted_on"] and h["renovation__post_grade"]:
        return h["renovation__post_grade"]
    return h["assessment__grade"]
