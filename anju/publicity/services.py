"""Build a 公示 list: whitelisted columns only, registered with its period."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from anju.core.workbooks import safe_workbook
from anju.publicity.models import WHITELIST, Publication
from anju.registry.models import Household

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.units.models import Unit

Row = list[object]  # one line of the list, in WHITELIST order


def _rows_for(township: Unit, village: Unit | None = None) -> list[Row]:
    households = (
        Household.objects.filter(township=township)
        .with_renovation()
        .select_related("village", "assessment", "renovation")
        .order_by("village__code", "id")
    )
    if village is not None:
        households = households.filter(village=village)
    rows: list[Row] = []
    for number, h in enumerate(households, start=1):
        r = h.renovation
        assert r is not None  # with_renovation()
        rows.append(
            [
                number,
                township.name,
                h.village.name,
                h.head_name,
                h.assessment.grade if h.assessment is not None else "",
                r.method,
                float(r.subsidy_amount) if r.subsidy_amount is not None else "",
                r.state_label,
                r.accepted_on.isoformat() if r.accepted_on else "",
            ]
        )
    return rows


def _build_xlsx(title: str, rows: list[Row]) -> bytes:
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    sheet = book.add_worksheet("公示")
    bold = book.add_format({"bold": True, "border": 1, "align": "center"})
    cell = book.add_format({"border": 1})
    sheet.merge_range(
        0,
        0,
        0,
        len(WHITELIST) - 1,
        title,
        book.add_format({"bold": True, "font_size": 14, "align": "center"}),
    )
    for col, name in enumerate(WHITELIST):
        sheet.write_string(1, col, name, bold)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value, cell)
            else:
                sheet.write_string(r, c, str(value), cell)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.repeat_rows(1)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def publish(
    *,
    actor: User,
    township: Unit,
    village: Unit | None,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    takedown_on: dt.date,
) -> tuple[Publication, bytes]:
    errors = {}
    if not title.strip():
        errors["title"] = "请填写公示标题。"
    if ends_on < starts_on:
        errors["ends_on"] = "公示结束日期不能早于开始日期。"
    if takedown_on < ends_on:
        errors["takedown_on"] = "撤下日期不能早于公示结束日期。"
    if village is not None and village.parent_id != township.pk:
        errors["village"] = "所选村不属于该乡镇。"
    if errors:
        raise ValidationError(errors)
    rows = _rows_for(township, village)
    data = _build_xlsx(title.strip(), rows)
    publication = Publication.objects.create(
        title=title.strip(),
        township=township,
        village=village,
        starts_on=starts_on,
        ends_on=ends_on,
        takedown_on=takedown_on,
        rows=len(rows),
        columns=list(WHITELIST),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
    )
    return publication, data
