"""Access tokens of the JSON API (DESIGN.md §6; SECURITY.md rows 9, 10, 16, 19).

A token belongs to one user and acts with that user's role and scope. The token itself is
shown once, when it is created; the database keeps only a keyed hash of it (HMAC-SHA256
under the server's secret key, which lives outside the database) and a short prefix to tell
tokens apart. A token also remembers the role and unit it was issued under: when the
security administrator changes or withdraws the grant, the token stops working.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(AuditedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("用途"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    role = models.CharField(_("签发时角色"), max_length=32, editable=False)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("签发时单位"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The fixed one-minute window of the rate limit, counted with conditional UPDATEs.
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    # Usage bookkeeping is written with QuerySet.update() and never enters the audit log;
    # the hash is left out too (it is no secret, but nothing needs it there).
    audit_exclude = ("key_hash", "last_used_at", "window_start", "window_count")
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.prefix}…（{self.name}）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def grant_changed(self) -> bool:
        """True when the user's role or unit is no longer the one the token was issued under."""
        user = self.user
        return user.role != self.role or user.unit_id != self.unit_id

    @property
    def state_label(self) -> str:
        if self.is_revoked:
            return str(_("已撤销"))
        if self.is_expired():
            return str(_("已过期"))
        if self.grant_changed():
            return str(_("授权已变更，已失效"))
        return str(_("有效"))

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired() and not self.grant_changed()
