"""Workbooks shaped like the department lists the bureau receives (SOURCES.md), for the
monitoring tests (no tests here): two title rows, the header on row 3, one row per person
grouped by 户编号, the head not always first."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from anju.monitoring.demo import FPJC_HEADERS, write_list
from anju.registry import idcard

# the 2023 export's header names (as in /work/shared/samples/fpjc-2023-sample.xlsx)
FPJC_2023 = (*FPJC_HEADERS, "联系电话")
# the same columns as an older version names them (SOURCES.md synonyms)
FPJC_2021 = {
    "县": "县(市、区、旗)",
    "乡": "乡(镇)",
    "村": "行政村",
    "监测对象类别": "易返贫致贫户(监测对象)类型",
    "致贫/返贫风险1": "致贫原因1",
    "识别监测时间": "风险识别时间",
    "风险是否已消除": "风险是否消除",
    "消除监测时间": "风险消除时间",
    "是否危房户": "危房户",
    "证件号码": "身份证号",
}
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def an_id(n: int, born: dt.date = dt.date(1950, 1, 1)) -> str:
    return idcard.make("411081", born + dt.timedelta(days=97 * n), n)


def family(
    n: int,
    township: str = "火龙镇",
    village: str = "示例一村",
    *,
    size: int = 3,
    head_at: int = 1,
    **facts,
) -> list[dict]:
    """The person rows of household ``n`` (header → value): ``size`` persons, the head at
    position ``head_at``; ``facts`` override the household's columns on every row."""
    code = f"4110810{n:05d}"
    base = {
        "县": "禹州市",
        "乡": township,
        "村": village,
        "户编号": code,
        "人数": size,
        "户类型": "脱贫户",
        "监测对象类别": "脱贫不稳定户",
        "致贫/返贫风险1": "因病",
        "识别监测时间": "202303",
        "风险是否已消除": "否",
        "是否危房户": "否",
        "享受低保政策情况": "未享受",
        **facts,
    }
    rows = []
    relations = ["配偶", "之子", "之女", "之孙子", "之孙女"]
    for k in range(size):
        head = k == head_at % size
        rows.append(
            {
                **base,
                "人编号": f"{code}{k + 1:02d}",
                "姓名": f"户{n}主" if head else f"户{n}员{k}",
                "证件号码": an_id(n * 10 + k, dt.date(1950 if head else 1985, 1, 1)),
                "与户主关系": "户主" if head else relations[k % len(relations)],
            }
        )
    return rows


def head_id(n: int, size: int = 3, head_at: int = 1) -> str:
    return an_id(n * 10 + head_at % size, dt.date(1950, 1, 1))


def fpjc_book(
    path: Path,
    rows: list[dict],
    *,
    headers=FPJC_2023,
    rename: dict | None = None,
    titles=("（自定义）监测对象信息", "数据截至：2023年11月30日"),
) -> Path:
    """A 防返贫监测 export: ``titles`` above the header, then one line per person."""
    rename = rename or {}
    named = [rename.get(h, h) for h in headers]
    return write_list(path, _lines(headers, rows, titles, named), sheet="监测对象信息")


def _lines(headers, rows: list[dict], titles, named=None):
    yield from ([title] for title in titles)
    yield list(named or headers)
    for number, values in enumerate(rows, start=1):
        yield [number if h == "序号" else values.get(h) for h in headers]


def command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def write_book(path: Path, headers, rows: list[dict], *, titles=(), sheet="Sheet1") -> Path:
    """Any list: ``titles`` above ``headers``, then one line per row dict."""
    return write_list(path, _lines(headers, rows, titles), sheet=sheet)
