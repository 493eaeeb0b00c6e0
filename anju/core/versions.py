"""Edit forms never silently overwrite someone else's change (issue #13, major 5).

Every form that changes an existing record carries the version of the record the user
loaded — a fingerprint of the fields the form is about (``version_of``) — in a hidden
``version`` field. The save locks the record's row, compares that version with the
record's version now, and writes only if they are equal, all in one transaction
(``editing``). Otherwise nothing is saved and the user gets, on the same page and with what
they typed still there, the Chinese conflict message naming who changed the record and
when (from the audit log): "未保存：您打开页面之后，“…”已被 … 于 … 修改。"

    form = EntryForm(request.POST or None, version=versions.version_of(entry))   # the mixin
    try:
        with versions.editing(entry, form.submitted_version(), what=entry.label):
            services.update_entry(...)                                          # same transaction
    except versions.StaleEdit as exc:
        versions.refuse(request, exc, form)                                     # 409, input kept

One-button forms (transitions, approvals) carry ``{% version_input obj %}``
(``anju/core/templatetags/versions.py``) and call ``editing`` the same way.

A model names what its version covers with ``version_fields`` (default: every concrete
field but the primary key and ``updated_at``; many-to-many fields may be named too). A
request without a ``version`` field (the API, commands, scripts) is not checked; every
page form sends one, and ``tests/test_edit_conflicts.py`` walks every edit view of the
URLconf: a view that changes a record must be marked ``@versioned`` (and then refuse a
stale version) or be listed in ``NOT_VERSIONED`` with the reason it needs no check.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is mixed into
else:
    _FormBase = object

FIELD = "version"
IGNORED = frozenset({"id", "updated_at"})
# Audit events that say a record was read, not changed: they never name the last editor.
READS = frozenset({"unmask", "export", "api_read", "permission_denied"})


class StaleEdit(Exception):
    """The record changed (or went) after the form was opened; nothing was saved."""

    def __init__(self, *, current, what: str, who: str = "", when=None):
        super().__init__(f"stale: {what}")
        self.current = current
        self.what = what
        self.who = who
        self.when = when


def fields_of(obj) -> tuple[str, ...]:
    declared = getattr(obj, "version_fields", None)
    if declared:
        return tuple(declared)
    return tuple(f.name for f in obj._meta.concrete_fields if f.name not in IGNORED)


def version_of(obj, fields=None) -> str:
    """A short fingerprint of ``obj``'s stored values of ``fields`` ("" for no record)."""
    from anju.audit.models import canonical_json, jsonable

    if obj is None or obj.pk is None:
        return ""
    values = []
    for name in fields or fields_of(obj):
        field = obj._meta.get_field(name)
        value: object
        if field.many_to_many:
            value = sorted(getattr(obj, name).values_list("pk", flat=True))
        else:
            value = getattr(obj, field.attname)
            if isinstance(value, bytes | memoryview):
                value = hashlib.sha256(bytes(value)).hexdigest()
        values.append(jsonable(value))
    raw = canonical_json([obj._meta.label_lower, str(obj.pk), *values])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def last_change(*objs) -> tuple[str, object]:
    """(username, time) of the newest audit record that changed any of ``objs``."""
    from django.db.models import Q

    from anju.audit.models import AuditEvent, object_type

    stored = [o for o in objs if o is not None and o.pk is not None]
    if not stored:
        return "", None
    where = Q()
    for o in stored:
        where |= Q(object_type=object_type(o), object_id=str(o.pk))
    last = (
        AuditEvent.objects.filter(where)
        .exclude(event__in=READS)
        .order_by("-id")
        .values("username", "ts")
        .first()
    )
    return (last["username"], last["ts"]) if last else ("", None)


def stale(current, *, what: str, parts=None) -> StaleEdit:
    """``parts(current)``: the records a composite version covers (a notice's townships),
    so that the message names whoever changed any of them last."""
    who, when = last_change(current, *(parts(current) if parts and current is not None else ()))
    return StaleEdit(current=current, what=what, who=who, when=when)


