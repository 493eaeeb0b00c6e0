"""Synthetic households for the demo county: one step of ``manage.py demo`` (DESIGN.md §6).

``build(ctx)`` draws ``ctx.households`` households with ``Generator`` (same seed, same
data; the tables, reference dates and rule thresholds are in ``anju.registry.demo_data``)
and writes them with their current assessment and renovation in one transaction. It does
nothing when the registry already holds households, so running the demo twice changes
nothing.

Speed (a million households in a few minutes): rows are drawn in chunks of ``CHUNK`` and
written set-wise — ``executemany`` on SQLite, ``COPY`` on PostgreSQL — with their ids
reserved beforehand, so ``Household.assessment``/``renovation`` point at their rows
without reading anything back. Personal data is sealed with ``anju.core.crypto`` like any
other household. The whole load is one audit event (``import``), not one per household,
and no ``households_changed`` signal is sent: the screening step screens everything next.
"""

from __future__ import annotations

import datetime as dt
import operator
import random
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.services import record
from anju.core import crypto, dbstats
from anju.registry import demo_data, idcard
from anju.registry.demo_data import (
    ALL_GRADES,
    ALL_METHODS,
    APPRAISERS,
    BASE_PROBLEM_RATE,
    BORN_FROM,
    BORN_TO,
    CLEARED,
    CRAFT_TEAMS,
    EDGE,
    ELSEWHERE,
    FEMALE_NAMES,
    G_DIBAO,
    G_EDGE,
    G_OTHER,
    G_SUDDEN,
    G_TEKUN,
    G_UNSTABLE,
    HILLY,
    HIST_FROM,
    HIST_TO,
    HOOKS,
    IN_PLACE,
    MALE_NAMES,
    METHOD_WEIGHTS,
    MOBILE_PREFIXES,
    OPEN,
    OTHER_ADDRESS_CODES,
    PROBLEM_CODES,
    PROBLEMS,
    PROBLEMS_PER_HOUSEHOLD,
    REASON_C_REBUILD,
    REASON_D_REINFORCE,
    REF,
    REINFORCE,
    RULES,
    SETTLED,
    SIZE_CUM,
    STAGES,
    STORIES,
    STRUCTURE_NAMES,
    STRUCTURES_OLD,
    STRUCTURES_SOUND,
    SUDDEN,
    SURNAMES,
    UNSTABLE,
    WRONG_PLAQUE,
    A,
    B,
    C,
    D,
    IdPermutation,
    Row,
    Village,
    as_date,
    cumulative,
    guide_area,
    min_area,
    rebuild_ceiling,
    stages,
    story_fits,
    township_factors,
)
from anju.registry.io.bulk import column_of
from anju.registry.models import Assessment, Household, Renovation
from anju.units.models import Level, Unit

if TYPE_CHECKING:
    from django.db import models

    from anju.core.management.commands.demo import DemoContext

CHUNK = 25_000
# One drawn household: household, assessment, renovation, problem codes.
Drawn = tuple[Row, Row | None, Row | None, tuple[str, ...]]


def build(ctx: DemoContext) -> None:
    if Household.objects.exists():
        ctx.say("演示农户：已有农户数据，跳过")
        return
    total = ctx.households
    if total <= 0:
        ctx.say("演示农户：户数为 0，未生成")
        return
    villages = list(
        Unit.objects.villages()
        .filter(parent__level=Level.TOWNSHIP)
        .order_by("code")
        .values_list("id", "parent_id", "parent__code")
    )
    if not villages:
        ctx.say("演示农户：没有村，未生成")
        return
    started = time.monotonic()
    generator = Generator(ctx.seed, villages)
    counts = {"households": 0, "assessments": 0, "renovations": 0}
    with transaction.atomic():
        writer = BulkWriter()
        for first in range(0, total, CHUNK):
            size = min(CHUNK, total - first)
            drawn = [generator.household(i) for i in range(first, first + size)]
            written = writer.write(drawn)
            for key, value in written.items():
                counts[key] += value
            if total > CHUNK:
                ctx.say(f"演示农户：已写入 {first + size}/{total} 户")
        record(
            Event.IMPORT,
            object_label=Household._meta.label_lower,
            detail={
                "source": "demo",
                "seed": ctx.seed,
                **counts,
                "reference_date": demo_data.REFERENCE_DATE,
            },
        )
    # The later steps (screening above all) plan their queries on these tables: without
    # statistics PostgreSQL chose nested loops over 10⁶ fresh rows and one rule ran for
    # more than 13 minutes.
    dbstats.after_bulk_load(counts["households"])
    seconds = time.monotonic() - started
    ctx.extra["registry_demo"] = {
        **counts,
        "seconds": seconds,
        "problems": dict(generator.problem_counts),
        "township_factors": dict(generator.township_factor),
    }
    ctx.say(
        f"演示农户：新增 {counts['households']} 户（安全鉴定 {counts['assessments']} 条、"
        f"危房改造 {counts['renovations']} 条），用时 {seconds:.1f} 秒"
    )


