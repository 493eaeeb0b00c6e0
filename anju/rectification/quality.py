"""Ledger quality checks (DESIGN.md §3 "Ledger quality"): what the seed's 备注 asks of a
ledger — 整改措施要有针对性、操作性, 完成时限精准到“日” — checked before the city looks.

Checks (each an ``Issue`` with a code, the entry's 序号 and a Chinese message saying what to
fix):

- ``measure_empty``   整改措施为空;
- ``measure_vague``   a measure with no concrete action, or with an action but neither an
  object nor a time ("加强管理", "进一步落实", "高度重视"); the heuristics are the word lists
  below, so the bureau's vocabulary can be extended without touching the logic;
- ``deadline_missing`` / ``deadline_outside``  完成时限 missing, or not within the campaign
  (a date that is not a real day, 6月31日, cannot be stored: the form refuses it);
- ``measure_after_deadline``  the measure names a day later than the entry's 完成时限
  ("12月19日前" with a deadline of 12-05): one of the two is wrong;
- ``measure_copied``  a measure copied word for word (after folding spaces, punctuation and
  full-width characters) across townships: one GROUP BY over ``measures_key`` with
  COUNT(DISTINCT township) > 1;
- ``closed_no_evidence``  销号 without any evidence;
- ``ledger_thin`` (county view only)  a township whose ledger links far fewer households
  than the city's own screening finds with problems.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef

from anju.rectification.models import Evidence, LedgerEntry, LedgerEntryQuerySet, State

if TYPE_CHECKING:
    from anju.campaigns.models import Campaign
    from anju.units.models import Unit

# --- the heuristics, as data --------------------------------------------------------------
# Phrases that sound like action but commit to nothing.
VAGUE_PHRASES = (
    "加强管理",
    "进一步落实",
    "高度重视",
    "加大力度",
    "切实加强",
    "认真落实",
    "抓好落实",
    "狠抓落实",
    "严格落实",
    "压实责任",
    "强化责任",
    "持续推进",
    "积极推进",
    "举一反三",
    "引起重视",
    "认真整改",
    "加强督导",
    "加强监管",
    "规范管理",
    "尽快整改",
)
# Names of the programme itself: "危房改造工作" is not an action on a house. They are
# removed before looking for actions and objects.
GENERIC_TERMS = (
    "农村危房改造",
    "危房改造",
    "改造工作",
    "住房安全保障",
    "脱贫攻坚",
    "回头看",
    "入户",
)
# Verbs of a concrete fix: something is done that can be checked on the ground.
ACTIONS = (
    "完成",
    "补发",
    "发放",
    "挂牌",
    "更换",
    "鉴定",
    "评定",
    "拆除",
    "维修",
    "修缮",
    "加固",
    "重建",
    "翻建",
    "改造",
    "核实",
    "复核",
    "核对",
    "更正",
    "补录",
    "录入",
    "补齐",
    "补充",
    "补办",
    "出具",
    "签订",
    "验收",
    "归档",
    "张贴",
    "公示",
    "搬迁",
    "入住",
    "退还",
    "追回",
    # concrete verbs the list lacked (#17 item 10: "重新悬挂标识牌" was called vague)
    "悬挂",
    "补挂",
    "张挂",
    "安装",
    "更新",
    "修复",
    "修建",
    "新建",
    "硬化",
    "清理",
    "办理",
    "注销",
)
# What the fix is done to.
OBJECTS = (
    "户",
    "房",
    "屋",
    "牌",
    "补助",
    "资金",
    "档案",
    "资料",
    "协议",
    "照片",
    "账户",
    "一卡通",
    "面积",
    "报告",
    "证明",
    "墙",
    "梁",
    "门窗",
    "厕所",
    "圈舍",
    "信息",
    "数据",
)
_NUM = r"[0-9一二三四五六七八九十两]{1,3}"
# When: a day, or a short relative time that fixes a day.
TIME_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}",
        _NUM + r"\s*月\s*" + _NUM + r"\s*[日号]",
        _NUM + r"\s*月\s*(底|末|上旬|中旬|下旬)",
        r"(本|下)周[一二三四五六日天]",
        r"\d{1,3}\s*(日|天|个工作日)内",
        r"(当日|当天|次日)",
    )
)
ACTION_EXAMPLES = "完成、补发、挂牌、鉴定、拆除、维修、加固、核实、更正、补录"
OBJECT_EXAMPLES = "某户、房屋、门牌、补助、档案"

# A township's ledger is "thin" when it links fewer than this share of the households the
# city's screening finds with problems (and screening finds at least THIN_MIN of them).
THIN_RATIO = 0.5
THIN_MIN = 5

CHECKS = {
    "measure_empty": "整改措施为空",
    "measure_vague": "整改措施空泛",
    "deadline_missing": "完成时限缺失",
    "deadline_outside": "完成时限不在本轮期间",
    "measure_after_deadline": "措施写的日期晚于完成时限",
    "measure_copied": "整改措施与其他乡镇逐字相同",
    "closed_no_evidence": "销号无佐证",
    "ledger_thin": "台账明显少于筛查发现",
}


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    entry_id: int | None = None
    number: int | None = None
    township_id: int | None = None
    field: str = ""

    @property
    def title(self) -> str:
        return CHECKS[self.code]


@dataclass(frozen=True)
class MeasureReading:
    """What the heuristics found in a measure's text."""

    vague: tuple[str, ...]
    actions: tuple[str, ...]
    objects: tuple[str, ...]
    has_time: bool

    @property
    def concrete(self) -> bool:
        return bool(self.actions) and (bool(self.objects) or self.has_time)