def fingerprint(*values) -> str:
    """A version of something that is not a set of fields (a rule's settings inside the
    campaign, say): the same short digest of ``values``."""
    from anju.audit.models import canonical_json, jsonable

    return hashlib.sha256(canonical_json(jsonable(list(values))).encode()).hexdigest()[:24]


def check(current, submitted: str | None, *, what: str, fields=None, of=None, parts=None) -> None:
    """Raise ``StaleEdit`` when the submitted version is not ``current``'s (``None``:
    the request carried no version, nothing to compare). ``of(current)`` computes the
    version when it is not ``version_of(current, fields)``."""
    if submitted is None:
        return
    now = of(current) if of is not None else version_of(current, fields)  # "" for none
    if submitted != now:
        raise stale(current, what=what, parts=parts)


@contextlib.contextmanager
def editing(obj, submitted: str | None, *, what: str = "", fields=None, of=None, parts=None):
    """Lock ``obj``'s row, refuse a stale version, and run the block's writes in the same
    transaction (the services' own ``atomic`` blocks nest inside it). Yields the record
    as stored now."""
    what = what or str(obj)
    with transaction.atomic():
        current = type(obj)._base_manager.select_for_update(of=("self",)).filter(pk=obj.pk).first()
        if current is None:
            if submitted is not None:
                raise StaleEdit(current=None, what=what, who="", when=None)
        else:
            check(current, submitted, what=what, fields=fields, of=of, parts=parts)
        yield current


@contextlib.contextmanager
def editing_first(queryset, submitted: str | None, *, what: str, fields=None, of=None, parts=None):
    """``editing`` for a record that may not exist yet (an explanation, today's visit):
    the form opened on none carries "", and one created meanwhile is a conflict."""
    with transaction.atomic():
        current = queryset.select_for_update(of=("self",)).first()
        check(current, submitted, what=what, fields=fields, of=of, parts=parts)
        yield current


def submitted(data) -> str | None:
    """The version a request carried (``None`` when it had no version field)."""
    return data.get(FIELD) if FIELD in data else None


def message(exc: StaleEdit, *, form: bool = False) -> str:
    """The conflict message: what changed, who, when, and what to do now."""
    if exc.current is None:
        return f"未保存：您打开页面之后，“{exc.what}”已被删除。"
    when = timezone.localtime(exc.when).strftime("%Y-%m-%d %H:%M") if exc.when else ""
    who = exc.who or "他人"
    at = f" 于 {when} " if when else ""
    then = (
        "您填写的内容仍在页面上；请核对最新情况后再保存（再次保存将以您填写的为准）。"
        if form
        else "请查看最新情况后再操作。"
    )
    return f"未保存：您打开页面之后，“{exc.what}”已被 {who}{at}修改。{then}"


def refuse(request, exc: StaleEdit, form=None, *, version: str | None = None) -> None:
    """Tell the user (a message on the page they get back) and let a bound form carry the
    current version (``version``, or the record's), so that saving again — after
    reading — overwrites knowingly."""
    messages.error(request, message(exc, form=form is not None))
    if form is not None and exc.current is not None:
        form.use_version(version if version is not None else version_of(exc.current))


def differences(form, current, names=None) -> list[tuple[str, str, str]]:
    """(label, saved value, the user's value) for each form field that is a field of
    ``current`` and differs — shown above the form after a conflict
    (``core/_differences.html``)."""
    from django.core.exceptions import FieldDoesNotExist

    rows: list[tuple[str, str, str]] = []
    if current is None:
        return rows
    for name in names or form.fields:
        if name == FIELD or name not in form.fields or name not in form.cleaned_data:
            continue
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        mine = form.cleaned_data[name]
        if model_field.many_to_many:
            saved = list(getattr(current, name).all())
            same = {o.pk for o in saved} == {getattr(o, "pk", o) for o in mine or []}
        else:
            saved = getattr(current, name)
            same = _comparable(saved) == _comparable(mine)
        if not same:
            field = form.fields[name]
            rows.append((str(field.label), display(field, saved), display(field, mine)))
    return rows


def _comparable(value):
    if value is None:
        return ""
    return getattr(value, "pk", value)


