"""Use cases of the spot-checks (keyword-only, one transaction each).

Who does what (DESIGN.md §2): the city reviewer (市住建局审核员) plans and draws samples,
assigns inspectors to villages, confirms missed problems onto the township's ledger and
publishes the results; an inspector (抽查组成员) records visits to the households of the
villages assigned to them, and nothing else; a township sees its verdicts once published
and the entries the city put on its ledger, never a sample before it is visited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.accounts.roles import TOWNSHIP, Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable
from anju.core import uploads
from anju.core.reminders import remind, users_of
from anju.inspections import ranking, sampling, verdicts
from anju.inspections.models import (
    ProblemKind,
    Sample,
    SampleHousehold,
    SampleVillage,
    SpotCheckPhoto,
    SpotCheckProblem,
    SpotCheckVisit,
)
from anju.rectification import services as ledger
from anju.rectification.models import LedgerEntry, Nature, Source, State
from anju.registry.models import Household
from anju.screening.choices import Aspect

if TYPE_CHECKING:
    from anju.campaigns.models import Campaign

REVIEWERS = frozenset({Role.CITY_REVIEWER})
INSPECTORS = frozenset({Role.INSPECTOR})
TOWNSHIP_READERS = TOWNSHIP
CONFIRM_DAYS = 7  # default deadline for a missed problem put on the ledger


class SpotCheckError(Exception):
    """A refused action; the message is Chinese and shown to the user as is."""


class NotInSample(SpotCheckError):
    """The household is not in the sample (or not assigned to this inspector)."""


# --- drawing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DrawOutcome:
    draw: sampling.Draw
    ranking: ranking.Ranking
    seed_generated: bool
    sample: Sample | None


def open_batches(campaign: Campaign) -> QuerySet[Sample]:
    """The round's batches still 核查中 (drawn, results not published)."""
    return Sample.objects.filter(campaign=campaign, status=Sample.Status.DRAWN).order_by("number")


def _scope(campaign: Campaign, excluded_samples: Iterable[int] = ()) -> QuerySet[Household]:
    """The round's in-scope households, less those drawn in ``excluded_samples``."""
    scope: QuerySet[Household] = Household.objects.in_campaign_scope(
        all_groups=campaign.scope_all_groups
    )
    if excluded_samples:
        drawn = SampleHousehold.objects.filter(sample_id__in=list(excluded_samples))
        scope = scope.exclude(id__in=drawn.values("household_id"))
    return scope


def population_of(
    campaign: Campaign, *, excluded_samples: Iterable[int] = ()
) -> Callable[[sampling.RankedVillage], list[int]]:
    """A village's drawable households (ids): in the round's scope, less those drawn in
    ``excluded_samples``."""
    scope = _scope(campaign, excluded_samples)

    def population(village: sampling.RankedVillage) -> list[int]:
        return list(scope.filter(village_id=village.village_id).values_list("id", flat=True))

    return population