def read_measure(text: str) -> MeasureReading:
    text = unicodedata.normalize("NFKC", text or "")
    specific = text
    for term in GENERIC_TERMS:
        specific = specific.replace(term, "　")
    return MeasureReading(
        vague=tuple(p for p in VAGUE_PHRASES if p in text),
        actions=tuple(w for w in ACTIONS if w in specific),
        objects=tuple(w for w in OBJECTS if w in specific),
        has_time=any(p.search(text) for p in TIME_PATTERNS),
    )


def _name(entry: LedgerEntry) -> str:
    return f"第{entry.number}号" if entry.number else "草稿"


def _about(entry: LedgerEntry, code: str, message: str, *, field: str) -> Issue:
    """An issue of one entry, on one of its fields."""
    return Issue(
        code,
        message,
        entry_id=entry.pk,
        number=entry.number,
        township_id=entry.township_id,
        field=field,
    )


def vague_message(entry: LedgerEntry, reading: MeasureReading) -> str:
    missing = []
    if not reading.actions:
        missing.append(f"具体动作（如{ACTION_EXAMPLES}）")
    if not reading.objects and not reading.has_time:
        missing.append(f"对象（如{OBJECT_EXAMPLES}）或完成时间（如6月15日前）")
    said = f"含“{'”“'.join(reading.vague)}”等空泛表述，" if reading.vague else ""
    return (
        f"{_name(entry)}：整改措施{said}缺少{'和'.join(missing)}。"
        "请写明对哪户、做什么、何时完成，使措施可检查。"
    )


def measure_issues(entry: LedgerEntry) -> list[Issue]:
    if not (entry.measures or "").strip():
        return [
            _about(
                entry,
                "measure_empty",
                f"{_name(entry)}：整改措施为空。请写明对哪户、做什么、何时完成。",
                field="measures",
            )
        ]
    reading = read_measure(entry.measures)
    if reading.concrete:
        return []
    return [_about(entry, "measure_vague", vague_message(entry, reading), field="measures")]


def deadline_issues(entry: LedgerEntry, campaign: Campaign) -> list[Issue]:
    if entry.deadline is None:
        return [
            _about(
                entry,
                "deadline_missing",
                f"{_name(entry)}：没有完成时限。请填写精确到日的完成时限。",
                field="deadline",
            )
        ]
    if entry.cross_period and entry.deadline > campaign.ends_on:
        return []  # 跨期: after the round's end on purpose, with its reason (listed for the next)
    if not (campaign.starts_on <= entry.deadline <= campaign.ends_on):
        return [
            _about(
                entry,
                "deadline_outside",
                f"{_name(entry)}：完成时限 {entry.deadline:%Y-%m-%d} 不在本轮“回头看”期间"
                f"（{campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}），请改到期间内的一天。",
                field="deadline",
            )
        ]
    return []


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_N = r"([0-9]{1,2}|[一二三四五六七八九十两]{1,3})"
# A day a measure names: 2026-12-19 (or 2026.12.19), 2026年12月19日, 12月19日 (号),
# 十二月十九日, 12月底 / 12月末.
DATE_IN_MEASURE = re.compile(
    r"(?P<iso>(?P<y1>\d{4})\s*[-./]\s*(?P<m1>\d{1,2})\s*[-./]\s*(?P<d1>\d{1,2}))"
    r"|(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>" + _N + r")\s*月\s*"
    r"(?:(?P<d2>" + _N + r")\s*[日号]|(?P<end>底|末))"
)