def display(field, value) -> str:
    """A value as a person reads it: 是/否, choice labels, （空）; a form field may bring its
    own ``display_value`` (the registry's 对象类别 bit mask)."""
    shown = getattr(field, "display_value", None)
    if shown is not None:
        return shown(value)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    choices = dict(getattr(field, "choices", None) or [])
    if (name := choices.get(value)) is not None:
        return str(name)
    return str(value)


CONFLICT = 409


def conflict(response: HttpResponse) -> HttpResponse:
    response.status_code = CONFLICT
    return response


class VersionedFormMixin(_FormBase):
    """A hidden ``version`` field on a form that edits an existing record.

    ``MyForm(data, version=version_of(record))``; after validation
    ``form.submitted_version()`` is what the browser sent back (``None`` if nothing)."""

    version_fields: tuple[str, ...] | None = None

    def __init__(self, *args: Any, version: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=version
        )

    def submitted_version(self) -> str | None:
        return submitted(self.data) if self.is_bound else None

    def use_version(self, value: str) -> None:
        # a bound form's data is a QueryDict (a dict: its own mutable copy) or a dict
        data = self.data.copy() if isinstance(self.data, dict) else dict(self.data)
        data[FIELD] = value
        self.data = data


class VersionedAdminForm(forms.ModelForm):
    """The admin's change form with the version (``RoleAdmin.get_form`` mixes it in)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[FIELD].initial = version_of(self.instance)

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        model = type(self.instance)
        current = (
            model._base_manager.select_for_update(of=("self",)).filter(pk=self.instance.pk).first()
        )
        try:
            check(current, submitted(self.data), what=str(current or self.instance))
        except StaleEdit as exc:
            if current is not None:
                self.data = self.data.copy()
                self.data[FIELD] = version_of(current)
            raise forms.ValidationError(message(exc, form=True)) from None
        return data


def versioned_admin_form(form):
    if issubclass(form, VersionedAdminForm):
        return form
    return type(f"Versioned{form.__name__}", (VersionedAdminForm, form), {})


# --- which views need the check ------------------------------------------------------------
def versioned(view):
    """Mark a view that saves over an existing record as checking the version (the test
    that walks the URLconf reads this mark, then submits a stale version to it)."""
    view.versioned = True
    return view


# Views that change something but need no version, and why (as in anju/audit/coverage.py).
NOT_VERSIONED: dict[str, str] = {
    "accounts:security_action": "一键操作（解锁、重置两步验证或密码、停用、启用、收回授权）：不把用户填写的内容存到记录上，重复执行结果相同（重置以最后一次为准，均记入审计）",
    "api_pages:revoke": "撤销本人的接口令牌：一键操作，重复执行结果相同",
    "campaigns:carry": "把已结束轮次未完成的条目和问题转入另一轮：只移动当时仍未完成的，重复执行不会再移动（campaigns.carryover）",
    "visits:correction": "只处理“待审核”的更正，并在加锁后核对档案当前值仍是排查时的值（visits.services.accept_correction）",
    "reporting:prepare": "按当前台账生成（或重新生成）本周周报：内容由系统生成，没有用户填写的内容可丢失",
    "reporting:refresh": "按当前台账重新生成待审批的周报：内容由系统生成；审批时再核对版本",
    "inspections:confirm": "把所勾选的抽查问题列入台账：加锁逐条核对，已列入的不会再列（inspections.services.confirm）",
    "inspections:publish": "一键公布：加锁核对，只在全部核查完毕且尚未公布时生效，不提交用户填写的内容",
    "notices:add_unit": "在通报草稿中追加一个乡镇：只增加，不覆盖已有内容（同一乡镇不能加两次）",
    "admin:accounts_user_add": "新建账号，不是修改已有记录",
    "admin:accounts_user_changelist": "列表页的批量操作（启用、停用）：一键操作，重复执行结果相同",
    "admin:units_unit_changelist": "列表页的批量操作：一键操作，重复执行结果相同",
    "admin:auth_user_password_change": "签发初始密码：以最后一次为准，账号须在下次登录时修改",
}