def _less_excluded(
    ranked: ranking.Ranking, campaign: Campaign, excluded_samples: Sequence[int]
) -> ranking.Ranking:
    """Each village's population less its households already drawn in an open batch (one
    grouped query), so a village with none left is not drawn again."""
    if not excluded_samples:
        return ranked
    drawn = SampleHousehold.objects.filter(sample_id__in=list(excluded_samples))
    taken = dict(
        Household.objects.in_campaign_scope(all_groups=campaign.scope_all_groups)
        .filter(id__in=drawn.values("household_id"))
        .values("village_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    villages = [
        replace(v, population=v.population - taken[v.village_id]) if v.village_id in taken else v
        for v in ranked.villages
    ]
    return replace(ranked, villages=villages)


def draw_sample(
    *,
    actor: User | None,
    campaign: Campaign,
    params: sampling.Params,
    seed: int | None = None,
    dry_run: bool = False,
    label: str = "",
    include_open: bool = False,
) -> DrawOutcome:
    """Rank, draw and (unless ``dry_run``) record a sample. Raises ``sampling.SampleError``.

    Households already drawn in a batch of the same round that is still 核查中 are not
    drawn again (they are being checked) unless ``include_open``; the batches left out
    are recorded on the sample and named in its notes."""
    if not dry_run:
        ensure_writable(campaign)
    seed_generated = seed is None
    if seed is None:
        seed = sampling.generate_seed()
    open_now = list(open_batches(campaign))
    excluded = [] if include_open else [s.pk for s in open_now]
    ranked = _less_excluded(ranking.compute(campaign), campaign, excluded)
    try:
        draw = sampling.draw(
            ranked.villages,
            params,
            seed=seed,
            population=population_of(campaign, excluded_samples=excluded),
        )
    except sampling.SampleError as exc:
        raise _excluded_said(exc, ranked, excluded) from None
    notes = list(draw.notes)
    if open_now:
        n = SampleHousehold.objects.filter(sample__in=open_now).count()
        names = "、".join(f"第 {s.number} 批" for s in open_now)
        notes.insert(
            0,
            f"按要求未排除核查中的{names}已抽取的 {n} 户，可能重复抽到。"
            if include_open
            else f"已排除同一轮次核查中的{names}已抽取的 {n} 户，不重复抽查。",
        )
    draw = replace(draw, notes=tuple(notes))
    sample = None
    if not dry_run:
        sample = _save(actor, campaign, draw, ranked, seed_generated, label, excluded)
    return DrawOutcome(draw=draw, ranking=ranked, seed_generated=seed_generated, sample=sample)


def _excluded_said(
    exc: sampling.SampleError, ranked: ranking.Ranking, excluded: Sequence[int]
) -> sampling.SampleError:
    """The village count refused because open batches hold households back says so."""
    if not excluded or "villages" not in exc.errors:
        return exc
    left = sum(1 for v in ranked.villages if v.population > 0)
    because = (
        "同一轮次核查中的批次已抽取了各村全部可抽农户，没有可再抽取的村"
        if left == 0
        else f"排除同一轮次核查中的批次已抽取的农户后，只有 {left} 个村还有可抽取的农户"
    )
    errors = dict(exc.errors)
    errors["villages"] = (
        f"{because}。请减少抽查村数、等核查结果公布后再抽，"
        "或勾选“允许重复抽取核查中批次已抽取的农户”。"
    )
    return sampling.SampleError(errors)


def _save(
    actor: User | None,
    campaign: Campaign,
    draw: sampling.Draw,
    ranked: ranking.Ranking,
    seed_generated: bool,
    label: str,
    excluded: Sequence[int] = (),
) -> Sample:
    user = actor if getattr(actor, "pk", None) else None
    notes = list(draw.notes)
    if seed_generated:
        notes.insert(0, f"未指定随机种子，系统生成种子 {draw.seed} 并已记录。")
    for attempt in range(5):
        try:
            with transaction.atomic():
                number = (
                    Sample.objects.filter(campaign=campaign).aggregate(m=Max("number"))["m"] or 0
                ) + 1
                sample = Sample.objects.create(
                    campaign=campaign,
                    number=number,
                    seed=draw.seed,
                    seed_generated=seed_generated,
                    villages_requested=draw.params.villages,
                    households_per_village=draw.params.per_village,
                    rank_share=draw.params.rank_share,
                    fail_at=draw.params.fail_at,
                    ranking=[
                        sampling.to_snapshot(v, i) for i, v in enumerate(ranked.villages, start=1)
                    ],
                    township_ranking=[
                        t.snapshot(i) for i, t in enumerate(ranked.townships, start=1)
                    ],
                    notes=notes,
                    excluded_samples=list(excluded),
                    drawn_by=user,
                    drawn_by_label=label or ("页面" if user else "命令行 draw_sample"),
                )
                rows = []
                for position, chosen in enumerate(draw.villages, start=1):
                    v = chosen.village
                    sv = SampleVillage.objects.create(
                        sample=sample,
                        township_id=v.township_id,
                        village_id=v.village_id,
                        position=position,
                        chosen_by=chosen.chosen_by,
                        rank=chosen.rank,
                        score=round(float(v.score), 4),
                        expected=v.expected,
                        reported=v.reported,
                        population=v.population,
                        population_digest=chosen.population_digest,
                    )
                    rows += [
                        SampleHousehold(
                            sample=sample,
                            sample_village=sv,
                            household_id=hid,
                            township_id=v.township_id,
                            village_id=v.village_id,
                            position=i,
                        )
                        for i, hid in enumerate(chosen.households, start=1)
                    ]
                SampleHousehold.objects.bulk_create(rows)
                record(
                    Event.CREATE,
                    obj=sample,
                    detail={
                        "sample_households": len(rows),
                        "households": [r.household_id for r in rows],
                        "seed": draw.seed,
                    },
                )
                return sample
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Verification:
    same: bool
    message: str


def verify(sample: Sample) -> Verification:
    """Redraw ``sample`` from its recorded seed, parameters and ranking; compare."""
    ranked = [sampling.from_snapshot(row) for row in sample.ranking]
    params = sampling.Params(
        villages=sample.villages_requested,
        per_village=sample.households_per_village,
        rank_share=sample.rank_share,
        fail_at=sample.fail_at,
    )
    population = population_of(sample.campaign, excluded_samples=sample.excluded_samples)
    try:
        redraw = sampling.draw(ranked, params, seed=sample.seed, population=population)
    except sampling.SampleError as exc:
        return Verification(False, f"无法重新抽取：{exc}")
    recorded = list(sample.villages.order_by("position"))
    changed = [
        f"{sv.township.name}{sv.village.name}"
        for sv, chosen in zip(recorded, redraw.villages, strict=False)
        if chosen.population_digest != sv.population_digest
    ]
    if changed:
        return Verification(
            False,
            "、".join(changed)
            + " 的“回头看”范围内农户自抽样以来已有变化，重新抽取的结果可能不同。",
        )
    mine = [
        (sv.village_id, sv.chosen_by, tuple(sv.households.values_list("household_id", flat=True)))
        for sv in recorded
    ]
    again = [(c.village.village_id, c.chosen_by, tuple(c.households)) for c in redraw.villages]
    if mine == again:
        return Verification(
            True,
            f"按记录的种子 {sample.seed} 与参数重新抽取，所得村与农户与本样本完全一致。",
        )
    return Verification(False, "按记录的种子与参数重新抽取，结果与本样本不一致，请核查。")


# --- inspectors ------------------------------------------------------------------------------
def inspectors() -> QuerySet[User]:
    return User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("username")


def assign(*, actor: User, sample: Sample, assignments: dict[int, User | None]) -> int:
    """Set the inspector of each sampled village (``{sample_village_id: user or None}``)."""
    ensure_writable(sample.campaign_id)
    if sample.status != Sample.Status.DRAWN:
        raise SpotCheckError("本批抽查结果已公布，不能再调整抽查人员。")
    allowed = {u.pk for u in inspectors()}
    changed = 0
    with transaction.atomic():
        villages = sample.villages.select_related("village", "township")
        for sv in villages.select_for_update(of=("self",)):
            if sv.pk not in assignments:
                continue
            user = assignments[sv.pk]
            if user is not None and user.pk not in allowed:
                raise SpotCheckError(f"{sv.village.name}：所选人员不是在岗的抽查组成员。")
            if (user.pk if user else None) == sv.inspector_id:
                continue
            sv.inspector = user
            sv.save()
            changed += 1
            if user is not None:
                remind(
                    [user],
                    kind="spot_check",
                    title=f"抽查任务：{sv.township.name}{sv.village.name}，"
                    f"共 {sv.households.count()} 户待入户核查",
                    url=reverse("inspections:mine"),
                    key=f"inspections:assign:{sv.pk}:{user.pk}",
                )
    return changed


# --- visits ----------------------------------------------------------------------------------
def target(*, user: User, sample: Sample, household_id: int) -> SampleHousehold:
    """The sampled household a user may record or read a visit for, or ``NotInSample``."""
    qs = SampleHousehold.objects.select_related(
        "sample", "sample_village", "household", "township", "village"
    ).filter(sample=sample, household_id=household_id)
    if user.role == Role.CITY_REVIEWER:
        found = qs.first()
        if found is None:
            raise NotInSample(f"该户不在{sample}样本中，不能登记抽查记录。")
        return found
    if user.role == Role.INSPECTOR:
        found = qs.filter(sample_village__inspector=user).first()
        if found is None:
            raise NotInSample("该户不在分配给您的抽查样本中，不能登记抽查记录。")
        return found
    raise NotInSample("不存在或无权查看。")


@dataclass(frozen=True)
class ProblemInput:
    aspect: str
    description: str
    ledger_entry_id: int | None = None


def household_entries(household: Household, *, campaign: Campaign) -> QuerySet[LedgerEntry]:
    """The household's entries on its township's ledger (what the inspector compares)."""
    entries: QuerySet[LedgerEntry] = LedgerEntry.objects.in_ledger()
    return entries.filter(
        campaign=campaign, township_id=household.township_id, households=household
    ).order_by("number")


def locked_reason(sh: SampleHousehold) -> str | None:
    if sh.sample.status != Sample.Status.DRAWN:
        return "本批抽查结果已公布，核查记录不能再修改。"
    visit = getattr(sh, "visit", None)
    if visit and visit.problems.filter(confirmed_entry__isnull=False).exists():
        return "本户已有问题被确认列入乡镇整改台账，核查记录不能再修改。"
    return None


def record_visit(
    *,
    actor: User,
    sample_household: SampleHousehold,
    visited_on: dt.date,
    found_nothing: bool,
    note: str,
    problems: list[ProblemInput],
    new_photos: Sequence[tuple[uploads.Photo, str]] = (),
    today: dt.date | None = None,
) -> SpotCheckVisit:
    """Record (or correct) the visit of a sampled household. Raises ``ValidationError``
    (field → message) or ``SpotCheckError``; saves nothing on either."""
    sh = sample_household
    if actor.role != Role.INSPECTOR or sh.sample_village.inspector_id != actor.pk:
        raise NotInSample("该户不在分配给您的抽查样本中，不能登记抽查记录。")
    ensure_writable(sh.sample.campaign_id)
    if reason := locked_reason(sh):
        raise SpotCheckError(reason)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if visited_on > today:
        errors["visited_on"] = f"核查日期 {visited_on:%Y-%m-%d} 晚于今天，请填写实际入户的日期。"
    elif visited_on < timezone.localtime(sh.sample.drawn_at).date():
        errors["visited_on"] = (
            f"核查日期 {visited_on:%Y-%m-%d} 早于抽样日期"
            f"（{timezone.localtime(sh.sample.drawn_at):%Y-%m-%d}）。"
        )
    if found_nothing and problems:
        errors["found_nothing"] = (
            "已勾选“现场未发现问题”，又登记了问题。请取消勾选，或删去所登记的问题。"
        )
    if not found_nothing and not problems:
        errors["found_nothing"] = "请登记现场发现的问题；如未发现问题，请勾选“现场未发现问题”。"
    entries = {e.pk: e for e in household_entries(sh.household, campaign=sh.sample.campaign)}
    for i, p in enumerate(problems, start=1):
        if p.aspect not in Aspect.values:
            errors[f"problem-{i}"] = f"第 {i} 个问题：请选择问题所属方面。"
        elif not p.description.strip():
            errors[f"problem-{i}"] = f"第 {i} 个问题：请写明问题表述。"
        elif p.ledger_entry_id is not None and p.ledger_entry_id not in entries:
            errors[f"problem-{i}"] = f"第 {i} 个问题：所选台账条目不属于本户，请重新选择。"
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            fresh = (
                SampleHousehold.objects.select_for_update(of=("self",))
                .select_related("sample")
                .get(pk=sh.pk)
            )
            if reason := locked_reason(fresh):  # confirmed or published meanwhile
                raise SpotCheckError(reason)
            visit = SpotCheckVisit.objects.filter(sample_household=sh).first()
            if visit is None:
                visit = SpotCheckVisit(sample_household=sh, inspector=actor)
            visit.inspector = actor
            visit.visited_on = visited_on
            visit.found_nothing = found_nothing
            visit.note = note.strip()
            visit.save()
            for old in visit.problems.all():
                old.delete()
            for p in problems:
                entry = entries.get(p.ledger_entry_id) if p.ledger_entry_id else None
                if entry is None:
                    kind = ProblemKind.MISSED
                elif entry.state == State.CLOSED:
                    kind = ProblemKind.FAKE_FIX
                else:
                    kind = ProblemKind.REPORTED
                SpotCheckProblem.objects.create(
                    visit=visit,
                    aspect=p.aspect,
                    description=p.description.strip(),
                    kind=kind,
                    ledger_entry=entry,
                    entry_state=entry.state if entry else "",
                )
            for photo, original_name in new_photos:
                stored += _store_photo(actor, visit, photo, original_name)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return visit


def _store_photo(
    actor: User, visit: SpotCheckVisit, photo: uploads.Photo, original_name: str
) -> list[str]:
    row = SpotCheckPhoto(visit=visit, uploaded_by=actor)
    names = row.keep(photo, name=original_name)
    row.save()
    return names


# --- confirming problems onto the ledger ------------------------------------------------------
def default_deadline(campaign: Campaign, *, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return min(today + dt.timedelta(days=CONFIRM_DAYS), max(campaign.ends_on, today))


DEFAULT_MEASURES = (
    "乡镇组织对该户逐项核实，按政策整改到位，上传整改前后照片等佐证材料，报市住建局核验销号。"
)


def describe(problem: SpotCheckProblem) -> str:
    sh = problem.visit.sample_household
    head = f"市局{sh.sample}发现：{sh.village.name}{sh.household.head_name}户，{problem.get_aspect_display()}方面，{problem.description}"
    if problem.kind == ProblemKind.FAKE_FIX and problem.ledger_entry is not None:
        return f"{head}。台账第 {problem.ledger_entry.number} 号已销号，但问题仍在（虚假整改）。"
    return f"{head}。该问题未列入乡镇整改台账（漏报）。"


def confirm(
    *,
    actor: User,
    sample: Sample,
    problem_ids: list[int],
    measures: str,
    deadline: dt.date | None,
    today: dt.date | None = None,
) -> list[LedgerEntry]:
    """Put missed problems and fake fixes on their township's ledger (source 市局抽查) and
    remind the township's officers. All or nothing."""
    if actor.role != Role.CITY_REVIEWER:
        raise SpotCheckError("只有市住建局审核员可以确认抽查问题。")
    if not problem_ids:
        raise SpotCheckError("请勾选要列入台账的问题。")
    ensure_writable(sample.campaign_id)
    with transaction.atomic():  # re-checked under lock: nobody confirms twice
        problems = list(
            SpotCheckProblem.objects.select_related(
                "visit__sample_household__household",
                "visit__sample_household__village",
                "visit__sample_household__township",
                "visit__sample_household__sample_village",
                "visit__sample_household__sample",
                "ledger_entry",
            )
            .select_for_update(of=("self",))
            .filter(pk__in=problem_ids, visit__sample_household__sample=sample)
            .order_by("visit__sample_household__sample_village__position", "id")
        )
        if len(problems) != len(set(problem_ids)):
            raise SpotCheckError("所选问题不属于本批抽查，请刷新页面后重试。")
        incomplete = {}
        for p in problems:
            sv = p.visit.sample_household.sample_village
            if p.kind not in (ProblemKind.MISSED, ProblemKind.FAKE_FIX):
                raise SpotCheckError("只有漏报和虚假整改的问题需要列入台账。")
            if p.confirmed_entry_id:
                raise SpotCheckError("所选问题中有已列入台账的，请刷新页面后重试。")
            left = sv.households.filter(visit__isnull=True).count()
            if left:
                incomplete[sv.pk] = (sv, left)
        if incomplete:
            names = "、".join(f"{sv.village.name}（还有 {n} 户）" for sv, n in incomplete.values())
            raise SpotCheckError(
                f"{names}尚未全部核查。一个村全部核查完毕后才能确认列入台账，以免提前暴露抽查村。"
            )
        created: list[LedgerEntry] = []
        by_township: dict[int, list[LedgerEntry]] = {}
        now = timezone.now()
        for p in problems:
            sh = p.visit.sample_household
            entry = ledger.create_entry(
                actor=actor,
                campaign=sample.campaign,
                township=sh.township,
                village=sh.village,
                nature=Nature.INDIVIDUAL,
                description=describe(p),
                measures=measures,
                deadline=deadline,
                source=Source.SPOT_CHECK,
                aspect=p.aspect,
                households=[sh.household],
                today=today,
            )
            p.confirmed_entry = entry
            p.confirmed_by = actor
            p.confirmed_at = now
            p.save()
            created.append(entry)
            by_township.setdefault(sh.township_id, []).append(entry)
        for entries in by_township.values():
            township = entries[0].township
            remind(
                users_of(township, [Role.TOWNSHIP_OFFICER]),
                kind="spot_check",
                title=f"市局抽查发现 {len(entries)} 个问题，已列入{township.name}整改台账"
                f"（第 {'、'.join(str(e.number) for e in entries)} 号），请按时限整改",
                url=reverse("inspections:results"),
                key=f"inspections:confirmed:{entries[0].pk}",
                level="warning",
            )
    return created


def validate_confirm(
    *,
    campaign: Campaign,
    measures: str,
    deadline: dt.date | None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """The ledger's own checks on the measures and deadline, before anything is written."""
    errors = ledger.validate(
        campaign=campaign,
        nature=Nature.INDIVIDUAL,
        description="-",
        measures=measures,
        deadline=deadline,
        draft=False,
        today=today or timezone.localdate(),
    )
    return {k: v for k, v in errors.items() if k in ("measures", "deadline")}


# --- publishing --------------------------------------------------------------------------------
def publish(*, actor: User, sample: Sample) -> Sample:
    """Show the results to the townships in the sample; needs every household inspected."""
    if actor.role != Role.CITY_REVIEWER:
        raise SpotCheckError("只有市住建局审核员可以公布抽查结果。")
    ensure_writable(sample.campaign_id)
    with transaction.atomic():
        sample = Sample.objects.select_for_update(of=("self",)).get(pk=sample.pk)
        if sample.status == Sample.Status.PUBLISHED:
            raise SpotCheckError(f"{sample}的结果已于此前公布。")
        left = sample.households.filter(visit__isnull=True).count()
        if left:
            raise SpotCheckError(f"还有 {left} 户未核查，全部核查完毕后才能公布结果。")
        sample.status = Sample.Status.PUBLISHED
        sample.published_by = actor
        sample.published_at = timezone.now()
        sample.save()
        for township in verdicts.township_results(verdicts.village_results(sample)):
            unit = township.villages[0].sample_village.township
            remind(
                users_of(unit, [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD]),
                kind="spot_check",
                title=f"市局{sample}结果已公布：{unit.name}判定为“{township.verdict_label}”",
                url=reverse("inspections:results"),
                key=f"inspections:published:{sample.pk}:{unit.pk}",
                level="warning" if township.verdict == "fail" else "info",
            )
    return sample
