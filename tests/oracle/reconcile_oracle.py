"""An independent reading of docs/SCREENING.md "动态监测比对 (M-01 … M-06)": the rules as
plain Python over one household's registry values and its list records. Written from that
text, not from ``anju/screening/rules/reconcile.py``.

``registry`` is None (the registry does not hold the head) or a dict with ``grade`` (the
鉴定等级 of the current assessment, None when never assessed), ``post_grade`` (验收后等级 of an
accepted renovation, None when none), ``no_house`` (True/False/None), ``monitoring_type``
('' or one of the three) and ``groups`` (bits). ``current`` maps a source ("fpjc",
"minzheng") to the household's record in that source's current list, or is missing the
source when that list does not hold it; ``sources`` names the sources that have a current
list; ``ever`` is True when any written version of any source held the household.
A record is a dict: groups, monitoring_type, dangerous_house, housing_risk,
risk_eliminated, first_listed_on.
"""

from __future__ import annotations

import datetime as dt

UNSTABLE, DIBAO, TEKUN, SUDDEN, DIBAO_EDGE = 1, 2, 4, 8, 16
MONITORED_BITS = UNSTABLE | SUDDEN  # what 防返贫监测 speaks for (with 监测对象类别)
ASSISTANCE_BITS = DIBAO | DIBAO_EDGE | TEKUN  # what 民政 speaks for


def current_grade(registry: dict) -> str | None:
    """A1-04: the 验收后等级 once accepted with a grade, else the 鉴定等级."""
    return registry["post_grade"] or registry["grade"]


def key_group(record: dict) -> bool:
    return bool(record["groups"]) or bool(record["monitoring_type"])


def findings(
    registry: dict | None,
    current: dict[str, dict],
    sources: set[str],
    ever: bool,
    as_of: dt.date,
    assess_days: int = 30,
) -> set[str]:
    fired: set[str] = set()
    records = list(current.values())
    if registry is None:
        if any(key_group(r) for r in records):
            fired.add("M-01")
        return fired
    grade = current_grade(registry)
    # M-02: held by a current list, never assessed, not a 无房户, first listed too long ago
    if records and registry["grade"] is None and registry["no_house"] is not True:
        first = min(r["first_listed_on"] for r in records)
        if (as_of - first).days > assess_days:
            fired.add("M-02")
    # M-03: safe on file, a current list says 危房户 or an open 因安全住房 risk
    if grade in ("A", "B") and any(
        r["dangerous_house"] is True or (r["housing_risk"] and r["risk_eliminated"] is not True)
        for r in records
    ):
        fired.add("M-03")
    # M-04: unsafe on file, the 防返贫监测 record says the risk is eliminated
    fpjc = current.get("fpjc")
    if grade in ("C", "D") and fpjc is not None and fpjc["risk_eliminated"] is True:
        fired.add("M-04")
    # M-05: each source on what it speaks for; not held = 非监测对象 / no groups
    if "fpjc" in sources:
        listed_type = fpjc["monitoring_type"] if fpjc else ""
        listed_bits = (fpjc["groups"] if fpjc else 0) & MONITORED_BITS
        if (
            registry["monitoring_type"] != listed_type
            or registry["groups"] & MONITORED_BITS != listed_bits
        ):
            fired.add("M-05")
    if "minzheng" in sources:
        mz = current.get("minzheng")
        listed_bits = (mz["groups"] if mz else 0) & ASSISTANCE_BITS
        if registry["groups"] & ASSISTANCE_BITS != listed_bits:
            fired.add("M-05")
    # M-06: some version held it, no current list does
    if ever and not records:
        fired.add("M-06")
    return fired
