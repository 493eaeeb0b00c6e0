"""In-app reminders (站内提醒): due-soon, returned, overdue… shown in the shell's bell."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderQuerySet(models.QuerySet):
    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        """Not read and still to do (a reminder whose cause was resolved no longer counts)."""
        return self.filter(read_at__isnull=True, done_at__isnull=True)

    def pending(self):
        return self.filter(done_at__isnull=True)


class Reminder(models.Model):
    class Level(models.TextChoices):
        INFO = "info", _("提示")
        WARNING = "warning", _("注意")
        DANGER = "danger", _("紧急")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类别"), max_length=40)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("标题"), max_length=200)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(max_length=120, help_text=_("同一提醒只发一次"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Set when the reminder's cause is resolved (the report was resent, the entry closed…).
    done_at = models.DateTimeField(_("已处理时间"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内提醒")
        verbose_name_plural = _("站内提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_inbox")]

    def __str__(self) -> str:
        return self.title