def _number(text: str) -> int | None:
    """12 or 十二 → 12 (up to 99)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CN_DIGITS.get(tens, 1 if not tens else -100) * 10 + (
            _CN_DIGITS.get(units, -100) if units else 0
        )
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def dates_in_measure(text: str, starts_on: dt.date, ends_on: dt.date) -> list[tuple[str, dt.date]]:
    """The days a measure names, as (the words, the date). A day written without a year is
    in the round's year: the year that puts it within the round (``starts_on``–``ends_on``,
    "1月10日" in a round from November to February is next January), else the year the
    round starts."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[str, dt.date]] = []
    for match in DATE_IN_MEASURE.finditer(text):
        g = match.groupdict()
        month = _number(g["m1"] or g["m2"])
        day = _number(g["d1"] or g["d2"]) if (g["d1"] or g["d2"]) else None
        if not month or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            continue
        year_text = g["y1"] or g["y2"]
        years = [int(year_text)] if year_text else sorted({starts_on.year, ends_on.year})
        days: list[dt.date] = []
        for year in years:
            last = calendar.monthrange(year, month)[1]
            if day is None or day <= last:
                days.append(dt.date(year, month, day or last))  # no day: 月底 / 月末
        if not days:
            continue
        within = [d for d in days if starts_on <= d <= ends_on]
        found.append((match.group(0), (within or days)[0]))
    return found


def later_date_issues(entry: LedgerEntry) -> list[Issue]:
    """A measure naming a day later than its 完成时限: the deadline or the measure is wrong."""
    if entry.deadline is None or not (entry.measures or "").strip():
        return []
    campaign = entry.campaign
    named = dates_in_measure(entry.measures, campaign.starts_on, campaign.ends_on)
    later = [(words, day) for words, day in named if day > entry.deadline]
    if not later:
        return []
    words, day = max(later, key=lambda pair: pair[1])
    return [
        _about(
            entry,
            "measure_after_deadline",
            f"{_name(entry)}：整改措施写“{words}”（{day:%Y-%m-%d}），晚于完成时限 "
            f"{entry.deadline:%Y-%m-%d}。请核对：按时限完成的，改正措施中的日期；"
            "确需更晚完成的，说明理由并修改完成时限。",
            field="measures",
        )
    ]


def _copied(entries: LedgerEntryQuerySet, *, name_townships: bool) -> list[Issue]:
    """Entries of ``entries`` whose measure also appears, word for word, in another
    township's ledger of the same campaign (set-based: one GROUP BY)."""
    campaigns = entries.values("campaign_id").distinct()
    shared = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign_id__in=campaigns)
        .exclude(measures_key="")
        .values("campaign_id", "measures_key")
        .annotate(n=Count("township", distinct=True))
        .filter(n__gt=1)
    )
    spread = {(r["campaign_id"], r["measures_key"]): r["n"] for r in shared}
    if not spread:
        return []
    keys = {key for _, key in spread}
    hits = list(
        entries.filter(measures_key__in=keys).only(
            "pk", "number", "township_id", "campaign_id", "measures_key"
        )
    )
    names: dict[tuple[int, str], list[str]] = defaultdict(list)
    if name_townships and hits:
        rows = (
            LedgerEntry.objects.in_ledger()
            .filter(measures_key__in=keys, campaign_id__in=campaigns)
            .values("campaign_id", "measures_key", "township__name")
            .distinct()
            .order_by("township__name")
        )
        for r in rows:
            names[(r["campaign_id"], r["measures_key"])].append(r["township__name"])
    issues: list[Issue] = []
    for entry in hits:
        key = (entry.campaign_id, entry.measures_key)
        if key not in spread:
            continue
        others = spread[key] - 1
        where = f"（{'、'.join(names[key])}）" if names.get(key) else ""
        issues.append(
            _about(
                entry,
                "measure_copied",
                f"{_name(entry)}：整改措施与另外 {others} 个乡镇台账中的措施逐字相同{where}。"
                "请结合本乡镇、本户的实际情况写出针对性的措施。",
                field="measures",
            )
        )
    return issues


