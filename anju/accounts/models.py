"""People: one account, one role, held at one unit (DESIGN.md §2, SECURITY.md 三权分立)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.accounts.roles import ROLE_LEVEL, Role
from anju.accounts.validators import validate_username_not_default
from anju.audit.models import AuditedModel


class User(AuditedModel, AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50)
    # Role and unit are granted by the security administrator (三权分立): the system
    # administrator creates accounts, which stay without a role until granted.
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=True,
        help_text=_("管理员设置或重置的密码，本人首次登录时必须修改。"),
    )

    REQUIRED_FIELDS = ["full_name"]
    audit_exclude = ("updated_at", "last_login")
    # What an edit of the account was opened on (anju/core/versions.py): a login meanwhile
    # (last_login) is not a conflict, a new password or grant is.
    version_fields = (
        "username",
        "full_name",
        "is_active",
        "must_change_password",
        "password_changed_at",
        "role",
        "unit",
    )
    audit_sensitive = ("password",)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["unit__code", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[*Role.values, ""]), name="user_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        try:
            validate_username_not_default(self.username)
        except ValidationError as exc:
            errors["username"] = exc.messages
        if self.role and self.unit_id:
            expected = ROLE_LEVEL.get(Role(self.role))
            if expected and self.unit.level != expected:
                errors["unit"] = [
                    _("角色“%(role)s”应设在%(level)s一级的单位。")
                    % {"role": Role(self.role).label, "level": _level_label(expected)}
                ]
        if errors:
            raise ValidationError(errors)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else str(_("未授权"))

    def password_expired(self, now: dt.datetime | None = None) -> bool:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or self.password_changed_at is None:
            return False
        now = now or timezone.now()
        return now - self.password_changed_at > dt.timedelta(days=days)

    def password_days_left(self) -> int | None:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or self.password_changed_at is None:
            return None
        return days - (timezone.now() - self.password_changed_at).days


def _level_label(level: str) -> str:
    from anju.units.models import Level

    return str(Level(level).label)


class LoginFailure(models.Model):
    """One failed login, kept to count failures per username (known or not)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    ts = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")

    def __str__(self) -> str:
        return f"{self.username} {self.ts:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """A username locked until a time after repeated failures (SECURITY.md row 3)."""

    username = models.CharField(max_length=150, unique=True)
    locked_until = models.DateTimeField()

    class Meta:
        verbose_name = _("账号锁定")
        verbose_name_plural = _("账号锁定")

    def __str__(self) -> str:
        return f"{self.username} → {self.locked_until:%Y-%m-%d %H:%M}"
