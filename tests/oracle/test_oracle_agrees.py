"""The SQL screening agrees with an independent oracle on every (rule, household) pair.

Several thousand generated households (``households.py``: real-export shapes, national words,
boundaries, missing inputs, disorder, broken ID numbers) are written to an .xlsx, imported
with ``import_registry`` and screened with ``screen --as-of … --json`` — public interfaces
only. The oracle (``rules_oracle.py``, written from RULES.md alone) evaluates each household's
canonical values. Both sets of (rule, ID number) pairs must be equal, every finding must carry
its rule's severity, and the importer must accept every row. On failure the test prints each
disagreement with the household's values that the rule reads.

``ORACLE_HOUSEHOLDS`` and ``ORACLE_SEED`` (environment) change the size and the seed;
``ORACLE_DUMP=FILE.json`` writes the households, the engine's findings and the disagreements.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anju.campaigns.models import Campaign
from tests.oracle.households import HEADERS, Case, generate
from tests.oracle.rules_oracle import INPUTS, SEVERITY, findings

AS_OF = dt.date(2024, 6, 28)
COUNT = int(os.environ.get("ORACLE_HOUSEHOLDS", "5000"))
SEED = int(os.environ.get("ORACLE_SEED", "20240628"))
SHOWN_PER_RULE = 6

pytestmark = pytest.mark.django_db


def command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def write_workbook(path: Path, cases: list[Case]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("农户")
    sheet.append(list(HEADERS))
    for case in cases:
        sheet.append([case.cells[h] for h in HEADERS])
    book.save(path)
    return path


def import_errors(path: Path) -> list[list]:
    """The error rows of ``--errors OUT.xlsx`` (级别 = 错误); none when no file was written."""
    if not path.exists():
        return []
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return [list(r) for r in rows[1:] if r and r[0] == "错误"]


def engine_findings(output: str) -> list[dict]:
    """``screen --json`` prints a JSON list of findings (rule_code, id_number, severity,
    message, …) after any text lines."""
    return json.loads(output[output.index("[") :])


def show(value) -> str:
    if value is None:
        return "∅"
    if value is True or value is False:
        return "是" if value else "否"
    return str(value)


def refusal_table(refused: list[list]) -> str:
    """Refused cells grouped by (column, what the importer said), with one example value."""
    groups = collections.defaultdict(list)
    for row in refused:
        _level, _sheet, line, _col, column, value, *rest = [*row, None, None]
        groups[(column, show(rest[0]) if rest else "")].append((line, value))
    lines = []
    for (column, said), rows in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        values = sorted({show(v) for _, v in rows})
        lines.append(f"  refused {len(rows):4} × {column}: {said} — e.g. {'、'.join(values[:20])}")
    return "\n".join(lines)


def disagreement_table(missing, extra, severities, by_id, engine_msgs) -> str:
    """One block per rule: which side fires, the ID, the values the rule reads, tags."""
    lines = []
    grouped = collections.defaultdict(lambda: {"oracle only": [], "engine only": []})
    for rule, id_number in missing:
        grouped[rule]["oracle only"].append(id_number)
    for rule, id_number in extra:
        grouped[rule]["engine only"].append(id_number)
    lines.append(f"{'rule':6} {'side':12} {'count':>5}")
    for rule in sorted(grouped):
        for side, ids in grouped[rule].items():
            if ids:
                lines.append(f"{rule:6} {side:12} {len(ids):5}")
    for rule in sorted(grouped):
        for side, ids in grouped[rule].items():
            for id_number in sorted(ids)[:SHOWN_PER_RULE]:
                case = by_id.get(id_number)
                values = (
                    "，".join(f"{c}={show(case.values.get(c))}" for c in INPUTS[rule])
                    if case
                    else "(not generated)"
                )
                tags = "/".join(case.tags) if case else ""
                message = engine_msgs.get((rule, id_number), "")
                lines.append(f"  {rule} {side:11} {id_number} {values} [{tags}] {message}")
            if len(ids) > SHOWN_PER_RULE:
                lines.append(f"  {rule} {side:11} … {len(ids) - SHOWN_PER_RULE} more")
    for (rule, id_number), severity in sorted(severities.items()):
        expected = SEVERITY.get(rule, "no such rule")
        lines.append(f"  {rule} severity {severity} ≠ RULES.md {expected} ({id_number})")
    return "\n".join(lines)


def dump(path: Path, cases, engine, refused_ids, missing, extra) -> None:
    """Everything behind a run, for reading disagreements at leisure (``ORACLE_DUMP=file``)."""
    path.write_text(
        json.dumps(
            {
                "households": [{"values": c.values, "tags": c.tags} for c in cases],
                "engine": engine,
                "refused": sorted(refused_ids),
                "oracle_only": sorted(missing),
                "engine_only": sorted(extra),
            },
            ensure_ascii=False,
            default=str,
            indent=1,
        ),
        encoding="utf-8",
    )


def test_the_engine_and_the_oracle_agree_on_every_rule_and_household(
    tmp_path, county, village_a, village_a2, village_b
):
    Campaign.objects.create(
        name="测试轮次（默认参数）",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=dt.date(2022, 5, 23),
        ends_on=dt.date.today() + dt.timedelta(days=365),
    )
    places = [
        (village_a.parent.name, village_a.name),
        (village_a2.parent.code, village_a2.name),
        (village_b.parent.name, village_b.name),
    ]
    cases = generate(COUNT, seed=SEED, as_of=AS_OF, places=places)
    by_id = {case.values["身份证号"]: case for case in cases}
    assert len(by_id) == COUNT

    book = write_workbook(tmp_path / "农户住房信息.xlsx", cases)
    problems = tmp_path / "问题清单.xlsx"
    code, out, err = command(
        "import_registry", str(book), "--valid-only", "--errors", str(problems)
    )
    assert code == 0, err
    refused = import_errors(problems)

    code, out, err = command("screen", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0, err
    engine = engine_findings(out)

    engine_pairs, severities, messages = set(), {}, {}
    for finding in engine:
        rule, id_number = finding["rule_code"], finding["id_number"]
        engine_pairs.add((rule, id_number))
        messages[(rule, id_number)] = finding["message"]
        if finding["severity"] != SEVERITY.get(rule):
            severities[(rule, id_number)] = finding["severity"]
    oracle_pairs = {
        (rule, case.values["身份证号"]) for case in cases for rule in findings(case.values, AS_OF)
    }

    # A refused row has no findings at all: it is listed once below, not under every rule.
    refused_ids = {cases[row[2] - 2].values["身份证号"] for row in refused}
    missing = {(r, i) for r, i in oracle_pairs - engine_pairs if i not in refused_ids}
    extra = engine_pairs - oracle_pairs
    report = disagreement_table(missing, extra, severities, by_id, messages)
    refused_text = refusal_table(refused)
    if os.environ.get("ORACLE_DUMP"):
        dump(Path(os.environ["ORACLE_DUMP"]), cases, engine, refused_ids, missing, extra)
    assert not refused and not missing and not extra and not severities, (
        f"{COUNT} households (seed {SEED}, as of {AS_OF}); oracle {len(oracle_pairs)} findings, "
        f"engine {len(engine_pairs)}; oracle only {len(missing)}, engine only {len(extra)}, "
        f"wrong severity {len(severities)}; cells the importer refused: {len(refused)} "
        f"(in {len(refused_ids)} households, left out of the comparison)\n"
        f"{refused_text}\n{report}"
    )
