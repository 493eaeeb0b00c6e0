"""A "回头看" campaign round: its document, dates, scope and screening parameters.

Kept small on purpose: the ledger issue adds phases, weekly deadlines and work plans; 动态监测
adds the monthly days (lists by ``list_due_day``, new households assessed by
``assess_due_day``). The
screening reads two things from here: which households are in scope
(``scope_all_groups``) and the rule parameters (``rule_params`` overrides the catalogue's
defaults per rule code; ``disabled_rules`` lists rules switched off).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel

if TYPE_CHECKING:
    from anju.units.models import Unit

# The seed document's dates (late May to the end of June): the demo round's phase structure.
SEED_START = dt.date(2022, 5, 23)
SEED_END = dt.date(2022, 6, 30)


def shifted_seed_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The seed's dates moved by whole weeks so the campaign started two weeks before the
    current week and is live today (weekdays stay those of the document)."""
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=2)
    return start, start + (SEED_END - SEED_START)


def round_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Beijing time (Asia/Shanghai, settings.TIME_ZONE), whatever the
    server's clock zone: a round's dates are the bureau's dates."""
    moment = now or timezone.now()
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def county_of(unit: Unit | None) -> Unit | None:
    """The county a unit belongs to (itself when it is one), else None."""
    while unit is not None and unit.level != "county":
        unit = unit.parent
    return unit


class Status(models.TextChoices):
    """A round's life: drafted from the bureau's document, published (the townships see it
    and work in it), closed (finished; read-only), archived (kept, out of the way)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")
    ARCHIVED = "archived", _("已归档")


# A round in these states is read-only: its records are shown, never changed (guard.py).
READ_ONLY = (Status.CLOSED, Status.ARCHIVED)


class CampaignQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True).exclude(status=Status.DRAFT)

    def of_county(self, user):
        """Every round of the user's county (drafts only for the city administrator)."""
        county = county_of(getattr(user, "unit", None))
        if county is None or not getattr(user, "role", ""):
            return self.none()
        qs = self.filter(county=county)
        if getattr(user, "role", None) != "city_admin":
            qs = qs.exclude(status=Status.DRAFT)
        return qs

    def for_user(self, user):
        """The scope of ``get_scoped_or_404``: the rounds of the user's county."""
        return self.of_county(user)

    def current(self, user=None, on: dt.date | None = None, *, county=None) -> Campaign | None:
        """THE current round, the one definition every page, command, task and the API use.

        ``user``: the round of the user's county; ``county``: the round of that unit's
        county (any unit: its county is looked up); neither: the install's (one county).
        ``on``: the day asked about, default today in Beijing time.

        The active round running on that day (the last-started when rounds overlap); else
        the latest active round already started; else the next one to start. None when the
        county has no round: nothing is ever created here (a read never writes).

        A user looking at another round through the round selector (``user.viewing_round``,
        set per request from the session by ``campaigns/selection.py``) gets that round
        when no day is asked about: the pages then show it, read-only when it is closed.
        """
        chosen = getattr(user, "viewing_round", None)
        if chosen is not None and on is None:
            return chosen  # the round selector (campaigns/selection.py): a past round, read-only
        on = on or round_today()
        qs = self.active()
        if user is not None:
            county = county_of(getattr(user, "unit", None))
            if county is None:
                return None
        elif county is not None:
            county = county_of(county)
        if county is not None:
            qs = qs.filter(county=county)
        newest = ("-starts_on", "-id")
        return (
            qs.filter(starts_on__lte=on, ends_on__gte=on).order_by(*newest).first()
            or qs.filter(starts_on__lte=on).order_by(*newest).first()
            or qs.order_by("starts_on", "id").first()
        )


class Campaign(AuditedModel):
    name = models.CharField(_("名称"), max_length=120)
    document_number = models.CharField(_("文号"), max_length=40, blank=True)
    issuing_office = models.CharField(
        _("发文单位"),
        max_length=60,
        blank=True,
        help_text=_("印发本轮方案的单位，如“某县住房和城乡建设局”。"),
    )
    superior_office = models.CharField(
        _("上级主管部门"),
        max_length=60,
        blank=True,
        help_text=_("县级总结报告报送的上级部门，如“某市住房和城乡建设局”。"),
    )
    county = models.ForeignKey(
        "units.Unit",
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    scope_all_groups = models.BooleanField(
        _("扩大到六类重点对象"),
        default=False,
        help_text=_("默认只排查脱贫户（享受政策）和监测对象；勾选后包括全部六类重点对象。"),
    )
    # 动态监测's monthly rhythm (issue #18 part 4): the departments' lists are due by this day
    # of each month, the houses of the households they newly list assessed by that day
    list_due_day = models.PositiveSmallIntegerField(
        _("名单报送日"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每月几日前收到乡村振兴、民政部门的名单（1—28日）。"),
    )
    assess_due_day = models.PositiveSmallIntegerField(
        _("新增户鉴定完成日"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("名单新增农户须在当月几日前完成住房安全鉴定（1—28日）。"),
    )
    rule_params = models.JSONField(_("规则参数"), default=dict, blank=True)
    disabled_rules = models.JSONField(_("停用的规则"), default=list, blank=True)
    is_active = models.BooleanField(_("进行中"), default=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("“回头看”工作")
        verbose_name_plural = _("“回头看”工作")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(list_due_day__gte=1, list_due_day__lte=28)
                & Q(assess_due_day__gte=1, assess_due_day__lte=28)
                & Q(assess_due_day__gt=models.F("list_due_day")),
                name="campaign_monthly_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.document_number}）" if self.document_number else self.name

    def list_due_on(self, month: dt.date) -> dt.date:
        """The day the departments' lists of ``month``'s month are due (e.g. 12月5日)."""
        return month.replace(day=self.list_due_day)

    def assess_due_on(self, month: dt.date) -> dt.date:
        """The day the households newly listed in ``month``'s month must be assessed by."""
        return month.replace(day=self.assess_due_day)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_read_only(self) -> bool:
        """A closed or archived round: its records are shown, never changed."""
        return self.status in READ_ONLY

    def is_rule_enabled(self, code: str) -> bool:
        return code not in (self.disabled_rules or [])

    def overrides_for(self, code: str) -> dict:
        return dict((self.rule_params or {}).get(code) or {})
