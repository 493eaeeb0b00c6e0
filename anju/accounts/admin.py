from django import forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, BaseUserCreationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.accounts.models import User
from anju.core.admin_site import RoleAdmin, site
from anju.units.models import Unit


class UserCreateForm(BaseUserCreationForm):
    """A new account gets an issued password that must be changed at first login."""

    class Meta:
        model = User
        fields = ("username", "full_name")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "is_active", "must_change_password")


class IssuedPasswordForm(AdminPasswordChangeForm):
    """A password set by the administrator must be changed by its owner."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class UserAdmin(RoleAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreateForm
    change_password_form = IssuedPasswordForm
    list_display = ("username", "full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "unit__name", "unit__code")
    ordering = ("unit__code", "username")
    raw_id_fields = ("unit",)
    filter_horizontal = ()
    # Role and unit are granted by the security administrator (三权分立), not here.
    readonly_fields = ("role", "unit", "last_login", "password_changed_at")
    fieldsets = [
        (None, {"fields": ("username", "full_name", "is_active")}),
        (_("授权（由安全管理员分配）"), {"fields": ("role", "unit")}),
        (_("密码"), {"fields": ("must_change_password", "password_changed_at", "last_login")}),
    ]
    add_fieldsets = [
        (None, {"fields": ("username", "full_name", "password1", "password2")}),
    ]

    def get_queryset(self, request):
        units = Unit.objects.for_user(request.user)
        return User.objects.filter(Q(unit__in=units) | Q(unit__isnull=True)).select_related("unit")


site.register(User, UserAdmin)
