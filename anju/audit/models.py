"""The audit trail: append-only, hash-chained records of who did what, when, from where.

Each row's ``hash`` is a keyed MAC (``ANJU_AUDIT_KEY``, ``anju.core.crypto``) of its
canonical text, which includes the previous row's ``hash``: without the key nobody can
recompute the chain after changing a row. Rows written before the chain was keyed carry a
plain SHA-256 (``legacy_hash``) and are sealed by ``rekey_audit`` (``anju/audit/chain.py``).

``AuditedModel`` is the base of every business model: each create, update and delete
through the ORM writes one ``AuditEvent`` with old → new values. Bulk writes (imports)
record one event for the batch through ``anju.audit.services.record``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.audit.events import Event, Outcome
from anju.core.crypto import audit_chain_mac


class AppendOnlyError(RuntimeError):
    """Audit records are never changed or deleted (SECURITY.md row 11)."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    def for_object(self, obj):
        return self.filter(object_type=object_type(obj), object_id=str(obj.pk))


class AuditEvent(models.Model):
    ts = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("用户"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    unit_code = models.CharField(_("单位代码"), max_length=12, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # No choices= here: a new event is added in events.py alone, without a migration.
    event = models.CharField(_("事件"), max_length=32, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=16)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.ts:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"

    def get_event_display(self) -> str:
        return str(Event(self.event).label) if self.event in Event.values else self.event

    def get_role_display(self) -> str:
        from anju.accounts.roles import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role

    def get_outcome_display(self) -> str:
        return str(Outcome(self.outcome).label) if self.outcome in Outcome.values else self.outcome

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    def canonical(self) -> str:
        """The text the hash covers: every field but id and hash, in a fixed order."""
        return canonical(
            self.ts,
            self.user_id,
            self.username,
            self.role,
            self.unit_code,
            self.ip,
            self.event,
            self.object_type,
            self.object_id,
            self.object_repr,
            self.outcome,
            self.detail,
            self.prev_hash,
        )

    def compute_hash(self) -> str:
        """The row's keyed MAC (what ``hash`` must be)."""
        return audit_chain_mac(self.canonical())

    def legacy_hash(self) -> str:
        """The unkeyed SHA-256 of rows written before the chain was keyed."""
        return sha256_hex(self.canonical())


canonical_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _json_default(value):
    """What ``jsonable`` makes of a value JSON has no type for (used by ``canonical_detail``)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<二进制>"
    return str(value)


_canonical_detail = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
).encode


def canonical_detail(detail: dict) -> str:
    """``canonical_json(jsonable(detail))`` in one pass of the C encoder (an import
    serialises 100,000 details). Every dictionary key in ``detail`` must be text: JSON
    would sort other keys before turning them to text, so the stored row would not hash
    to the same value again (``record_many``'s callers build their keys from field names)."""
    return _canonical_detail(detail)


def canonical(ts: dt.datetime, *fields) -> str:
    """The hashed text of an audit row: its time in UTC to the microsecond, then user id,
    username, role, unit code, IP, event, object type, id and text, outcome, detail and
    the previous row's hash — as one JSON array with sorted keys."""
    return canonical_json([ts.astimezone(dt.UTC).isoformat(timespec="microseconds"), *fields])


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def object_type(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def jsonable(value):
    """``value`` with only JSON types (dates as ISO text, decimals as text). Scalars are
    checked by exact type first: an import serialises millions of them."""
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return value
    if kind is dict:
        return {
            (k if type(k) is str else str(k)): (v if type(v) in _SCALAR_TYPES else jsonable(v))
            for k, v in value.items()
        }
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALAR_TYPES else jsonable(v) for v in value]
    if isinstance(value, bool | int | float | str):  # subclasses (e.g. TextChoices members)
        return value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return _json_default(value)


SENSITIVE_MARK = "（已加密，不记录明文）"


def _fingerprint(value) -> str | None:
    """Enough to tell that a sensitive value changed, nothing to recover it from."""
    if not value:
        return None
    raw = value.encode() if isinstance(value, str) else bytes(value)
    return hashlib.sha256(raw).hexdigest()


class AuditedModel(models.Model):
    """Base for business data: every ORM create/update/delete writes an audit event.

    ``audit_sensitive`` names fields whose values never enter the log (encrypted PI):
    the event records only that they changed.
    """

    audit_exclude: tuple[str, ...] = ("updated_at",)
    audit_sensitive: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_original = instance._audit_snapshot()
        return instance

    def _audit_snapshot(self) -> dict:
        snapshot = {}
        for field in self._meta.concrete_fields:
            name = field.attname
            if name in self.audit_exclude or name not in self.__dict__:
                continue
            value = self.__dict__[name]
            if name in self.audit_sensitive:
                value = _fingerprint(value)
            snapshot[name] = jsonable(value)
        return snapshot

    def _audit_display(self, snapshot: dict) -> dict:
        return {
            k: (SENSITIVE_MARK if k in self.audit_sensitive and v else v)
            for k, v in snapshot.items()
        }

    def save(self, *args, **kwargs):
        from anju.audit.services import record

        creating = self._state.adding
        before = getattr(self, "_audit_original", None) or {}
        super().save(*args, **kwargs)
        after = self._audit_snapshot()
        if creating:
            shown = self._audit_display(after)
            changes = {k: [None, v] for k, v in shown.items() if v not in (None, "", [], {})}
            record(Event.CREATE, obj=self, detail={"changes": changes})
        else:
            changed = [k for k in after if before.get(k) != after[k]]
            if changed:
                old, new = self._audit_display(before), self._audit_display(after)
                changes = {k: [old.get(k), new[k]] for k in changed}
                record(Event.UPDATE, obj=self, detail={"changes": changes})
        self._audit_original = after

    def delete(self, *args, **kwargs):
        from anju.audit.services import record

        snapshot = self._audit_display(self._audit_snapshot())
        record(Event.DELETE, obj=self, detail={"before": snapshot})
        return super().delete(*args, **kwargs)
