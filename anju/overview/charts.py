"""The charts' data, as plain JSON the page's script (static/overview/overview.js) turns
into ECharts options. Each point may carry the URL of the records behind it, so a click on
a bar opens them. Built from the same ``Overview`` as the tables, never from another query.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anju.overview import keys as K
from anju.overview.selectors import TIMELINESS, Overview

COLORS = {
    "on_time": "#2e7d32",
    "late": "#f9a825",
    "missing": "#c62828",
    "returned": "#6a1b9a",
    "awaiting": "#1565c0",
    "open": "#1565c0",
    "overdue": "#c62828",
    "closed": "#2e7d32",
    "trend_on_time": "#8a1c1c",
}


def _aspects(ov: Overview) -> dict:
    return {
        "type": "bar",
        "title": "筛查问题（按方面）",
        "categories": [a["label"] for a in ov.aspects],
        "series": [
            {
                "name": "筛查问题",
                "data": [{"value": a["value"], "url": a["url"]} for a in ov.aspects],
            }
        ],
    }


def _ledger(ov: Overview) -> dict:
    t, links = ov.total, ov.total.get("links", {})
    return {
        "type": "pie",
        "title": "台账问题整改情况",
        "series": [
            {
                "name": "台账问题",
                "data": [
                    {
                        "name": "整改中（未逾期）",
                        "value": t[K.L_OPEN] - t[K.L_OVERDUE],
                        "url": links.get(K.L_OPEN, ""),
                        "color": COLORS["open"],
                    },
                    {
                        "name": "已逾期",
                        "value": t[K.L_OVERDUE],
                        "url": links.get(K.L_OVERDUE, ""),
                        "color": COLORS["overdue"],
                    },
                    {
                        "name": "已销号",
                        "value": t[K.L_CLOSED],
                        "url": links.get(K.L_CLOSED, ""),
                        "color": COLORS["closed"],
                    },
                ],
            }
        ],
    }


def _weeks(ov: Overview) -> dict:
    url = ov.total.get("links", {}).get("weeks", "")
    return {
        "type": "stack",
        "title": "周报报送情况（乡镇数）",
        "categories": [w["label"] for w in ov.trend],
        "series": [
            {
                "name": label,
                "color": COLORS[state],
                "data": [{"value": w[state], "url": url} for w in ov.trend],
            }
            for state, label in TIMELINESS
        ],
    }


def _started(week: dict) -> bool:
    """A week that has begun (snapshots before #15 lack the flag: all weeks then)."""
    return week.get("started", True)


def _trend(ov: Overview, *, with_reports: bool = True) -> dict:
    """Weeks not yet begun are gaps (null), not zeros: nothing happened there yet."""
    links = ov.total.get("links", {})

    def point(week: dict, key: str, link: str) -> dict:
        return {"value": week[key] if _started(week) else None, "url": link}

    chart: dict[str, Any] = {
        "type": "line",
        "title": "分周趋势",
        "categories": [w["label"] for w in ov.trend],
        "series": [
            {
                "name": "新列入台账",
                "color": COLORS["open"],
                "data": [point(w, "opened", links.get(K.L_TOTAL, "")) for w in ov.trend],
            },
            {
                "name": "整改销号",
                "color": COLORS["closed"],
                "data": [point(w, "closed", links.get(K.L_CLOSED, "")) for w in ov.trend],
            },
        ],
    }
    if with_reports:
        chart["series"].append(
            {
                "name": "按时报送（乡镇数）",
                "color": COLORS["trend_on_time"],
                "data": [point(w, "on_time", links.get("weeks", "")) for w in ov.trend],
            }
        )
    return chart


def _per_unit(ov: Overview, *, key: str, title: str, name: str, link) -> dict:
    rows = [r for r in ov.rows if r[key] is not None]
    rows.sort(key=lambda r: r[key])
    return {
        "type": "hbar",
        "title": title,
        "unit": "%",
        "max": 100,
        "categories": [r["unit"].name for r in rows],
        "series": [{"name": name, "data": [{"value": r[key], "url": link(r)} for r in rows]}],
    }


def county(ov: Overview) -> dict:
    return {
        "aspects": _aspects(ov),
        "ledger": _ledger(ov),
        "weeks": _weeks(ov),
        "trend": _trend(ov),
        "ranking": _per_unit(
            ov,
            key="rate",
            title="各乡镇整改率",
            name="整改率",
            link=lambda r: reverse("overview:township", args=[r["unit"].pk]),
        ),
        "coverage": _per_unit(
            ov,
            key="coverage",
            title="各乡镇入户走访覆盖率",
            name="走访覆盖率",
            link=lambda r: r["links"].get("coverage", ""),
        ),
    }


def township(ov: Overview) -> dict:
    return {
        "aspects": _aspects(ov),
        "ledger": _ledger(ov),
        "trend": _trend(ov, with_reports=False),
        "coverage": _per_unit(
            ov,
            key="coverage",
            title="各村入户走访覆盖率",
            name="走访覆盖率",
            link=lambda r: r["links"].get("coverage", ""),
        ),
    }
