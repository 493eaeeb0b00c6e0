"""The shape every screening rule has (RULES.md), and the helpers rules share.

A rule is a class with its metadata, its parameters, ONE set-based query and a message:

    @register
    class A4_04(Rule):
        code, aspect, severity = "A4-04", Aspect.SUBSIDY, Severity.ERROR
        title = "验收后未发放补助"
        basis = "…"                       # policy source (DOMAIN.md)
        remedy = "…"                      # what the township does about it
        params = (Param("pay_days", "发放期限", 30, "天", DAYS),)
        fields = {"accepted_on": R + "accepted_on"}   # values the message needs

        def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
            return households.filter(...)             # the households where it fires

        def message(self, v: Values, p: Params, as_of: dt.date) -> str:
            return f"验收日期 {v['accepted_on']}，…"

``hits`` receives the households in scope (a QuerySet) and returns the subset where the rule
fires: filters, joins to the current assessment (``assessment__``) and renovation
(``renovation__``), annotations — never a loop over households. The engine takes
``.values()`` of the hits (the household's id, township, village and ``fields``) and calls
``message`` once per hit. A new rule is written by copying a sibling.

Missing values: SQL comparisons with NULL are false, so a rule fires on a missing value only
where it says so explicitly (``__isnull=True``, empty text). Days: "more than N days before
the reference date" is ``date < as_of - N days`` (``older_than``), whole days, exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, Q, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from anju.registry.choices import DANGEROUS_GRADES, REBUILD_METHODS, Grade
from anju.registry.grades import current_grade_sql
from anju.screening.choices import Aspect, Severity

if TYPE_CHECKING:
    from anju.monitoring.models import ListedHousehold  # noqa: F401 (named by Listed below)
    from anju.registry.models import Household  # noqa: F401 (named by Households below)

Households = models.QuerySet["Household"]  # the households a rule reads and returns
Listed = models.QuerySet["ListedHousehold"]  # the list records a rule on lists narrows
Values = dict[str, Any]  # one hit's ``.values()`` row, as ``message`` reads it

A = "assessment__"
R = "renovation__"
DANGEROUS = [str(g) for g in DANGEROUS_GRADES]
SAFE = [str(Grade.A), str(Grade.B)]
GRADES = [str(g) for g in Grade]
REBUILD = [str(m) for m in REBUILD_METHODS]


# --- parameters ---------------------------------------------------------------------------
DAYS = "days"  # whole days, 0 or more
LIMIT = "limit"  # a ceiling, floor or rate: required, above 0
RATIO = "ratio"  # a multiple, above 0


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    default: int | Decimal
    unit: str
    kind: str = LIMIT

    def parse(self, raw: object) -> int | Decimal:
        """A stored or typed value, checked; ValidationError names the parameter."""
        text = "" if raw is None else str(raw).strip()
        if text == "":
            raise ValidationError(f"{self.label}不能为空。", code="required")
        if self.kind == DAYS:
            try:
                days = int(text)
            except ValueError:
                raise ValidationError(f"{self.label}须为整数天数。", code="invalid") from None
            if days < 0:
                raise ValidationError(f"{self.label}不能为负数。", code="negative")
            return days
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{self.label}须为数字。", code="invalid") from None
        if not value.is_finite():
            raise ValidationError(f"{self.label}须为数字。", code="invalid")
        if value <= 0:
            raise ValidationError(f"{self.label}须大于0。", code="not_positive")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValidationError(f"{self.label}最多两位小数。", code="precision")
        return value

    def to_json(self, value: int | Decimal | str) -> int | str:
        return int(value) if self.kind == DAYS else format(Decimal(value).normalize(), "f")


class Params(dict[str, Any]):
    """A rule's effective parameters, read as attributes: ``p.plan_days``."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# --- rules --------------------------------------------------------------------------------
class Rule:
    code: str = ""
    aspect: str = ""
    severity: str = ""
    title: str = ""
    basis: str = ""
    remedy: str = ""
    params: tuple[Param, ...] = ()
    fields: dict[str, str] = {}
    # A rule on department list records (M-01) rather than registry households: its
    # ``listed_hits(listed, p, as_of)`` narrows list records; ``screening/listed.py`` runs it.
    on_list: bool = False

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        raise NotImplementedError

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        raise NotImplementedError

    def listed_hits(self, listed: Listed, p: Params, as_of: dt.date) -> Listed:
        """A rule ``on_list``: the list records among ``listed`` where it fires."""
        raise NotImplementedError

    # metadata helpers for pages
    @property
    def aspect_label(self) -> str:
        return Aspect(self.aspect).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    def defaults(self) -> Params:
        return Params({p.name: p.default for p in self.params})

    def __repr__(self) -> str:
        return f"<Rule {self.code}>"


CATALOGUE: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    rule = cls()
    if not rule.code or rule.code in CATALOGUE:
        raise ValueError(f"rule code missing or repeated: {rule.code!r}")
    if rule.aspect not in Aspect.values or rule.severity not in Severity.values:
        raise ValueError(f"{rule.code}: unknown aspect or severity")
    from anju.registry.models import Household

    fields = Household._meta.concrete_fields
    names = {f.name for f in fields} | {f.attname for f in fields}
    clash = [k for k, path in rule.fields.items() if k != path and k in names]
    if clash:
        raise ValueError(f"{rule.code}: message field names clash with Household fields: {clash}")
    CATALOGUE[rule.code] = rule
    return cls


