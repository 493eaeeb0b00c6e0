"""Ship 禹州市 (411081) and its 26 townships (NBS codes 2021–2022, DOMAIN.md §8)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "yuzhou_townships.csv"


def load(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    by_code = {}
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            level = {6: "county", 9: "township"}[len(row["code"])]
            unit, _ = Unit.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "level": level,
                    "parent": by_code.get(row["parent_code"]),
                },
            )
            by_code[unit.code] = unit


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
