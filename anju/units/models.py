"""Administrative units: county → township → village, keyed by NBS codes (DOMAIN.md §8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User


class Level(models.TextChoices):
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


# by level (a ``Level`` or its value: they are equal strings)
CODE_LENGTH: dict[str, int] = {Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}
PARENT_LEVEL: dict[str, str] = {Level.TOWNSHIP: Level.COUNTY, Level.VILLAGE: Level.TOWNSHIP}


def level_for_code(code: str) -> str | None:
    for level, length in CODE_LENGTH.items():
        if len(code) == length:
            return level
    return None


class UnitQuerySet(models.QuerySet["Unit"]):
    def townships(self) -> Self:
        return self.filter(level=Level.TOWNSHIP)

    def villages(self) -> Self:
        return self.filter(level=Level.VILLAGE)

    def for_user(self, user: User | AnonymousUser | None) -> Self:
        """The units a user may see: their own unit and everything below it."""
        unit = user.unit if user is not None and user.is_authenticated else None
        if unit is None:
            return self.none()
        if unit.level == Level.COUNTY:
            return self.filter(code__startswith=unit.code)
        if unit.level == Level.TOWNSHIP:
            return self.filter(models.Q(pk=unit.pk) | models.Q(parent_id=unit.pk))
        return self.filter(pk=unit.pk)


class Unit(AuditedModel):
    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_fictional = models.BooleanField(
        _("演示用虚构单位"), default=False, help_text=_("演示数据中虚构的村，非真实区划。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政单位")
        verbose_name_plural = _("行政单位")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="county", code__regex=r"^[0-9]{6}$")
                    | models.Q(level="township", code__regex=r"^[0-9]{9}$")
                    | models.Q(level="village", code__regex=r"^[0-9]{12}$")
                ),
                name="unit_code_matches_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level="county") | models.Q(parent__isnull=False),
                name="unit_below_county_has_parent",
            ),
        ]
        indexes = [models.Index(fields=["level", "parent"], name="unit_level_parent")]

    def __str__(self) -> str:
        if self.is_fictional:
            return f"{self.name}（演示）"
        return self.name

    @property
    def township(self) -> Unit | None:
        if self.level == Level.TOWNSHIP:
            return self
        if self.level == Level.VILLAGE:
            return self.parent
        return None

    @property
    def government_name(self) -> str:
        """As written on the ledger's 单位（盖章） line: 火龙镇人民政府, 颍川街道办事处."""
        if self.name.endswith("街道"):
            return f"{self.name}办事处"
        return f"{self.name}人民政府"