# --- query helpers ------------------------------------------------------------------------
# Amounts, areas and parameters carry at most 2 decimals, so a product of two of them has at
# most 4: two such values that differ, differ by at least 0.0001. Comparing a value with a
# computed limit across half that step decides exactly as decimal arithmetic would, also on
# SQLite, whose arithmetic is binary floating point ("compare exactly, no rounding").
HALF_STEP = models.Value(
    Decimal("0.00005"), output_field=models.DecimalField(max_digits=14, decimal_places=5)
)


def older_than(path: str, days: int, as_of: dt.date) -> Q:
    """``as_of - date > days`` in whole days: the date is before ``as_of - days``."""
    return Q(**{f"{path}__lt": as_of - dt.timedelta(days=days)})


NO_ID = 0
NO_DATE = dt.date(1, 1, 1)


def lacks(relation: str) -> Q:
    """The household has no current ``assessment`` / ``renovation``.

    Written as COALESCE(fk, 0) = 0 rather than fk IS NULL (same meaning): SQLite's
    statistics count NULL as one rare key, so a plain IS NULL makes its planner drive a
    township's query from the mostly-NULL index instead of the township's rows."""
    return Q(Exact(Coalesce(F(f"{relation}_id"), models.Value(NO_ID)), NO_ID))


def has_renovation() -> Q:
    """RULES.md "Renovation = any record with a 改造方式": the current renovation record has a
    method (``anju.registry.models.HAS_RENOVATION``). A record without one only keeps facts
    imported before the method was known; the rules that read those facts (dates, amounts,
    grades) read them whether or not there is a method."""
    return Q(renovation__method__gt="")


def no_renovation() -> Q:
    """The household has no renovation: no current record, or one without a 改造方式
    (``anju.registry.models.NO_RENOVATION``, spelled with ``lacks`` for SQLite's planner)."""
    return lacks("renovation") | Q(renovation__method="")


def undated(path: str) -> Q:
    """A date that is not filled (``lacks`` explains the spelling)."""
    return Q(Exact(Coalesce(F(path), models.Value(NO_DATE)), NO_DATE))


def is_empty(path: str) -> Q:
    """An empty text field (the registry stores missing text as '')."""
    return Q(**{path: ""}) | Q(**{f"{path}__isnull": True})


def is_not_yes(path: str) -> Q:
    """A yes/no field that is 否 or not filled."""
    return Q(**{path: False}) | Q(**{f"{path}__isnull": True})


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (two date expressions): later − earlier."""

    output_field = models.IntegerField()
    arity = 2

    def as_sql(  # type: ignore[override]  # takes no function/template: its SQL is fixed
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        else:  # PostgreSQL: date - date is an integer number of days
            sql = f"({later} - {earlier})"
        return sql, (*later_params, *earlier_params)


def current_grade() -> Any:
    """The grade on file now: 验收后等级 once accepted with a grade, else 鉴定等级 (the one
    definition, ``registry/grades.py``)."""
    return current_grade_sql()


def by_size(
    small: dict[int, object], per_person: object, *, output: models.Field[Any, Any] | None = None
) -> Case:
    """A limit that depends on 家庭人口 n: ``small[n]`` for n ≤ 3, ``per_person × n`` above."""
    output = output or models.DecimalField(max_digits=12, decimal_places=2)
    return Case(
        *[When(size=n, then=models.Value(v, output_field=output)) for n, v in small.items()],
        default=models.ExpressionWrapper(
            F("size") * models.Value(per_person, output_field=output), output_field=output
        ),
        output_field=output,
    )


# --- message helpers ----------------------------------------------------------------------
# A message names the values it used and never renders an empty one ("改造方式为，"): a
# missing value is written as "…未填". ``tests/screening/test_messages.py`` renders every
# rule's message with each of its inputs missing.
UNFILLED = "未填"


def filled(value: Any) -> bool:
    return value is not None and value != ""


def num(value: Any) -> str:
    """26.00 → "26", 25.50 → "25.5", 15000 → "15000" (no rounding, no exponent)."""
    if value is None:
        return UNFILLED
    d = Decimal(str(value))
    text = format(d.normalize(), "f")
    return text


def day(value: dt.date | str | None) -> str:
    if value is None or value == "":
        return UNFILLED
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()


def grade(value: Any) -> str:
    """ "D级", or "等级未填"."""
    return f"{value}级" if value else f"等级{UNFILLED}"


def dated(label: str, value: Any) -> str:
    """ "鉴定日期 2022-01-10", or "鉴定日期未填"."""
    return f"{label} {day(value)}" if filled(value) else f"{label}{UNFILLED}"


def amount(label: str, value: Any, unit: str = "元") -> str:
    """ "补助金额 15000元", or "补助金额未填"."""
    return f"{label} {num(value)}{unit}" if value is not None else f"{label}{UNFILLED}"


def named(label: str, value: Any) -> str:
    """ "改造方式为原址重建", or "改造方式未填"."""
    return f"{label}为{value}" if filled(value) else f"{label}{UNFILLED}"


def graded(label: str, value: Any) -> str:
    """ "鉴定等级 D级", or "鉴定等级未填"."""
    return f"{label} {value}级" if filled(value) else f"{label}{UNFILLED}"


def days_since(value: dt.date | str | None, as_of: dt.date) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return (as_of - value).days


def overdue(label: str, value: Any, as_of: dt.date, limit: int, what: str) -> str:
    """ "鉴定日期 2022-01-10，至 2022-06-01 已 142 天，超过 90 天仍未纳入改造"; without the
    date: "鉴定日期未填，超过 90 天仍未纳入改造"."""
    if not filled(value):
        return f"{label}{UNFILLED}，超过 {limit} 天{what}"
    return (
        f"{label} {day(value)}，至 {day(as_of)} 已 {days_since(value, as_of)} 天，"
        f"超过 {limit} 天{what}"
    )