class Generator:
    """Draws household ``i`` (0, 1, 2, …) as dicts: household, assessment, renovation.

    Deterministic: the same seed and villages and the same sequence of calls give the
    same data. Keys starting with ``_`` are working values, not columns.
    """

    def __init__(self, seed: int, villages: list[tuple[int, int, str]]) -> None:
        """``villages``: (village id, township id, township code), ordered by village code."""
        if not villages:
            raise ValueError("no villages")
        self.rng = rng = random.Random(f"{seed}-households")
        self.born_from = BORN_FROM.toordinal()
        self.permute = IdPermutation((BORN_TO.toordinal() - self.born_from + 1) * 1000, rng)
        self.township_factor = township_factors(rng, sorted({v[2] for v in villages}))
        centres: dict[str, tuple[float, float]] = {}
        for code in sorted(self.township_factor):
            west = code in HILLY
            lon = rng.uniform(113.22, 113.36) if west else rng.uniform(113.36, 113.58)
            centres[code] = (rng.uniform(34.12, 34.28), lon)
        self.villages: list[Village] = []
        weights: list[float] = []
        for village_id, township_id, township_code in villages:
            lat, lon = centres[township_code]
            village_factor = 0.2 if rng.random() < 0.1 else rng.uniform(0.6, 1.4)
            lat, lon = lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.025, 0.025)
            factor = self.township_factor[township_code] * village_factor
            hilly = township_code in HILLY
            self.villages.append(Village(village_id, township_id, lat, lon, factor, hilly))
            street = township_code[6:] < "100"  # 街道: few rural households
            weights.append((0.35 if street else 1.0) * rng.uniform(0.5, 1.5))
        self._village_cum = cumulative(weights)
        self._problem_cum = cumulative(PROBLEMS[c].weight for c in PROBLEM_CODES)
        self._story_names = [s for s, spec in STORIES.items() if spec[0] > 0]
        self._story_cum = cumulative(STORIES[s][0] for s in self._story_names)
        self.bad_ids: set[str] = set()  # invalid ID numbers made so far (D-01)
        self.problem_counts = dict.fromkeys(PROBLEM_CODES, 0)

    # --- one household ----------------------------------------------------------------
    def household(self, i: int) -> Drawn:
        rng = self.rng
        village = rng.choices(self.villages, cum_weights=self._village_cum)[0]
        hh = self._identity(i)
        hh["township_id"], hh["village_id"] = village.township_id, village.id
        codes, stories, grades, methods = self._problems(village)
        story, grade, method = self._story(codes, stories, grades, methods)
        settled = any(c in SETTLED for c in codes)
        asm, ren = self._build_story(hh, village, story, grade, method, settled)
        for code in codes:
            # problems whose story alone makes them (A2-01, A5-01, …) have no hook
            hook = HOOKS.get(code)
            if hook is not None:
                hook(self, hh, asm, ren)
            self.problem_counts[code] += 1
        if "A1-01" in codes:
            asm = None
        self._finish(hh, asm, ren, codes)
        return hh, asm, ren, codes

    def _identity(self, i: int) -> Row:
        rng = self.rng
        x = rng.random()
        monitoring = ""
        if x < 0.70:  # 脱贫户 (享受政策)
            alleviated, enjoys = True, True
            groups = G_OTHER | (G_DIBAO if rng.random() < 0.15 else 0)
            groups |= G_TEKUN if rng.random() < 0.02 else 0
        elif x < 0.80:  # 监测对象
            t = rng.random()
            if t < 0.35:
                monitoring, alleviated, enjoys, groups = UNSTABLE, True, True, G_UNSTABLE
            elif t < 0.80:
                monitoring, alleviated, enjoys, groups = EDGE, False, None, G_UNSTABLE
            else:
                monitoring, alleviated, enjoys, groups = SUDDEN, False, None, G_SUDDEN
            groups |= G_DIBAO if rng.random() < 0.2 else 0
        elif x < 0.87:  # 稳定脱贫, no longer enjoys the policies: outside the default scope
            alleviated, enjoys = True, False
            groups = G_OTHER if rng.random() < 0.3 else 0
        elif x < 0.94:
            alleviated, enjoys = False, None
            groups = G_DIBAO | (G_TEKUN if rng.random() < 0.1 else 0)
        elif x < 0.97:
            alleviated, enjoys, groups = False, None, G_EDGE
        else:
            alleviated, enjoys, groups = False, None, G_TEKUN
        if groups & G_TEKUN:
            size = 1
        else:
            size = rng.choices((1, 2, 3, 4, 5, 6, 7), cum_weights=SIZE_CUM)[0]
        p = self.permute(i)
        born = dt.date.fromordinal(self.born_from + p // 1000)
        sequence = p % 1000  # odd: male
        prefix = "411081" if rng.random() < 0.97 else rng.choice(OTHER_ADDRESS_CODES)
        name = rng.choice(SURNAMES) + rng.choice(MALE_NAMES if sequence % 2 else FEMALE_NAMES)
        phone = ""
        if rng.random() < 0.9:
            phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
        return {
            "head_name": name,
            "_id_number": idcard.make(prefix, born, sequence),
            "_phone": phone,
            "size": size,
            "groups": groups,
            "is_alleviated": alleviated,
            "enjoys_policy": enjoys,
            "monitoring_type": monitoring,
            "risk_state": "",
            "no_house": False,
            "dangerous_site": False,
            # as real exports carry them for every household, renovated or not
            "self_funds": 0,
            "borrowed": False,
            "other_subsidy": "",
        }

    def _problems(
        self, village: Village
    ) -> tuple[tuple[str, ...], set[str], frozenset[str], frozenset[str]]:
        """Which problems the household has, and the stories, grades and methods left."""
        rng = self.rng
        stories, grades, methods = set(STORIES), ALL_GRADES, ALL_METHODS
        if rng.random() >= min(0.95, BASE_PROBLEM_RATE * village.factor):
            return (), stories, grades, methods
        x, k = rng.random(), 1
        for k, share in PROBLEMS_PER_HOUSEHOLD:  # noqa: B007 — k is used after the loop
            if x < share:
                break
            x -= share
        chosen: list[str] = []
        for _ in range(k):
            code = rng.choices(PROBLEM_CODES, cum_weights=self._problem_cum)[0]
            spec = PROBLEMS[code]
            clash = any(code in PROBLEMS[c].conflicts or c in spec.conflicts for c in chosen)
            if code in chosen or clash:
                continue
            g = grades.intersection(spec.grades) if spec.grades else grades
            m = methods.intersection(spec.methods) if spec.methods else methods
            s = {name for name in stories.intersection(spec.stories) if story_fits(name, g, m)}
            if s:
                chosen.append(code)
                stories, grades, methods = s, g, m
        return tuple(sorted(chosen)), stories, grades, methods

    def _story(
        self,
        codes: tuple[str, ...],
        stories: set[str],
        grades: frozenset[str],
        methods: frozenset[str],
    ) -> tuple[str, str, str]:
        rng = self.rng
        if not codes:
            story = rng.choices(self._story_names, cum_weights=self._story_cum)[0]
        else:
            names = sorted(stories)
            weights = [STORIES[s][0] for s in names]
            story = rng.choices(names, weights=weights if any(weights) else None)[0]
        _w, _renovated, story_grades, story_methods = STORIES[story]
        grade = method = ""
        allowed = [g for g in story_grades if g in grades]
        if len(allowed) == 2:
            grade = allowed[0] if rng.random() < 0.6 else allowed[1]  # A over B, C over D
        elif allowed:
            grade = allowed[0]
        options = [m for m in story_methods if m in methods]
        if len(options) > 1:
            weights = [METHOD_WEIGHTS.get((grade, m), 1.0) for m in options]
            method = rng.choices(options, weights=weights)[0]
        elif options:
            method = options[0]
        return story, grade, method

    # --- stories --------------------------------------------------------------------
    def _build_story(
        self, hh: Row, village: Village, story: str, grade: str, method: str, settled: bool
    ) -> tuple[Row | None, Row | None]:
        rng = self.rng
        ri = rng.randint
        dates: Mapping[str, int | None] | None
        ren: Row | None
        if story.startswith("nohouse"):
            hh["no_house"] = True
            if story == "nohouse_none":
                return None, None
            if story == "nohouse_building":
                dates = self._building_timeline(REF - ri(15, 150), method)
            elif rng.random() < 0.7 and not settled:  # built in the wave
                applied = ri(HIST_FROM.toordinal(), HIST_TO.toordinal())
                dates = self._timeline(applied, method, full=True)
            else:
                dates = self._recent_done_timeline(method, settled or rng.random() < 0.7)
            ren = self._renovation(hh, "", method, dates)
            if ren["completed_on"]:
                self._house(hh, village, "", new=ren)
            return None, ren

        self._house(hh, village, grade)
        dates = None
        if story == "safe":
            assessed = ri(HIST_FROM.toordinal(), HIST_TO.toordinal() + 270)
        elif story in ("hist", "ab_renovated"):
            assessed = ri(HIST_FROM.toordinal(), HIST_TO.toordinal())
            dates = self._timeline(assessed, method, full=True)
        elif story == "recent_waiting":
            assessed = REF - ri(3, RULES["plan_days"] - 2)
        elif story == "stale_waiting":
            assessed = REF - ri(RULES["plan_days"] + 5, 1400)
        elif story == "recent_done":
            done = self._recent_done_timeline(method, settled)
            dates, assessed = done, done["assessed"]
        elif story == "recent_building":
            assessed = REF - ri(20, RULES["finish_days"] - 5)
            dates = self._building_timeline(assessed, method)
        elif story == "stale_building":
            assessed = REF - ri(RULES["finish_days"] + 5, 900)
            dates = self._building_timeline(assessed, method, complete=False)
        else:  # overdue_acceptance
            assessed, dates = self._overdue_timeline()
        if grade in (C, D) and story not in ("hist", "safe") and rng.random() < 0.4:
            # newly found dangerous houses are often reported as suspected first
            hh["suspected_reported_on"] = as_date(assessed - ri(5, 40))
        if grade == D and method in (ELSEWHERE, ""):
            site_rate = (0.45 if village.hilly else 0.25) if method else 0.08
            hh["dangerous_site"] = rng.random() < site_rate
        asm = self._assessment(grade, assessed)
        ren = None
        if dates is not None:
            ren = self._renovation(hh, grade, method, dates)
            if ren["accepted_on"] and method != REINFORCE:
                self._house(hh, village, "", new=ren)
        return asm, ren

    def _house(self, hh: Row, village: Village, grade: str, new: Row | None = None) -> None:
        rng = self.rng
        if new is not None:  # the rebuilt or new house is the house now
            hh["structure"] = "砖混"
            hh["year_built"] = new["completed_on"].year
            hh["storeys"] = 1 if rng.random() < 0.85 else 2
            hh["floor_area"] = new["area_after"]
        else:
            old = grade in (C, D)
            kind = rng.choice(STRUCTURES_OLD if old else STRUCTURES_SOUND)
            if village.hilly and kind == "土" and rng.random() < 0.4:
                kind = "石"
            storeys = 1 if old or rng.random() < 0.62 else 2
            hh["structure"] = STRUCTURE_NAMES[kind]
            hh["year_built"] = rng.randint(1955, 1998) if old else rng.randint(1975, 2021)
            hh["storeys"] = storeys
            base = rng.randint(60, 160) + 10 * hh["size"]
            hh["floor_area"] = base * storeys / 2 + rng.randint(0, 1) / 2
        if hh.get("latitude") is None:
            hh["latitude"] = round(village.lat + rng.uniform(-0.006, 0.006), 6)
            hh["longitude"] = round(village.lon + rng.uniform(-0.006, 0.006), 6)

    def _assessment(self, grade: str, assessed: int) -> Row:
        rng = self.rng
        formal = rng.random() < (0.75 if grade in (C, D) else 0.35)
        if formal:
            assessor = rng.choice(APPRAISERS)
        else:
            names = (rng.choice(SURNAMES) + rng.choice(MALE_NAMES) for _ in range(2))
            assessor = "乡镇评定组 " + "、".join(names)
        return {
            "kind": "鉴定" if formal else "评定",
            "assessed_on": as_date(assessed),
            "grade": grade,
            "assessor": assessor,
            "result_issued": True,
            "_assessed": assessed,
        }

    def _timeline(self, assessed: int, method: str, *, full: bool) -> dict[str, int | None]:
        dates = self._dates(assessed, method)
        return stages(*dates) if full else stages(*dates[:4], None, None)

    def _dates(self, assessed: int, method: str) -> tuple[int, int, int, int, int, int]:
        """A whole renovation's ordinal dates, from the assessment to the payment."""
        ri = self.rng.randint
        approved = assessed + ri(10, 60)
        started = approved + ri(3, 40)
        completed = started + (ri(20, 60) if method == REINFORCE else ri(60, 150))
        accepted = completed + ri(3, 25)
        paid = accepted + ri(3, 28)
        return assessed, approved, started, completed, accepted, paid

    def _recent_done_timeline(self, method: str, settled: bool) -> dict[str, int]:
        """Found after the wave, renovated in time and paid: accepted 3–700 days before the
        reference date (at least 70 when a problem needs the payment period to be over)."""
        ri = self.rng.randint
        d = dict(zip(STAGES, self._dates(0, method), strict=True))
        if settled:
            accepted_ago = ri(70, 700)
        else:
            accepted_ago = ri(3, 30) if self.rng.random() < 0.12 else ri(45, 700)
        shift = REF - accepted_ago - d["accepted"]
        if d["paid"] + shift > REF:  # accepted lately and paid already
            shift = REF - d["paid"] - ri(0, 3)
        return {k: v + shift for k, v in d.items()}

    def _building_timeline(
        self, assessed: int, method: str, *, complete: bool = True
    ) -> dict[str, int | None]:
        """Approved and under way; completed at most ``accept_days`` ago, not accepted."""
        d = self._timeline(assessed, method, full=False)
        for key in ("approved", "started", "completed"):
            value = d[key]
            if value is not None and value > REF:
                d[key] = None
        if d["completed"] is not None and (
            not complete or REF - d["completed"] > RULES["accept_days"] - 2
        ):
            d["completed"] = None  # the works dragged on
        if d["started"] is None and self.rng.random() < 0.5:
            d["approved"] = None  # planned, waiting for the county's approval
        return d

    def _overdue_timeline(self) -> tuple[int, dict[str, int | None]]:
        """Completed more than ``accept_days`` ago, not accepted, assessed < 180 days ago:
        the assessment's date and the timeline."""
        ri = self.rng.randint
        assessed_ago = ri(110, RULES["finish_days"] - 2)
        completed_ago = ri(RULES["accept_days"] + 5, 75)
        span = assessed_ago - completed_ago
        approve = ri(5, max(6, span // 4))
        start = ri(2, max(3, span // 6))
        assessed = REF - assessed_ago
        dates = (assessed, assessed + approve, assessed + approve + start, REF - completed_ago)
        return assessed, stages(*dates, None, None)

    def _renovation(self, hh: Row, grade: str, method: str, dates: Mapping[str, int | None]) -> Row:
        rng = self.rng
        ri = rng.randint
        n = hh["size"]
        reinforce = method == REINFORCE
        approved, started = dates["approved"], dates["started"]
        completed, accepted, paid = dates["completed"], dates["accepted"], dates["paid"]
        reason = ""
        if grade == C and not reinforce:
            reason = rng.choice(REASON_C_REBUILD)
        elif grade == D and reinforce:
            reason = rng.choice(REASON_D_REINFORCE)
        area10 = None
        if reinforce:
            subsidy = rng.choice((6000, 8000, 10000, 12000, 15000, 15000))
        else:
            lo, hi = min_area(n) * 2, guide_area(n) * 2  # in half m²
            area10 = 5 * int(lo + (hi - lo) * rng.random() ** 1.6)
            ceiling = rebuild_ceiling(n, area10)
            if n > 3:
                ceiling = min(ceiling, 63 * area10 // 100 * 100)
            subsidy = ceiling if rng.random() < 0.8 else ceiling // 1000 * 1000
        foundation: int | None = None
        structure: int | None = None
        final: int | None = None
        if started is not None and not reinforce:
            foundation = started + ri(5, 15)
            structure = foundation + ri(15, 40)
            if completed is not None:
                structure = min(structure, completed)
                foundation = min(foundation, structure)
            else:
                foundation = foundation if foundation <= REF else None
                structure = structure if structure <= REF and foundation else None
        if completed is not None:
            final = completed + (min(ri(0, 2), accepted - completed) if accepted else 0)
            final = min(final, REF)
        ratio = rng.uniform(0.2, 1.0) if reinforce else rng.uniform(0.5, 1.9)
        works = started is not None
        if works:  # the household's own money (ADR 0009: the household's, 0 for everyone else)
            hh["self_funds"] = int(subsidy * ratio) // 100 * 100
        rebuilt = method in (IN_PLACE, ELSEWHERE)
        return {
            "method": method,
            "method_reason": reason,
            "approved_on": as_date(approved),
            "started_on": as_date(started),
            "completed_on": as_date(completed),
            "accepted_on": as_date(accepted),
            "post_grade": (A if rng.random() < 0.45 else B) if accepted else "",
            "area_after": area10 / 10 if area10 else hh.get("floor_area"),
            "craftsman": self._craftsman(started or approved or REF),
            "foundation_checked_on": as_date(foundation),
            "structure_checked_on": as_date(structure),
            "final_checked_on": as_date(final),
            "moved_in": True if accepted else None,
            "old_demolished": True if accepted and rebuilt else None,
            "has_toilet": (rng.random() < 0.93) if accepted else None,
            "livestock_separated": (rng.random() < 0.96) if accepted else None,
            "subsidy_amount": subsidy if paid is not None else None,
            "subsidy_paid_on": as_date(paid),
            "payment_channel": "一卡通" if paid is not None else "",
            "payee_agreement": None,
            # 一户一档; for a 无房户 the 鉴定表 is the village's certificate of having no house
            "file_application": True,
            "file_assessment": True,
            "file_agreement": True if approved else None,
            "file_acceptance": True if accepted else None,
            "file_photos_before": True,
            "file_photos_after": True if completed else None,
            "file_payment_voucher": True if paid else None,
            "_area10": area10,
            "_subsidy": subsidy,
        }

    def _craftsman(self, when: int) -> str:
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(MALE_NAMES)
        if rng.random() < 0.7:
            year = dt.date.fromordinal(when).year - rng.randint(0, 3)
            return f"{name}（农村建筑工匠证 豫匠{year}{rng.randrange(10000, 99999)}）"
        return f"禹州市{rng.choice(SURNAMES)}家{rng.choice(CRAFT_TEAMS)}（负责人 {name}）"

    # --- finishing touches: the plaque and the monitoring state ---------------------
    def _finish(self, hh: Row, asm: Row | None, ren: Row | None, codes: tuple[str, ...]) -> None:
        rng = self.rng
        # the renovation if it has been accepted
        accepted = ren if ren is not None and ren["accepted_on"] is not None else None
        if asm is not None and "A1-03" in codes:
            hh["plaque_posted"] = False
        elif asm is not None:
            current = asm["grade"]
            if accepted is not None and accepted["post_grade"]:
                current = accepted["post_grade"]
            first = min(asm["_assessed"] + rng.randint(3, 45), REF)
            posted, plaque = first, current
            if accepted is not None and current != asm["grade"]:  # posted again after it
                posted = min(accepted["accepted_on"].toordinal() + rng.randint(3, 45), REF)
            if "A1-04" in codes:
                if current != asm["grade"]:
                    posted, plaque = first, asm["grade"]  # the old plaque was never replaced
                else:
                    plaque = rng.choice(WRONG_PLAQUE[current])
            hh["plaque_posted"] = True
            hh["plaque_date"] = as_date(posted)
            hh["plaque_grade"] = plaque
        if hh["monitoring_type"]:
            safe_now = accepted is not None and (hh["no_house"] or accepted["post_grade"] in (A, B))
            unsafe = (hh["no_house"] or (asm is not None and asm["grade"] in (C, D))) and (
                not safe_now
            )
            if "A2-03" in codes:
                hh["risk_state"] = CLEARED
            elif unsafe:
                hh["risk_state"] = OPEN
            else:
                hh["risk_state"] = CLEARED if rng.random() < 0.7 else OPEN


def seal(hh: Row) -> None:
    """Encrypt a drawn household's personal data in place, as ``Household.set_id_number``
    and ``set_phone`` do (anju.core.crypto)."""
    id_number = hh.pop("_id_number")
    phone = hh.pop("_phone")
    hh["id_number_enc"] = crypto.encrypt(id_number)
    hh["id_number_hash"] = crypto.blind_index(id_number)
    hh["id_number_masked"] = crypto.mask_id_number(id_number)
    hh["id_number_valid"] = idcard.is_valid(id_number)
    hh["phone_enc"] = crypto.encrypt(phone) if phone else None
    hh["phone_masked"] = crypto.mask_phone(phone)


class _Table:
    """One table's insert: its columns from the model, and defaults for unset fields."""

    def __init__(self, model: type[models.Model], now: object) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.name = model._meta.db_table
        self.attnames = [f.attname for f in fields]
        self.columns = [column_of(f) for f in fields]
        self.defaults: dict[str, object] = {}
        self.required: list[str] = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif f.empty_strings_allowed and f.get_internal_type() in ("CharField", "TextField"):
                self.defaults[f.attname] = ""
            else:
                self.required.append(f.attname)
        self.checked = False
        self.getter = operator.itemgetter(*self.attnames)

    def rows(self, dicts: list[Row]) -> list[tuple[Any, ...]]:
        if dicts and not self.checked:
            missing = [a for a in self.required if a not in dicts[0]]
            if missing:
                raise RuntimeError(f"演示数据缺少 {self.name} 的必填字段：{', '.join(missing)}")
            self.checked = True
        row, defaults = self.getter, self.defaults
        return [row(defaults | d) for d in dicts]


class BulkWriter:
    """Writes drawn households set-wise on SQLite (executemany) or PostgreSQL (COPY)."""

    def __init__(self) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.households = _Table(Household, now)
        self.assessments = _Table(Assessment, now)
        self.renovations = _Table(Renovation, now)
        self.vendor = connection.vendor
        self._next_id: dict[str, int] = {}

    def write(self, drawn: list[Drawn]) -> dict[str, int]:
        n_asm = len(drawn) - [d[1] for d in drawn].count(None)
        n_ren = len(drawn) - [d[2] for d in drawn].count(None)
        hh_ids = iter(self._reserve(self.households, len(drawn)))
        asm_ids = iter(self._reserve(self.assessments, n_asm))
        ren_ids = iter(self._reserve(self.renovations, n_ren))
        households: list[Row] = []
        assessments: list[Row] = []
        renovations: list[Row] = []
        for hh, asm, ren, _codes in drawn:
            seal(hh)
            hh["id"] = hid = next(hh_ids)
            if asm is not None:
                asm["id"] = hh["assessment_id"] = next(asm_ids)
                asm["household_id"] = hid
                assessments.append(asm)
            if ren is not None:
                ren["id"] = hh["renovation_id"] = next(ren_ids)
                ren["household_id"] = hid
                renovations.append(ren)
            households.append(hh)
        # Household points at its assessment and renovation and they point back: the
        # foreign keys are deferred to the commit, so the order of the three inserts is free.
        self._insert(self.households, households)
        self._insert(self.assessments, assessments)
        self._insert(self.renovations, renovations)
        return {
            "households": len(households),
            "assessments": len(assessments),
            "renovations": len(renovations),
        }

    def _reserve(self, table: _Table, count: int) -> Sequence[int]:
        """``count`` fresh primary keys for ``table``, taken before the rows are written."""
        if count == 0:
            return []
        quoted = connection.ops.quote_name(table.name)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [quoted, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if table.name not in self._next_id:
                # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so the
                # ids above both the largest id and AUTOINCREMENT's high-water mark are ours.
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608
                top = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table.name])
                row = cursor.fetchone()
                self._next_id[table.name] = max(top, row[0] if row else 0) + 1
        first = self._next_id[table.name]
        self._next_id[table.name] = first + count
        return range(first, first + count)

    def _insert(self, table: _Table, dicts: list[Row]) -> None:
        if not dicts:
            return
        rows = table.rows(dicts)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)