def _closed_without_evidence(entries: LedgerEntryQuerySet) -> list[Issue]:
    """Closed entries with no evidence, except those whose evidence the retention job
    removed: every household they name is anonymised (``receivers.forget_anonymised``)."""
    from anju.registry.models import Household

    has_evidence = Evidence.objects.filter(entry=OuterRef("pk"))
    named = Household.objects.filter(ledger_entries=OuterRef("pk"))
    retired = Exists(named.filter(anonymised_at__isnull=False)) & ~Exists(
        named.filter(anonymised_at__isnull=True)
    )
    rows = entries.filter(state=State.CLOSED).filter(~Exists(has_evidence)).exclude(retired)
    return [
        _about(
            e,
            "closed_no_evidence",
            f"{_name(e)}：已销号，但没有任何整改佐证（照片或文件）。请补传佐证材料。",
            field="evidence",
        )
        for e in rows.only("pk", "number", "township_id")
    ]


def check_entries(entries: LedgerEntryQuerySet, *, name_townships: bool = False) -> list[Issue]:
    """Every issue of these ledger entries (a scoped QuerySet; drafts are left out),
    ordered by township and 序号. ``name_townships`` lets city users see which other
    townships share a copied measure (a township sees only how many)."""
    entries = entries.in_ledger()
    issues: list[Issue] = []
    for entry in entries.select_related("campaign"):
        issues.extend(measure_issues(entry))
        issues.extend(deadline_issues(entry, entry.campaign))
        issues.extend(later_date_issues(entry))
    issues.extend(_copied(entries, name_townships=name_townships))
    issues.extend(_closed_without_evidence(entries))
    order = list(CHECKS)
    return sorted(
        issues,
        key=lambda i: (i.township_id or 0, i.number or 0, order.index(i.code)),
    )


def check_entry(entry: LedgerEntry, *, name_townships: bool = False) -> list[Issue]:
    """The issues of one entry (also of a draft, so the officer sees them before
    accepting it onto the ledger)."""
    issues = [
        *measure_issues(entry),
        *deadline_issues(entry, entry.campaign),
        *later_date_issues(entry),
    ]
    if entry.state != State.DRAFT:
        one = LedgerEntry.objects.filter(pk=entry.pk)
        issues.extend(_copied(one, name_townships=name_townships))
        issues.extend(_closed_without_evidence(one))
    return issues


def by_entry(issues: list[Issue]) -> dict[int, list[Issue]]:
    grouped: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.entry_id:
            grouped[issue.entry_id].append(issue)
    return grouped


def thin_ledgers(campaign: Campaign, townships: list[Unit]) -> dict[int, dict[str, Any]]:
    """Per township: households screening finds with problems (open or confirmed) and
    households the ledger links; ``thin`` when the ledger covers less than THIN_RATIO."""
    from anju.screening.models import Finding, Status

    found = dict(
        Finding.objects.filter(township__in=townships, status__in=[Status.OPEN, Status.CONFIRMED])
        .values("township")
        .annotate(n=Count("household", distinct=True))
        .values_list("township", "n")
    )
    linked = dict(
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township__in=townships)
        .values("township")
        .annotate(n=Count("households", distinct=True))
        .values_list("township", "n")
    )
    result: dict[int, dict[str, Any]] = {}
    for township in townships:
        f, n = found.get(township.pk, 0), linked.get(township.pk, 0)
        thin = f >= THIN_MIN and n < f * THIN_RATIO
        result[township.pk] = {"screened": f, "linked": n, "thin": thin}
    return result


def county_summary(campaign: Campaign, townships: Iterable[Unit]) -> list[dict[str, Any]]:
    """One row per township: issue counts by code and the screening coverage (city view)."""
    units = list(townships)
    entries = LedgerEntry.objects.filter(campaign=campaign, township__in=units)
    counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    for issue in check_entries(entries, name_townships=True):
        counts[issue.township_id][issue.code] += 1
    coverage = thin_ledgers(campaign, units)
    rows = []
    for township in units:
        c = counts[township.pk]
        cov = coverage[township.pk]
        if cov["thin"]:
            c["ledger_thin"] += 1
        rows.append(
            {
                "township": township,
                "counts": [c.get(code, 0) for code in CHECKS],
                "total": sum(c.values()),
                **cov,
            }
        )
    return rows


def thin_message(township: Unit, cov: dict[str, Any]) -> str:
    return (
        f"{township.name}：系统筛查发现 {cov['screened']} 户存在问题，台账只涉及 {cov['linked']} 户。"
        "请核对是否漏报，把确认的问题纳入台账。"
    )
