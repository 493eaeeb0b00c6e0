"""The system administrator's account tool (三权分立, SECURITY.md row 8; issue #13 major 4).

The system administrator creates accounts and keeps their name and active state. They do
not issue passwords (a new account has none until the security administrator issues one),
grant roles or units, or touch the ``must_change_password`` flag; and they cannot change
the administrators' accounts at all — the security and audit administrators', another
system administrator's or their own — here or through the password page, which is closed.
"""

from django import forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.accounts.models import User
from anju.accounts.roles import SYSTEM_ADMINS
from anju.core.access import forbidden
from anju.core.admin_site import RoleAdmin, site
from anju.units.models import Unit


class UserCreateForm(forms.ModelForm):
    """A new account: no usable password until the security administrator issues one (and
    that one must be changed at first login)."""

    class Meta:
        model = User
        fields = ("username", "full_name")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        user.must_change_password = True
        if commit:
            user.save()
        return user


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "is_active")


def is_protected(request, user: User | None) -> bool:
    """Accounts the system administrator may look at but not change."""
    return user is not None and (user.pk == request.user.pk or user.role in SYSTEM_ADMINS)


class UserAdmin(RoleAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreateForm
    add_form_template = "admin/change_form.html"  # not Django's "enter a password" page
    list_display = ("username", "full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "unit__name", "unit__code")
    ordering = ("unit__code", "username")
    raw_id_fields = ("unit",)
    filter_horizontal = ()
    # Role and unit are granted, passwords issued, by the security administrator.
    readonly_fields = ("role", "unit", "must_change_password", "last_login", "password_changed_at")
    fieldsets = [
        (None, {"fields": ("username", "full_name", "is_active")}),
        (_("授权（由安全管理员分配）"), {"fields": ("role", "unit")}),
        (
            _("密码（由安全管理员签发或重置）"),
            {"fields": ("must_change_password", "password_changed_at", "last_login")},
        ),
    ]
    add_fieldsets = [(None, {"fields": ("username", "full_name")})]

    def get_queryset(self, request):
        units = Unit.objects.for_user(request.user)
        return User.objects.filter(Q(unit__in=units) | Q(unit__isnull=True)).select_related("unit")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_protected(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            user = self.get_object(request, object_id)
            if is_protected(request, user):
                return forbidden(
                    request,
                    reason="system admin may not change an administrator's or its own account",
                    obj_label="accounts.user",
                    obj_pk=str(user.pk),
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        # Passwords are issued and reset by the security administrator only.
        return forbidden(
            request,
            reason="passwords are reset by the security administrator",
            obj_label="accounts.user",
            obj_pk=str(id),
        )


site.register(User, UserAdmin)
